/**
 * @module personas/images/public-image-url
 * Turns what a persona records as its `image` into the URL someone else fetches. A picture kept in
 * our data directory is recorded as `/persona-images/<file>` and made absolute with the server's
 * public base (BASE_URL or the tunnel) when it is handed out; a meeting provider cannot fetch a
 * loopback or private address, so such a base is reported as not public.
 */
import ipaddr from "ipaddr.js";
import { PERSONA_IMAGE_ROUTE } from "./image-route.js";

export interface ImageAvailability {
  /** Absolute when it can be; else the path on this server. */
  image_url: string;
  /** Whether a meeting provider on the internet can fetch `image_url`. */
  public: boolean;
  message?: string;
}

/** Whether a meeting provider out on the internet could reach this base URL. */
export function isPublicBase(base: string): boolean {
  let host: string;
  try {
    host = new URL(base).hostname.replace(/^\[|\]$/g, "").toLowerCase();
  } catch {
    return false;
  }
  if (host === "localhost" || host.endsWith(".localhost") || host.endsWith(".local")) return false;
  if (!ipaddr.isValid(host)) return true;
  const parsed = ipaddr.process(host);
  return parsed.range() === "unicast";
}

/** The absolute URL of a recorded image, or undefined when it is a local path and no base is known. */
export function absoluteImageUrl(recorded: string, base: string | undefined): string | undefined {
  if (/^https?:\/\//i.test(recorded)) return recorded;
  if (!recorded.startsWith(`${PERSONA_IMAGE_ROUTE}/`) || !base) return undefined;
  return `${base.replace(/\/+$/, "")}${recorded}`;
}

/** How a stored image can be reached, with a note when a meeting provider could not fetch it. */
export function describeImage(recorded: string, base: string | undefined): ImageAvailability {
  const absolute = absoluteImageUrl(recorded, base);
  if (absolute && /^https?:\/\//i.test(recorded)) return { image_url: absolute, public: true };
  if (absolute && base && isPublicBase(base)) return { image_url: absolute, public: true };
  return {
    image_url: absolute ?? recorded,
    public: false,
    message:
      "The image is stored on this server, which has no public address: set BASE_URL (or open a tunnel) so meeting providers can fetch it, or configure UploadThing (UPLOADTHING_TOKEN)",
  };
}
