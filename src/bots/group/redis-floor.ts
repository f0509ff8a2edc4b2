/**
 * @module bots/group/redis-floor
 * The floor of a meeting group in Redis, for bots of one meeting that run in several processes.
 * Taking it is `SET key holder NX PX ttl`; the holder renews the expiry while it holds it, so a
 * process that dies frees the floor within one TTL; giving it back is a compare-and-delete script
 * that also publishes the group on one release channel, which every process listens to. A Redis
 * that does not answer in time counts as "floor busy": a bot waits rather than talks over another.
 */
import { groupHash } from "./meeting-group-key.js";
import type { Redis } from "ioredis";
import { errorMessage } from "../../core/errors.js";
import type { Floor } from "../../pipeline/turn/floor.js";
import type { FloorStore } from "./floor-store.js";
import { timedCommand } from "./timed-command.js";

export const FLOOR_RELEASED_CHANNEL = "sb:floor:released";
const DEFAULT_TTL_MS = 5000;

/** Deletes the key only when `holder` has it, and says so on the release channel. */
const RELEASE_SCRIPT = `if redis.call("GET", KEYS[1]) == ARGV[1] then
  redis.call("DEL", KEYS[1])
  redis.call("PUBLISH", ARGV[2], KEYS[1])
  return 1
end
return 0`;
/** Extends the expiry only for the holder that has the floor. */
const RENEW_SCRIPT = `if redis.call("GET", KEYS[1]) == ARGV[1] then return redis.call("PEXPIRE", KEYS[1], ARGV[2]) end
return 0`;

export interface RedisFloorOptions {
  ttlMs?: number;
  onError(error: string): void;
}

/** Where the floor of the group with this key lives in Redis (its value is the holder's client id). */
export function floorRedisKey(groupKey: string): string {
  return `sb:floor:${groupHash(groupKey)}`;
}

export class RedisFloorStore implements FloorStore {
  private readonly floors = new Map<string, RedisFloor>();
  private readonly byRedisKey = new Map<string, RedisFloor>();
  private readonly subscribed: Promise<unknown>;
  private closed = false;

  /** `subscriber` is a connection of its own (one in subscribe mode runs no other command); the store closes it. */
  constructor(
    private readonly redis: Redis,
    private readonly subscriber: Redis,
    private readonly options: RedisFloorOptions,
  ) {
    subscriber.on("message", (channel: string, redisKey: string) => {
      if (channel === FLOOR_RELEASED_CHANNEL) this.byRedisKey.get(redisKey)?.released();
    });
    this.subscribed = subscriber.subscribe(FLOOR_RELEASED_CHANNEL).catch((error: unknown) => options.onError(`floor release channel: ${errorMessage(error)}`));
  }

  /** Resolves once release messages are heard (tests wait for it; bots need not). */
  ready(): Promise<unknown> {
    return this.subscribed;
  }

  floorFor(key: string): Floor {
    let floor = this.floors.get(key);
    if (!floor) {
      const redisKey = floorRedisKey(key);
      floor = new RedisFloor(this.redis, redisKey, this.options);
      this.floors.set(key, floor);
      this.byRedisKey.set(redisKey, floor);
    }
    return floor;
  }

  forget(key: string): void {
    const floor = this.floors.get(key);
    if (!floor) return;
    floor.stopRenewing();
    this.floors.delete(key);
    this.byRedisKey.delete(floor.redisKey);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const key of [...this.floors.keys()]) this.forget(key);
    this.subscriber.disconnect();
  }
}

export class RedisFloor implements Floor {
  private readonly listeners = new Set<() => void>();
  private renewal: { holder: string; timer: NodeJS.Timeout } | undefined;
  private readonly ttlMs: number;

  constructor(
    private readonly redis: Redis,
    readonly redisKey: string,
    private readonly options: RedisFloorOptions,
  ) {
    this.ttlMs = options.ttlMs ?? DEFAULT_TTL_MS;
  }

  async tryAcquire(holder: string): Promise<boolean> {
    const taken = await this.command("take the floor", async () => {
      if ((await this.redis.set(this.redisKey, holder, "PX", this.ttlMs, "NX")) === "OK") return true;
      return (await this.redis.eval(RENEW_SCRIPT, 1, this.redisKey, holder, String(this.ttlMs))) === 1;
    });
    if (taken === true) this.renewWhileHeld(holder);
    return taken === true;
  }

  async release(holder: string): Promise<void> {
    if (this.renewal?.holder === holder) this.stopRenewing();
    await this.command("give the floor back", () => this.redis.eval(RELEASE_SCRIPT, 1, this.redisKey, holder, FLOOR_RELEASED_CHANNEL));
  }

  async holder(): Promise<string | null> {
    return (await this.command("read the floor", () => this.redis.get(this.redisKey))) ?? null;
  }

  onRelease(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** A release was published for this floor (by any process). */
  released(): void {
    for (const listener of [...this.listeners]) listener();
  }

  stopRenewing(): void {
    if (this.renewal) clearInterval(this.renewal.timer);
    this.renewal = undefined;
  }

  private renewWhileHeld(holder: string): void {
    if (this.renewal?.holder === holder) return;
    this.stopRenewing();
    const timer = setInterval(() => {
      void this.command("renew the floor", () => this.redis.eval(RENEW_SCRIPT, 1, this.redisKey, holder, String(this.ttlMs))).then((renewed) => {
        // Lost it (expired while Redis was away, then taken): stop pretending to hold it.
        if (renewed === 0 && this.renewal?.holder === holder) this.stopRenewing();
      });
    }, Math.max(100, Math.floor(this.ttlMs / 3)));
    timer.unref();
    this.renewal = { holder, timer };
  }

  private command<T>(what: string, call: () => Promise<T>): Promise<T | undefined> {
    return timedCommand(what, call, this.options.onError);
  }
}
