/**
 * @module bots/group/redis-claims
 * Claim rounds in Redis, for bots of one meeting that run in several processes. Each bot hears the
 * person through its own stream and recogniser, so its claim (or pass) comes a little apart from
 * its siblings' and carries when it heard the utterance end. The first entry opens a round for the
 * group; entries go into the round's hash until every live member is in or the window is over
 * (both judged by a script on Redis's clock); then every claimant reads the same frozen set of
 * claims and computes the same winner with the in-process ranking. A bot absent from a round that
 * closed moments ago, on an utterance heard within `SAME_UTTERANCE_MS` of the one the round was
 * opened for, is late for it: its claim loses when someone claimed in time. A Redis that does not
 * answer makes the claim lose, as an unreachable floor counts as busy: better silent than twice.
 */
import { groupHash } from "./meeting-group-key.js";
import { randomBytes } from "node:crypto";
import type { Redis } from "ioredis";
import { z } from "zod";
import { errorMessage } from "../../core/errors.js";
import { CLAIM_WINDOW_MS, LATE_CLAIM_MS } from "../../pipeline/turn/claim-rounds.js";
import { pickClaim } from "../../pipeline/turn/claims.js";
import type { TurnClaim } from "../../pipeline/turn/sibling-group.js";
import { ENTER_SCRIPT, LEAVE_SCRIPT, READ_SCRIPT, REFRESH_MEMBERS_SCRIPT } from "./claim-scripts.js";
import type { ClaimStore, GroupClaims } from "./claim-store.js";
import { timedCommand } from "./timed-command.js";

export const CLAIM_ROUND_CLOSED_CHANNEL = "sb:claims:closed";
/** Bots hear one utterance end this close together at most (stream delays and VADs differ). */
export const SAME_UTTERANCE_MS = 1000;
/** A member is counted this long after its process last registered it: a dead process stops counting. */
const MEMBER_TTL_MS = 30_000;
/** A round is read this long after its deadline, so Redis's clock has passed it too. */
const DEADLINE_GRACE_MS = 15;
/** Reads of one round before giving up on it (each waits for its deadline or its close). */
const MAX_READS = 5;
/** Closed rounds remembered, for a bot that starts waiting after the close was announced. */
const REMEMBERED_CLOSES = 256;

const enteredSchema = z.tuple([z.string(), z.enum(["open", "closed", "late"]), z.number()]);
const readSchema = z.array(z.string()).min(1);
const claimSchema = z.object({ holder: z.string(), followUp: z.boolean(), withinBudget: z.boolean(), relevance: z.number(), talkMs: z.number() });

export interface RedisClaimOptions {
  windowMs?: number;
  lateMs?: number;
  memberTtlMs?: number;
  onError(error: string): void;
}

interface Settings {
  windowMs: number;
  lateMs: number;
  memberTtlMs: number;
  onError(error: string): void;
  wait(roundKey: string, ms: number): Promise<void>;
}

export class RedisClaimStore implements ClaimStore {
  private readonly groups = new Map<string, RedisGroupClaims>();
  private readonly waiters = new Map<string, Set<() => void>>();
  private readonly closedRounds = new Set<string>();
  private readonly subscribed: Promise<unknown>;
  private readonly refresher: NodeJS.Timeout;
  private readonly settings: Settings;
  private closed = false;

  /** `subscriber` is a connection of its own (one in subscribe mode runs no other command); the store closes it. */
  constructor(
    private readonly redis: Redis,
    private readonly subscriber: Redis,
    options: RedisClaimOptions,
  ) {
    this.settings = {
      windowMs: options.windowMs ?? CLAIM_WINDOW_MS,
      lateMs: options.lateMs ?? LATE_CLAIM_MS,
      memberTtlMs: options.memberTtlMs ?? MEMBER_TTL_MS,
      onError: options.onError,
      wait: (roundKey, ms) => this.waitForClose(roundKey, ms),
    };
    subscriber.on("message", (channel: string, roundKey: string) => {
      if (channel === CLAIM_ROUND_CLOSED_CHANNEL) this.roundClosed(roundKey);
    });
    this.subscribed = subscriber.subscribe(CLAIM_ROUND_CLOSED_CHANNEL).catch((error: unknown) => options.onError(`claim round channel: ${errorMessage(error)}`));
    this.refresher = setInterval(() => {
      for (const group of this.groups.values()) group.refresh();
    }, Math.floor(this.settings.memberTtlMs / 3));
    this.refresher.unref();
  }

  /** Resolves once round closes are heard (tests wait for it; bots need not). */
  ready(): Promise<unknown> {
    return this.subscribed;
  }

  roundsFor(key: string): GroupClaims {
    let group = this.groups.get(key);
    if (!group) {
      group = new RedisGroupClaims(this.redis, groupHash(key), this.settings);
      this.groups.set(key, group);
    }
    return group;
  }

  forget(key: string): void {
    this.groups.delete(key);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    clearInterval(this.refresher);
    this.groups.clear();
    for (const roundKey of [...this.waiters.keys()]) this.roundClosed(roundKey);
    this.subscriber.disconnect();
  }

  /** Resolves when the round is announced closed, or after `ms` (its deadline) and a margin. */
  private waitForClose(roundKey: string, ms: number): Promise<void> {
    if (this.closed || this.closedRounds.has(roundKey)) return Promise.resolve();
    return new Promise((resolve) => {
      const waiting = this.waiters.get(roundKey) ?? new Set<() => void>();
      this.waiters.set(roundKey, waiting);
      const done = () => {
        clearTimeout(timer);
        waiting.delete(done);
        if (waiting.size === 0 && this.waiters.get(roundKey) === waiting) this.waiters.delete(roundKey);
        resolve();
      };
      const timer = setTimeout(done, ms + DEADLINE_GRACE_MS);
      waiting.add(done);
    });
  }

  private roundClosed(roundKey: string): void {
    this.closedRounds.add(roundKey);
    if (this.closedRounds.size > REMEMBERED_CLOSES) this.closedRounds.delete(this.closedRounds.values().next().value ?? "");
    for (const done of [...(this.waiters.get(roundKey) ?? [])]) done();
  }
}

class RedisGroupClaims implements GroupClaims {
  private readonly local = new Set<string>();
  private readonly current: string;
  private readonly members: string;
  private readonly roundPrefix: string;

  constructor(
    private readonly redis: Redis,
    hash: string,
    private readonly settings: Settings,
  ) {
    this.current = `sb:claims:{${hash}}:current`;
    this.members = `sb:claims:{${hash}}:members`;
    this.roundPrefix = `sb:claims:{${hash}}:round:`;
  }

  joined(holder: string): void {
    this.local.add(holder);
    this.refresh();
  }

  /** Registers this process's bots of the group again, before their registration expires. */
  refresh(): void {
    if (this.local.size === 0) return;
    void this.command("register the group's bots", () => this.redis.eval(REFRESH_MEMBERS_SCRIPT, 1, this.members, String(this.settings.memberTtlMs), ...this.local));
  }

  async enter(holder: string, claim: TurnClaim, heardAt: number): Promise<boolean> {
    const round = await this.enterRound(holder, JSON.stringify(claim), heardAt);
    if (!round || round.state === "late") return false;
    const claims = await this.outcome(this.roundPrefix + round.id, round.state === "open" ? round.leftMs : 0);
    return claims !== undefined && pickClaim(claims) === holder;
  }

  pass(holder: string, heardAt: number): void {
    void this.enterRound(holder, "", heardAt);
  }

  left(holder: string): void {
    this.local.delete(holder);
    void this.command("leave the claim rounds", () => this.redis.eval(LEAVE_SCRIPT, 2, this.current, this.members, holder, this.roundPrefix, CLAIM_ROUND_CLOSED_CHANNEL));
  }

  private async enterRound(holder: string, entry: string, heardAt: number): Promise<{ id: string; state: "open" | "closed" | "late"; leftMs: number } | undefined> {
    const { windowMs, lateMs } = this.settings;
    // Epoch ms: bots in other processes compare it with theirs.
    const heard = Math.round(performance.timeOrigin + heardAt);
    const args = [holder, entry, String(heard), String(windowMs), String(lateMs), String(SAME_UTTERANCE_MS), randomBytes(8).toString("hex"), this.roundPrefix, CLAIM_ROUND_CLOSED_CHANNEL];
    const reply = await this.command("enter a claim round", () => this.redis.eval(ENTER_SCRIPT, 2, this.current, this.members, ...args));
    if (reply === undefined) return undefined;
    const parsed = enteredSchema.safeParse(reply);
    if (!parsed.success) {
      this.settings.onError("could not enter a claim round: Redis answered in an unknown shape");
      return undefined;
    }
    const [id, state, leftMs] = parsed.data;
    return { id, state, leftMs };
  }

  /** The claims of a round once it closed, or undefined when that cannot be known. */
  private async outcome(roundKey: string, firstWaitMs: number): Promise<TurnClaim[] | undefined> {
    let waitMs = firstWaitMs;
    for (let read = 0; read < MAX_READS; read++) {
      if (waitMs > 0) await this.settings.wait(roundKey, waitMs);
      const parsed = readSchema.safeParse(await this.command("read a claim round", () => this.redis.eval(READ_SCRIPT, 1, roundKey)));
      if (!parsed.success) return undefined;
      const [state, ...rest] = parsed.data;
      if (state === "closed") return rest.flatMap((json) => parseClaim(json) ?? []);
      if (state !== "open") {
        this.settings.onError("a claim round expired before it was read");
        return undefined;
      }
      waitMs = Math.max(1, Number(rest[0]) || 1);
    }
    this.settings.onError(`a claim round was still open after ${MAX_READS} reads`);
    return undefined;
  }

  private command<T>(what: string, call: () => Promise<T>): Promise<T | undefined> {
    return timedCommand(what, call, this.settings.onError);
  }
}

function parseClaim(json: string): TurnClaim | undefined {
  try {
    const parsed = claimSchema.safeParse(JSON.parse(json));
    return parsed.success ? parsed.data : undefined;
  } catch {
    // Not JSON: nothing this server wrote; the entry is left out of the ranking.
    return undefined;
  }
}
