/**
 * @module bots/url-checks
 * The URL fields of `POST /bots`, checked before anything uses them: each check names what is wrong
 * so the 400 says it, and nothing that passes can make `new URL` throw later.
 */

const MAX_URL = 2000;
const IMAGE_PATH = /\.(png|jpe?g|gif|webp|svg|avif|bmp|ico)$/i;

function parse(value: string): URL | undefined {
  if (value.length > MAX_URL || /[\s\p{Cc}]/u.test(value)) return undefined;
  try {
    return new URL(value);
  } catch {
    return undefined;
  }
}

/** Meeting links: http(s) with a host, or `local:<room>`; which provider takes it is decided later. */
export function meetingUrlProblem(value: string): string | undefined {
  const url = parse(value);
  if (!url) return "must be a URL such as https://meet.google.com/abc-defg-hij, or local:<room> for a built-in room";
  if (url.protocol === "local:") return /^[a-z0-9][a-z0-9_-]{0,63}$/i.test(url.pathname) ? undefined : "local:<room> takes a room name of letters, digits, - and _";
  if (url.protocol !== "http:" && url.protocol !== "https:") return `must be an https:// meeting link or a built-in room, not ${url.protocol}`;
  if (!url.hostname) return "must name a host";
  if (url.username || url.password) return "must not carry a user name or password";
  return undefined;
}

/** The public WebSocket base a provider dials: ws(s)://host[:port][/path], nothing more. */
export function websocketUrlProblem(value: string): string | undefined {
  const url = parse(value);
  if (!url) return "must be a URL such as wss://bots.example.com";
  if (url.protocol !== "ws:" && url.protocol !== "wss:") return "must start with ws:// or wss://";
  if (!url.hostname) return "must name a host";
  if (url.username || url.password) return "must not carry a user name or password";
  if (url.search || url.hash) return "must be a base URL without ?query or #fragment";
  return undefined;
}

/** The bot's avatar: an http(s) URL of an image file (never file:, data:, javascript:…). */
export function botImageProblem(value: string): string | undefined {
  const url = parse(value);
  if (!url) return "must be an https:// URL of an image";
  if (url.protocol !== "https:" && url.protocol !== "http:") return `must be an https:// URL of an image, not ${url.protocol}`;
  if (!url.hostname) return "must name a host";
  if (url.username || url.password) return "must not carry a user name or password";
  if (!IMAGE_PATH.test(url.pathname)) return "must point at an image file (.png, .jpg, .gif, .webp, .svg, .avif)";
  return undefined;
}
