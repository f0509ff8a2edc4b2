/**
 * @module meeting/local/room-access
 * Who may enter a built-in room: whoever holds its link, `/meet/<room>?t=<token>`. The token is
 * created with the room, is unguessable (144 random bits) and is compared in constant time. A room
 * with nobody in it is forgotten a while after it was last used, so its old link stops working and
 * the name can be opened again; the number of rooms is bounded.
 */
import { randomBytes, timingSafeEqual } from "node:crypto";
import { AppError } from "../../core/errors.js";

export const ROOM_TOKEN_PARAM = "t";

export interface RoomAccessOptions {
  /** Whether anyone (person or bot) is in the room right now; a room in use is never forgotten. */
  inUse(room: string): boolean;
  /** Told of each room forgotten (in a cluster, its pin to this worker goes). */
  forgotten?: (room: string) => void;
  /** How long an empty room keeps its link. */
  idleMs?: number;
  maxRooms?: number;
  now?: () => number;
}

interface Entry {
  token: string;
  lastUsed: number;
}

const DEFAULT_IDLE_MS = 24 * 60 * 60_000;
const DEFAULT_MAX_ROOMS = 10_000;
const SWEEP_MS = 60_000;

function sameToken(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

export class RoomAccess {
  private readonly entries = new Map<string, Entry>();
  private readonly idleMs: number;
  private readonly maxRooms: number;
  private readonly now: () => number;
  private sweeper: NodeJS.Timeout | undefined;

  constructor(private readonly options: RoomAccessOptions) {
    this.idleMs = options.idleMs ?? DEFAULT_IDLE_MS;
    this.maxRooms = options.maxRooms ?? DEFAULT_MAX_ROOMS;
    this.now = options.now ?? Date.now;
  }

  /** Starts the periodic sweep that notes rooms in use and forgets long-idle ones. */
  start(): void {
    if (this.sweeper) return;
    this.sweeper = setInterval(() => this.prune(), SWEEP_MS);
    this.sweeper.unref();
  }

  stop(): void {
    if (this.sweeper) clearInterval(this.sweeper);
    this.sweeper = undefined;
  }

  get size(): number {
    return this.entries.size;
  }

  exists(room: string): boolean {
    return this.entries.has(room);
  }

  /** Opens a new room and returns its token; an existing room is refused (its link must be asked for). */
  create(room: string): string {
    this.prune();
    if (this.entries.has(room)) {
      throw new AppError("ROOM_ACCESS_DENIED", `The room "${room}" already exists: join it with its link (…/meet/${room}?t=…), or pick another room name`, {
        status: 409,
      });
    }
    if (this.entries.size >= this.maxRooms) {
      throw new AppError("ROOMS_EXHAUSTED", `This server already holds ${this.maxRooms} rooms; try again later`, { retryable: true, details: { retry_after_seconds: 60 } });
    }
    const token = randomBytes(18).toString("base64url");
    this.entries.set(room, { token, lastUsed: this.now() });
    return token;
  }

  /** Whether this token opens this room; a match counts as a use of the room. */
  admits(room: string, token: string | undefined): boolean {
    const entry = this.entries.get(room);
    if (!entry || !token || !sameToken(token, entry.token)) return false;
    entry.lastUsed = this.now();
    return true;
  }

  /**
   * Entry for a bot sent through the API: with a token it must match; without one a new room is
   * opened. Returns the room's token; refuses with 403 (wrong link) or 409 (room exists).
   */
  enter(room: string, token: string | undefined): string {
    if (token === undefined) return this.create(room);
    if (!this.admits(room, token)) {
      throw new AppError("ROOM_ACCESS_DENIED", `This link does not open the room "${room}": its token is wrong or the room has expired. Send the bot without ?t= to open a new room`);
    }
    return token;
  }

  /** Notes which rooms are in use and forgets empty rooms idle for longer than the limit. */
  prune(): void {
    const now = this.now();
    for (const [room, entry] of this.entries) {
      if (this.options.inUse(room)) entry.lastUsed = now;
      else if (now - entry.lastUsed > this.idleMs) {
        this.entries.delete(room);
        this.options.forgotten?.(room);
      }
    }
  }
}
