/**
 * @module meeting/local/room-names
 * Which meeting URLs name a built-in room, and which room: `local:<room>` or `http(s)://<host>/meet/<room>`,
 * optionally with the room's link token (`?t=…`). A link on a real meeting platform's host (such as a
 * Teams `/meet/<id>` link) is never a built-in room. Whether the host is this server is decided by
 * the local provider, which knows the server's own origins.
 */
import { isMeetingPlatformHost } from "../meeting-links.js";
import { ROOM_TOKEN_PARAM } from "./room-access.js";

const ROOM = /^[a-z0-9][a-z0-9_-]{0,63}$/i;

export function isValidRoomName(name: string): boolean {
  return ROOM.test(name);
}

function parse(meetingUrl: string | URL): URL | undefined {
  if (typeof meetingUrl !== "string") return meetingUrl;
  try {
    return new URL(meetingUrl);
  } catch {
    return undefined;
  }
}

/** The room a meeting URL points at, or undefined when it is not a built-in room URL. */
export function roomFromMeetingUrl(meetingUrl: string | URL): string | undefined {
  const url = parse(meetingUrl);
  if (!url) return undefined;
  if (url.protocol === "local:") return isValidRoomName(url.pathname) ? url.pathname.toLowerCase() : undefined;
  if (url.protocol !== "http:" && url.protocol !== "https:") return undefined;
  if (url.username || url.password || isMeetingPlatformHost(url)) return undefined;
  const match = url.pathname.match(/^\/meet\/([^/]+)\/?$/);
  return match?.[1] && isValidRoomName(match[1]) ? match[1].toLowerCase() : undefined;
}

/** The room token a room link carries, if any. */
export function roomTokenFromMeetingUrl(meetingUrl: string | URL): string | undefined {
  return parse(meetingUrl)?.searchParams.get(ROOM_TOKEN_PARAM) ?? undefined;
}

/** The link people and bots use to enter a room. */
export function roomLink(publicBase: string, room: string, token: string): string {
  return `${publicBase.replace(/\/+$/, "")}/meet/${room}?${ROOM_TOKEN_PARAM}=${token}`;
}
