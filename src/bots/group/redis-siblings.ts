/**
 * @module bots/group/redis-siblings
 * Siblings across processes through Redis (see redis-group-siblings for one group). One channel
 * carries two notices: a group's member list changed (every process re-reads it at once rather
 * than at its next refresh) and a bot started or stopped speaking. Messages are checked like any
 * input from outside; one that does not parse is dropped.
 */
import { groupHash } from "./meeting-group-key.js";
import type { Redis } from "ioredis";
import { z } from "zod";
import { errorMessage } from "../../core/errors.js";
import { RedisGroupSiblings } from "./redis-group-siblings.js";
import type { GroupSiblings, SiblingStore } from "./sibling-store.js";
import { COMMAND_TIMEOUT_MS } from "./timed-command.js";

export const SIBLINGS_CHANNEL = "sb:siblings:events";
/** A bot is listed this long after its process last wrote it: a dead process's bots drop out. */
const MEMBER_TTL_MS = 30_000;
/** The cache of other processes' bots is re-read this often besides on notices. */
const REFRESH_MS = 2000;
/** A remote voice is told again every refresh; missing this many in a row, it is taken as stopped. */
const STALE_REFRESHES = 3;

const noticeSchema = z.discriminatedUnion("kind", [
  z.object({ g: z.string().max(64), kind: z.literal("changed") }),
  z.object({ g: z.string().max(64), kind: z.literal("speaking"), holder: z.string().max(200), on: z.boolean(), at: z.number().finite() }),
]);

export interface RedisSiblingOptions {
  memberTtlMs?: number;
  refreshMs?: number;
  commandTimeoutMs?: number;
  onError(error: string): void;
}

export class RedisSiblingStore implements SiblingStore {
  private readonly groups = new Map<string, RedisGroupSiblings>();
  private readonly byHash = new Map<string, RedisGroupSiblings>();
  private readonly subscribed: Promise<unknown>;
  private readonly timers: NodeJS.Timeout[];
  private readonly memberTtlMs: number;
  private readonly staleVoiceMs: number;
  private closed = false;

  /** `subscriber` is a connection of its own (one in subscribe mode runs no other command); the store closes it. */
  constructor(
    private readonly redis: Redis,
    private readonly subscriber: Redis,
    private readonly options: RedisSiblingOptions,
  ) {
    this.memberTtlMs = options.memberTtlMs ?? MEMBER_TTL_MS;
    subscriber.on("message", (channel: string, message: string) => {
      if (channel === SIBLINGS_CHANNEL) this.notice(message);
    });
    this.subscribed = subscriber.subscribe(SIBLINGS_CHANNEL).catch((error: unknown) => options.onError(`siblings channel: ${errorMessage(error)}`));
    const refreshMs = options.refreshMs ?? REFRESH_MS;
    this.staleVoiceMs = refreshMs * STALE_REFRESHES;
    const refresh = setInterval(() => {
      this.each((group) => {
        group.retell();
        return group.refresh();
      });
    }, refreshMs);
    const renew = setInterval(() => this.each((group) => group.renew()), Math.floor(this.memberTtlMs / 3));
    this.timers = [refresh, renew];
    for (const timer of this.timers) timer.unref();
  }

  /** Resolves once notices are heard (tests wait for it; bots need not). */
  ready(): Promise<unknown> {
    return this.subscribed;
  }

  siblingsFor(key: string): GroupSiblings {
    let group = this.groups.get(key);
    if (!group) {
      const hash = groupHash(key);
      group = new RedisGroupSiblings(this.redis, hash, { memberTtlMs: this.memberTtlMs, commandTimeoutMs: this.options.commandTimeoutMs ?? COMMAND_TIMEOUT_MS, staleVoiceMs: this.staleVoiceMs, onError: this.options.onError, publish: (message) => this.publish(message) });
      this.groups.set(key, group);
      this.byHash.set(hash, group);
      void group.refresh();
    }
    return group;
  }

  forget(key: string): void {
    const group = this.groups.get(key);
    if (!group) return;
    this.groups.delete(key);
    this.byHash.delete(group.hash);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const timer of this.timers) clearInterval(timer);
    this.groups.clear();
    this.byHash.clear();
    this.subscriber.disconnect();
  }

  private each(task: (group: RedisGroupSiblings) => Promise<void>): void {
    for (const group of this.groups.values()) void task(group);
  }

  private publish(message: object): void {
    if (this.closed) return;
    this.redis.publish(SIBLINGS_CHANNEL, JSON.stringify(message)).catch((error: unknown) => this.options.onError(`could not tell the siblings: ${errorMessage(error)}`));
  }

  private notice(message: string): void {
    const parsed = noticeSchema.safeParse(parseJson(message));
    if (!parsed.success) return;
    const notice = parsed.data;
    const group = this.byHash.get(notice.g);
    if (!group) return;
    if (notice.kind === "changed") void group.refresh();
    else group.heard(notice);
  }
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    // Not JSON: not a notice this server sent; the schema turns it down.
    return undefined;
  }
}
