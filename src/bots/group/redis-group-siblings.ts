/**
 * @module bots/group/redis-group-siblings
 * One meeting group's siblings in Redis. Each process writes its bots of the group into one hash
 * (bot → names and when the entry expires, renewed like the claim members, so a dead process's bots
 * drop out) and reads the others' back into a cache in the background: the turn stages read the
 * cache and never wait on Redis. Speaking starts and stops travel on a channel with wall-clock
 * times, turned into this process's performance.now() clock on arrival; a voice still on is told
 * again every refresh, so a stop lost on the way (pub/sub delivers at most once) or a worker gone
 * mid-sentence cannot leave a span open that would take every person's words for a bot's. The
 * bot-to-bot reply count
 * is one counter per group, taken under the limit by a script so two workers cannot both take the
 * last reply.
 */
import type { Redis } from "ioredis";
import { z } from "zod";
import { type GroupMember, type GroupMemberSpec, SPEAKING_HISTORY_MS, type SpeakingSpan } from "./group-member.js";
import type { GroupSiblings } from "./sibling-store.js";
import { normaliseName } from "./sibling-names.js";
import { timedCommand } from "./timed-command.js";

/** Takes one reply when the count is under ARGV[1]; the count expires ARGV[2] ms after the last one. */
const TAKE_EXCHANGE_SCRIPT = `local n = tonumber(redis.call("GET", KEYS[1]) or "0")
if n >= tonumber(ARGV[1]) then return 0 end
redis.call("INCR", KEYS[1])
redis.call("PEXPIRE", KEYS[1], ARGV[2])
return 1`;
/** A count no one touched for this long is dropped: no bot of the group is left to use it. */
const EXCHANGE_TTL_MS = 3_600_000;

const entrySchema = z.object({ displayName: z.string().max(200), names: z.array(z.string().max(200)).max(100), expires: z.number() });

/** A speaking start or stop from another process, as published. */
export interface SpeakingEvent {
  holder: string;
  on: boolean;
  /** Epoch ms. */
  at: number;
}

export interface GroupSiblingSettings {
  memberTtlMs: number;
  /** A command slower than this is given up on (the bot-to-bot count then falls back to this process's). */
  commandTimeoutMs: number;
  /** A remote voice not told again for this long is taken to have stopped when last heard of. */
  staleVoiceMs: number;
  onError(error: string): void;
  /** Publishes on the siblings channel: a changed member list, or a bot's voice. */
  publish(message: object): void;
}

export class RedisGroupSiblings implements GroupSiblings {
  private readonly local = new Map<string, GroupMemberSpec>();
  private readonly spans = new Map<string, SpeakingSpan[]>();
  /** When each remote bot's voice was last told (performance.now() clock). */
  private readonly toldAt = new Map<string, number>();
  /** This process's bots speaking now, since when. */
  private readonly voicing = new Map<string, number>();
  private members: GroupMember[] = [];
  private readonly membersKey: string;
  private readonly exchangesKey: string;

  constructor(
    private readonly redis: Redis,
    readonly hash: string,
    private readonly settings: GroupSiblingSettings,
  ) {
    this.membersKey = `sb:siblings:{${hash}}:members`;
    this.exchangesKey = `sb:siblings:{${hash}}:exchanges`;
  }

  joined(spec: GroupMemberSpec): void {
    this.local.set(spec.holderId, spec);
    this.members = this.members.filter((m) => m.spec.holderId !== spec.holderId);
    void this.register([spec]).then(() => this.settings.publish({ g: this.hash, kind: "changed" }));
  }

  left(holder: string): void {
    // A bot that fails mid-reply never stops speaking: its voice ends as it leaves.
    if (this.voicing.has(holder)) this.speaking(holder, false, performance.now());
    if (!this.local.delete(holder)) return;
    void this.command("remove a bot from its siblings", () => this.redis.hdel(this.membersKey, holder)).then(() => this.settings.publish({ g: this.hash, kind: "changed" }));
  }

  speaking(holder: string, on: boolean, at: number): void {
    if (on) this.voicing.set(holder, at);
    else this.voicing.delete(holder);
    this.settings.publish({ g: this.hash, kind: "speaking", holder, on, at: performance.timeOrigin + at });
  }

  remote(): GroupMember[] {
    return this.members;
  }

  humanTurn(): void {
    void this.command("reset the bot-to-bot count", () => this.redis.del(this.exchangesKey));
  }

  async takeBotExchange(limit: number, local: () => boolean): Promise<boolean> {
    const taken = await this.command("count a bot-to-bot reply", () => this.redis.eval(TAKE_EXCHANGE_SCRIPT, 1, this.exchangesKey, String(limit), String(EXCHANGE_TTL_MS)));
    if (taken === undefined) return local();
    return taken === 1;
  }

  /** Writes this process's bots of the group again, before their entries expire. */
  renew(): Promise<void> {
    return this.register([...this.local.values()]);
  }

  /** Tells the other processes again which of this process's bots are speaking. */
  retell(): void {
    for (const [holder, since] of this.voicing) this.speaking(holder, true, since);
  }

  /** Reads the group's bots of other processes into the cache. */
  async refresh(): Promise<void> {
    this.closeStaleVoices(performance.now());
    const all = await this.command("read the siblings", () => this.redis.hgetall(this.membersKey));
    if (all === undefined) return;
    const now = Date.now();
    const members: GroupMember[] = [];
    for (const [holderId, json] of Object.entries(all)) {
      const entry = parseEntry(json);
      if (!entry || entry.expires < now || this.local.has(holderId)) continue;
      const spec = { holderId, displayName: entry.displayName, names: entry.names };
      const names = [...new Set([spec.displayName, ...spec.names].map(normaliseName).filter(Boolean))];
      members.push({ spec, normalisedNames: names, spans: this.spansOf(holderId) });
    }
    this.members = members;
    for (const holder of [...this.spans.keys()]) if (!members.some((m) => m.spec.holderId === holder) && this.spansOf(holder).length === 0) this.spans.delete(holder);
  }

  /** A sibling in another process started or stopped speaking. */
  heard(event: SpeakingEvent): void {
    if (this.local.has(event.holder)) return;
    const at = event.at - performance.timeOrigin;
    this.toldAt.set(event.holder, performance.now());
    const spans = this.spansOf(event.holder);
    const last = spans.at(-1);
    if (event.on && (!last || last.end !== null)) spans.push({ start: at, end: null });
    if (!event.on && last && last.end === null) last.end = Math.max(last.start, at);
    const kept = spans.filter((s) => s.end === null || at - s.end < SPEAKING_HISTORY_MS);
    spans.splice(0, spans.length, ...kept);
  }

  private closeStaleVoices(now: number): void {
    for (const [holder, spans] of this.spans) {
      const last = spans.at(-1);
      const told = this.toldAt.get(holder) ?? now;
      if (last && last.end === null && now - told > this.settings.staleVoiceMs) last.end = Math.max(last.start, told);
      const kept = spans.filter((s) => s.end === null || now - s.end < SPEAKING_HISTORY_MS);
      spans.splice(0, spans.length, ...kept);
      if (kept.length === 0) this.toldAt.delete(holder);
    }
  }

  private spansOf(holder: string): SpeakingSpan[] {
    let spans = this.spans.get(holder);
    if (!spans) {
      spans = [];
      this.spans.set(holder, spans);
    }
    return spans;
  }

  private async register(specs: GroupMemberSpec[]): Promise<void> {
    if (specs.length === 0) return;
    const expires = Date.now() + this.settings.memberTtlMs;
    const fields = specs.flatMap((s) => [s.holderId, JSON.stringify({ displayName: s.displayName, names: s.names, expires })]);
    await this.command("register the siblings", () => this.redis.multi().hset(this.membersKey, ...fields).pexpire(this.membersKey, this.settings.memberTtlMs).exec());
  }

  private command<T>(what: string, call: () => Promise<T>): Promise<T | undefined> {
    return timedCommand(what, call, this.settings.onError, this.settings.commandTimeoutMs);
  }
}

function parseEntry(json: string): z.infer<typeof entrySchema> | undefined {
  try {
    const parsed = entrySchema.safeParse(JSON.parse(json));
    return parsed.success ? parsed.data : undefined;
  } catch {
    // Not JSON: nothing this server wrote; the entry is skipped.
    return undefined;
  }
}
