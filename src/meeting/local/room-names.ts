/**
 * @module meeting/local/room-names
 * Which meeting URLs name a built-in room, and which room: `local:<room>` or `http(s)://<host>/meet/<room>`.
 */
const ROOM = /^[a-z0-9][a-z0-9_-]{0,63}$/i;

export function isValidRoomName(name: string): boolean {
  return ROOM.test(name);
}

/** The room a meeting URL points at, or undefined when it is not a built-in room URL. */
export function roomFromMeetingUrl(meetingUrl: string | URL): string | undefined {
  let url: URL;
  try {
    url = typeof meetingUrl === "string" ? new URL(meetingUrl) : meetingUrl;
  } catch {
    return undefined;
  }
  if (url.protocol === "local:") return isValidRoomName(url.pathname) ? url.pathname.toLowerCase() : undefined;
  if (url.protocol !== "http:" && url.protocol !== "https:") return undefined;
  const match = url.pathname.match(/^\/meet\/([^/]+)\/?$/);
  return match?.[1] && isValidRoomName(match[1]) ? match[1].toLowerCase() : undefined;
}
