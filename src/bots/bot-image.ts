/**
 * @module bots/bot-image
 * The picture a meeting provider shows for a bot: the request's `bot_image`, else the persona's
 * stored image. A persona image kept on this server is recorded as a path and made absolute with
 * the base the provider reaches us at; when that base is not public, the provider could not fetch
 * it, so none is sent (the built-in room, on this very server, always gets it).
 */
import { absoluteImageUrl, isPublicBase } from "../personas/images/public-image-url.js";

export interface BotImageSources {
  requested: string | undefined;
  personaImage: string | undefined;
  /** The stream base chosen for this bot. */
  streamBase: { base: string; source: string };
  /** BASE_URL or the tunnel, used when the stream base came from the request itself. */
  publicBase: string | undefined;
  /** The built-in room, served by this server. */
  local: boolean;
}

function httpBase(webSocketBase: string): string {
  return webSocketBase.replace(/^ws(s?):/i, "http$1:");
}

export function botImageUrl(sources: BotImageSources): string | undefined {
  if (sources.requested) return sources.requested;
  if (!sources.personaImage) return undefined;
  // A request's websocket_url may point at a relay elsewhere; it says nothing about where we are.
  const base = sources.streamBase.source === "request" ? sources.publicBase : httpBase(sources.streamBase.base);
  const url = absoluteImageUrl(sources.personaImage, base);
  if (!url || url === sources.personaImage || sources.local) return url;
  return base && isPublicBase(base) ? url : undefined;
}
