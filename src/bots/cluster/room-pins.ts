/**
 * @module bots/cluster/room-pins
 * Which worker holds each built-in room. A room's people and bots live in one worker's memory, so
 * the first request for a room pins it (`sb:room:<name>` → worker id) to a live worker with room
 * for more bots; every later request goes to that worker. A pin to a worker that stopped
 * heartbeating is replaced by a compare-and-set, so two API nodes that find it dead at the same
 * moment agree on one new worker. A stopping worker removes its pins: its rooms close with it.
 */
import type { Redis } from "ioredis";
import { AppError } from "../../core/errors.js";
import { keys } from "./cluster-keys.js";
import { type WorkerView, readWorkers } from "./worker-presence.js";

/**
 * Pins a room to ARGV[2] when it is unpinned (ARGV[1] empty: SET NX) or still pinned to the worker
 * ARGV[1] (found dead); returns the worker the room is pinned to afterwards.
 * KEYS: room pin, new worker's room set, old worker's room set. ARGV: expected, new worker, room.
 */
const PIN = `
local current = redis.call('GET', KEYS[1])
if ARGV[1] == '' then
  if not redis.call('SET', KEYS[1], ARGV[2], 'NX') then return current or '' end
else
  if current ~= ARGV[1] then return current or '' end
  redis.call('SET', KEYS[1], ARGV[2])
  redis.call('SREM', KEYS[3], ARGV[3])
end
redis.call('SADD', KEYS[2], ARGV[3])
return ARGV[2]
`;

/** Removes the pin only while it still names ARGV[1]. KEYS: room pin, worker's room set. ARGV: worker, room. */
const UNPIN = `
redis.call('SREM', KEYS[2], ARGV[2])
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
`;

/** Tries before giving up when other processes keep changing the pin under us (never in practice). */
const PIN_ATTEMPTS = 5;

/** A worker that may hold a new room: alive, taking bots, under capacity, with a usable BASE_URL. */
function canHoldRooms(worker: WorkerView & { alive: boolean }): boolean {
  return worker.alive && worker.accepting && worker.active < worker.capacity && isHttpUrl(worker.baseUrl);
}

export function isHttpUrl(value: string): boolean {
  try {
    const url = new URL(value);
    return (url.protocol === "http:" || url.protocol === "https:") && !url.username && !url.password;
  } catch {
    return false;
  }
}

/** The least loaded worker that may hold a room, `preferred` first when it may. */
function choose(workers: (WorkerView & { alive: boolean })[], preferred: string | undefined): WorkerView | undefined {
  const candidates = workers.filter(canHoldRooms);
  const mine = candidates.find((worker) => worker.id === preferred);
  if (mine) return mine;
  return candidates.sort((a, b) => a.active / a.capacity - b.active / b.capacity || a.active - b.active)[0];
}

function chooseOrRefuse(room: string, workers: (WorkerView & { alive: boolean })[], preferred: string | undefined): WorkerView {
  const chosen = choose(workers, preferred);
  if (chosen) return chosen;
  const why = workers.some((worker) => worker.alive) ? "every worker is at capacity or overloaded" : "no worker is running";
  throw new AppError("NO_WORKER_AVAILABLE", `The room "${room}" needs a worker to hold it and ${why}; retry later`, { retryable: true });
}

export class RoomPins {
  constructor(private readonly redis: Redis) {}

  /** The worker id the room is pinned to, alive or not. */
  async pinnedTo(room: string): Promise<string | undefined> {
    return (await this.redis.get(keys.room(room))) ?? undefined;
  }

  /** The live worker holding the room, or undefined when it is unpinned or pinned to a dead worker. */
  async holder(room: string): Promise<WorkerView | undefined> {
    const [pinned, workers] = await Promise.all([this.redis.get(keys.room(room)), readWorkers(this.redis)]);
    return workers.find((worker) => worker.id === pinned && worker.alive);
  }

  /**
   * The live worker holding the room, pinning it first when needed: to `preferred` if that worker
   * may hold it, else to the least loaded one. Throws 503 when no live worker can take the room.
   */
  async pin(room: string, preferred?: string): Promise<WorkerView> {
    for (let attempt = 0; attempt < PIN_ATTEMPTS; attempt += 1) {
      const [pinned, workers] = await Promise.all([this.redis.get(keys.room(room)), readWorkers(this.redis)]);
      const current = workers.find((worker) => worker.id === pinned && worker.alive);
      if (current) return current;
      const chosen = chooseOrRefuse(room, workers, preferred);
      if (await this.swap(room, pinned ?? "", chosen.id)) return chosen;
    }
    throw new AppError("NO_WORKER_AVAILABLE", `The room "${room}" could not be pinned to a worker; retry`, { retryable: true });
  }

  /** The worker a room nobody holds would be pinned to now, without pinning it; throws 503 when none may. */
  async candidate(room: string): Promise<WorkerView> {
    return chooseOrRefuse(room, await readWorkers(this.redis), undefined);
  }

  /**
   * Pins the room to `workerId` when it is unpinned or its worker is dead; the live worker holding
   * it otherwise (which may be `workerId` already).
   */
  async claim(room: string, workerId: string): Promise<string> {
    for (let attempt = 0; attempt < PIN_ATTEMPTS; attempt += 1) {
      const [pinned, workers] = await Promise.all([this.redis.get(keys.room(room)), readWorkers(this.redis)]);
      if (pinned && workers.some((worker) => worker.id === pinned && worker.alive)) return pinned;
      if (await this.swap(room, pinned ?? "", workerId)) return workerId;
    }
    throw new AppError("NO_WORKER_AVAILABLE", `The room "${room}" could not be pinned to this worker; retry`, { retryable: true });
  }

  /** Unpins one room of this worker (it closed for good); a pin taken over by another worker stays. */
  async release(room: string, workerId: string): Promise<void> {
    await this.redis.eval(UNPIN, 2, keys.room(room), keys.workerRooms(workerId), workerId, room);
  }

  /** Unpins every room of a worker that stops. */
  async releaseAll(workerId: string): Promise<number> {
    const rooms = await this.redis.smembers(keys.workerRooms(workerId));
    for (const room of rooms) await this.release(room, workerId);
    await this.redis.del(keys.workerRooms(workerId));
    return rooms.length;
  }

  /** Compare-and-set of the pin from `expected` ("" for none) to `workerId`; true when it now names `workerId`. */
  private async swap(room: string, expected: string, workerId: string): Promise<boolean> {
    const oldSet = keys.workerRooms(expected || workerId);
    const now = await this.redis.eval(PIN, 3, keys.room(room), keys.workerRooms(workerId), oldSet, expected, workerId, room);
    return now === workerId;
  }
}
