/**
 * @module bots/group/testing/redis-group-processes
 * Meeting groups as several server processes have them, in one test: each "process" has its own
 * MeetingGroups with its own Redis connections, floors, claim rounds and sibling store, all in one
 * shared Redis.
 */
import { Redis } from "ioredis";
import { MeetingGroups } from "../meeting-groups.js";
import { RedisClaimStore } from "../redis-claims.js";
import { RedisFloorStore } from "../redis-floor.js";
import { RedisSiblingStore } from "../redis-siblings.js";

export class RedisGroupProcesses {
  readonly errors: string[] = [];
  private readonly connections: Redis[] = [];
  private readonly opened: MeetingGroups[] = [];

  constructor(private readonly redisUrl: string) {}

  /** One more process's meeting groups; claim rounds wait `windowMs` for the slowest bot; siblings are re-read every `siblingRefreshMs`. */
  async process(windowMs: number, siblingRefreshMs?: number): Promise<MeetingGroups> {
    const [redis, floorEvents, claimEvents, siblingEvents] = [new Redis(this.redisUrl), new Redis(this.redisUrl), new Redis(this.redisUrl), new Redis(this.redisUrl)];
    this.connections.push(redis, floorEvents, claimEvents, siblingEvents);
    const onError = (error: string) => this.errors.push(error);
    const claims = new RedisClaimStore(redis, claimEvents, { windowMs, onError });
    const floors = new RedisFloorStore(redis, floorEvents, { onError });
    // A loaded test machine can hold a command past the production bound; the fallback that would take is tested on its own.
    const siblings = new RedisSiblingStore(redis, siblingEvents, { refreshMs: siblingRefreshMs, commandTimeoutMs: 10_000, onError });
    await Promise.all([claims.ready(), floors.ready(), siblings.ready()]);
    const groups = new MeetingGroups({ floors, claims, siblings });
    this.opened.push(groups);
    return groups;
  }

  /** Waits until Redis counts `count` members in the claim rounds of some group (joining registers them asynchronously). */
  async membersRegistered(count: number, timeoutMs = 10_000): Promise<void> {
    const probe = new Redis(this.redisUrl);
    try {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const sets = await probe.keys("sb:claims:*:members");
        const sizes = await Promise.all(sets.map((key) => probe.zcard(key)));
        if (sizes.some((size) => size === count)) return;
        if (Date.now() > deadline) throw new Error(`no group reached ${count} registered members`);
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    } finally {
      probe.disconnect();
    }
  }

  async close(): Promise<void> {
    for (const groups of this.opened) await groups.close();
    for (const connection of this.connections) connection.disconnect();
  }
}
