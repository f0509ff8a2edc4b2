/**
 * @module personas/images/image-download
 * Fetches a generated picture from the image provider before we keep it. The URL comes from the
 * provider's answer, so it is treated as untrusted: `https:` only, only the provider's own hosts
 * (every redirect checked again), a deadline, a size cap enforced while reading, and the bytes must
 * really be PNG, JPEG or WebP, matching the Content-Type the server sent. SVG from elsewhere is
 * refused: it can carry scripts, and we would serve it from our own origin.
 */
import { AppError, errorMessage } from "../../core/errors.js";
import { type RasterType, isRasterType, mediaType, sniffRasterType } from "./image-types.js";

export interface DownloadPolicy {
  /** Whether this URL may be fetched. */
  allows(url: URL): boolean;
  /** The allowed sources, for error messages. */
  readonly sources: string;
  readonly maxBytes: number;
  readonly timeoutMs: number;
}

export interface DownloadedImage {
  bytes: Buffer;
  type: RasterType;
}

export const MAX_IMAGE_BYTES = 8 * 1024 * 1024;
export const IMAGE_DOWNLOAD_TIMEOUT_MS = 30_000;
const MAX_REDIRECTS = 3;

/**
 * Replicate serves outputs from replicate.delivery and its subdomains. `overrideOrigin` replaces
 * them with exactly one origin (plain http allowed), for a local stand-in in tests.
 */
export function replicateDeliveryPolicy(overrideOrigin?: string, limits: { maxBytes?: number; timeoutMs?: number } = {}): DownloadPolicy {
  const override = overrideOrigin ? new URL(overrideOrigin).origin : undefined;
  return {
    sources: override ?? "https://replicate.delivery",
    maxBytes: limits.maxBytes ?? MAX_IMAGE_BYTES,
    timeoutMs: limits.timeoutMs ?? IMAGE_DOWNLOAD_TIMEOUT_MS,
    allows(url) {
      if (override) return url.origin === override;
      const host = url.hostname.toLowerCase();
      return url.protocol === "https:" && url.port === "" && (host === "replicate.delivery" || host.endsWith(".replicate.delivery"));
    },
  };
}

function refused(message: string, reason: string): AppError {
  return new AppError("PROVIDER_REJECTED", message, { status: 502, details: { reason } });
}

function checkedUrl(raw: string, policy: DownloadPolicy, base?: URL): URL {
  let url: URL;
  try {
    url = new URL(raw, base);
  } catch {
    throw refused("The image service answered with an image address that is not a URL", "bad_url");
  }
  if (url.username || url.password || !policy.allows(url)) {
    throw refused(`Refusing to download the image from ${url.protocol}//${url.host}: images are only fetched from ${policy.sources}`, "host_not_allowed");
  }
  return url;
}

async function readCapped(response: Response, policy: DownloadPolicy, host: string): Promise<Buffer> {
  const tooLarge = () => refused(`The image from ${host} is larger than ${policy.maxBytes} bytes; refused`, "too_large");
  const declared = Number(response.headers.get("content-length"));
  if (Number.isFinite(declared) && declared > policy.maxBytes) {
    await response.body?.cancel();
    throw tooLarge();
  }
  if (!response.body) return Buffer.alloc(0);
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) return Buffer.concat(chunks);
    total += value.byteLength;
    if (total > policy.maxBytes) {
      await reader.cancel();
      throw tooLarge();
    }
    chunks.push(value);
  }
}

/** Downloads one generated picture under `policy`, or throws an AppError saying why not. */
export async function downloadImage(rawUrl: string, policy: DownloadPolicy): Promise<DownloadedImage> {
  const signal = AbortSignal.timeout(policy.timeoutMs);
  let url = checkedUrl(rawUrl, policy);
  try {
    for (let hop = 0; ; hop++) {
      const response = await fetch(url, { redirect: "manual", signal, headers: { accept: "image/png, image/jpeg, image/webp" } });
      if (response.status >= 300 && response.status < 400) {
        await response.body?.cancel();
        const location = response.headers.get("location");
        if (!location || hop >= MAX_REDIRECTS) throw refused(`The image at ${url.host} redirects too often or nowhere`, "redirects");
        url = checkedUrl(location, policy, url);
        continue;
      }
      if (!response.ok) {
        await response.body?.cancel();
        throw refused(`The image could not be downloaded from ${url.host}: HTTP ${response.status}`, "http_status");
      }
      const declared = mediaType(response.headers.get("content-type"));
      if (!isRasterType(declared)) {
        await response.body?.cancel();
        throw refused(`The image from ${url.host} is ${declared ?? "of no stated type"}; only PNG, JPEG and WebP are accepted`, "wrong_type");
      }
      const bytes = await readCapped(response, policy, url.host);
      const actual = sniffRasterType(bytes);
      if (actual !== declared) {
        throw refused(`The image from ${url.host} claims to be ${declared} but its content is ${actual ?? "not an image"}`, "wrong_type");
      }
      return { bytes, type: actual };
    }
  } catch (error) {
    if (error instanceof AppError) throw error;
    if (signal.aborted) throw refused(`Downloading the image from ${url.host} took longer than ${policy.timeoutMs} ms`, "timeout");
    throw new AppError("PROVIDER_UNREACHABLE", `The image could not be downloaded from ${url.host}: ${errorMessage(error)}`);
  }
}
