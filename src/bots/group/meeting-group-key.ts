/**
 * @module bots/group/meeting-group-key
 * Which meeting a bot is in, as one short string: bots of this server with the same group (and the
 * same tenant) are siblings. A request may name the group (`meeting_group`); by default it is the
 * meeting URL normalised so that the links people paste for one meeting agree: built-in rooms group
 * by room (`local:<room>`, whatever link reached it); other links drop the scheme, a leading
 * `www.`, the query (passwords, tracking), the fragment and trailing slashes, and keep the lowercase
 * host and the path, which is what names the meeting.
 */
import { createHash } from "node:crypto";
import { z } from "zod";
import { roomFromMeetingUrl } from "../../meeting/local/room-names.js";

export const MAX_MEETING_GROUP_CHARS = 100;

export const meetingGroupSchema = z
  .string()
  .trim()
  .min(1)
  .max(MAX_MEETING_GROUP_CHARS)
  .regex(/^[\p{L}\p{N}\p{P}\p{S} ]+$/u, "must be printable text: letters, digits, punctuation and spaces")
  .describe("Bots of this server with the same group are siblings: they share one floor and one answer per room question. Defaults to the normalised meeting URL");

/** The key of a group within this server: the same group name under two tenants is two groups. */
export function groupKey(tenant: string | undefined, meetingGroup: string): string {
  return JSON.stringify([tenant ?? null, meetingGroup]);
}

/** A group key as Redis keys carry it: fixed length, and no tenant or group name in the clear. */
export function groupHash(key: string): string {
  return createHash("sha256").update(key).digest("hex").slice(0, 32);
}

/** The default group of a meeting URL; `provider` says whether it is a built-in room. */
export function defaultMeetingGroup(meetingUrl: string, provider: string): string {
  const trimmed = meetingUrl.trim();
  const room = provider === "local" ? roomFromMeetingUrl(trimmed) : undefined;
  if (room) return `local:${room}`;
  let url: URL;
  try {
    url = new URL(trimmed);
  } catch {
    return trimmed.toLowerCase().slice(0, MAX_MEETING_GROUP_CHARS);
  }
  if (url.protocol === "local:") return `local:${url.pathname.toLowerCase()}`;
  const host = url.host.toLowerCase().replace(/^www\./, "");
  const path = url.pathname.replace(/\/+$/, "");
  return `${host}${path}`.slice(0, MAX_MEETING_GROUP_CHARS);
}
