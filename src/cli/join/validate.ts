/**
 * @module cli/join/validate
 * Checks made before any bot starts: the meeting URL, the port an in-process server needs, and the
 * requested personas (unknown names are refused with the list of valid ones).
 */
import { createServer } from "node:net";
import { roomFromMeetingUrl } from "../../meeting/local/room-names.js";
import type { PersonaSummary } from "../api-client.js";

export class UsageError extends Error {}

export interface MeetingTarget {
  meetingUrl: string;
  /** A built-in room URL names the server that hosts the room. */
  roomServer: string | undefined;
  isRoom: boolean;
}

export function validateMeetingUrl(raw: string): MeetingTarget {
  const room = roomFromMeetingUrl(raw);
  if (room) {
    const url = new URL(raw);
    return { meetingUrl: raw, roomServer: url.protocol === "local:" ? undefined : url.origin, isRoom: true };
  }
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new UsageError(`"${raw}" is not a URL. Give a meeting link (https://meet.google.com/…) or a built-in room (http://127.0.0.1:7014/meet/<room> or local:<room>).`);
  }
  if (url.protocol !== "https:") throw new UsageError(`Meeting links must use https:// (got ${url.protocol}//). Built-in rooms look like http://host/meet/<room> or local:<room>.`);
  return { meetingUrl: raw, roomServer: undefined, isRoom: false };
}

export function checkPortFree(port: number, host = "127.0.0.1"): Promise<void> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once("error", () => reject(new UsageError(`Port ${port} on ${host} is already taken: pick another with --start-port, or use that server with --server http://${host}:${port}`)));
    probe.listen(port, host, () => probe.close(() => resolve()));
  });
}

/** Personas in the order asked, then random distinct ones until there are `count`. */
export function choosePersonas(requested: string[], available: PersonaSummary[], count: number, random = Math.random): PersonaSummary[] {
  const chosen: PersonaSummary[] = [];
  const unknown: string[] = [];
  for (const name of requested) {
    const lower = name.toLowerCase();
    const persona = available.find((p) => p.key === name || p.key === lower.replace(/[^a-z0-9]+/g, "_") || p.name.toLowerCase() === lower);
    if (persona) chosen.push(persona);
    else unknown.push(name);
  }
  if (unknown.length) throw new UsageError(`Unknown persona${unknown.length > 1 ? "s" : ""}: ${unknown.join(", ")}. Valid personas: ${available.map((p) => p.key).join(", ")}`);
  const pool = available.filter((p) => !chosen.includes(p));
  while (chosen.length < count && pool.length) chosen.push(...pool.splice(Math.floor(random() * pool.length), 1));
  while (chosen.length < count) chosen.push(available[Math.floor(random() * available.length)] as PersonaSummary);
  return chosen;
}
