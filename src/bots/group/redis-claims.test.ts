/**
 * Claim rounds across processes: two MeetingGroups (as two server processes would have) share one
 * real redis-server, with the siblings of one meeting split across them.
 */
import { Redis } from "ioredis";
import { describe, expect, it } from "vitest";
import { groupProcessesForSuite } from "./testing/group-processes-suite.js";
import type { TurnClaim } from "../../pipeline/turn/sibling-group.js";
import { redisMissing } from "../cluster/testing/local-redis.js";
import { MeetingGroups } from "./meeting-groups.js";
import { RedisClaimStore } from "./redis-claims.js";

const claim = (holder: string, extra: Partial<TurnClaim> = {}): TurnClaim => ({ holder, followUp: false, withinBudget: true, relevance: 0, talkMs: 0, ...extra });

describe.skipIf(redisMissing())("claim rounds in Redis (skipped without redis-server)", () => {
  const suite = groupProcessesForSuite();
  const { server, joined } = suite;

  /** Bots a and b in one process, c in another, all in meeting group `group`. */
  const threeBots = async (group: string, windowMs: number) => {
    const [one, two] = [await suite.processes.process(windowMs), await suite.processes.process(windowMs)];
    const a = one.join("t", group, { holderId: "a", displayName: "A", names: [] });
    const b = one.join("t", group, { holderId: "b", displayName: "B", names: [] });
    const c = two.join("t", group, { holderId: "c", displayName: "C", names: [] });
    joined.push(a, b, c);
    await suite.processes.membersRegistered(3);
    return { a, b, c };
  };


  it("gives a question heard in two processes to exactly one bot, ranked as in one process", async () => {
    const { a, b, c } = await threeBots("room", 30_000);
    const heard = performance.now();
    // The window is 30 s: the round closes because every bot entered, not by its deadline.
    const first = await Promise.all([a.settle(claim("a", { talkMs: 9000 }), heard), b.settle(claim("b", { talkMs: 500 }), heard + 120), c.settle(claim("c", { relevance: 2 }), heard + 250)]);
    expect(first).toEqual([false, false, true]);
    const later = heard + 20_000;
    const second = [a.settle(claim("a", { talkMs: 900 }), later), c.settle(claim("c", { talkMs: 5000 }), later)];
    b.pass(later + 80);
    expect(await Promise.all(second)).toEqual([true, false]);
  }, 15_000);

  it("closes at the deadline when a bot never enters, and turns down its late claim on the same utterance", async () => {
    const { a, b, c } = await threeBots("late", 400);
    const heard = performance.now();
    expect(await Promise.all([a.settle(claim("a", { talkMs: 10 }), heard), b.settle(claim("b"), heard)])).toEqual([false, true]);
    // c's recogniser was slow: the turn is given already.
    expect(await c.settle(claim("c", { relevance: 5 }), heard + 300)).toBe(false);
    // A new utterance seconds later is a new round, even this soon after the last one.
    const next = heard + 2500;
    expect(await Promise.all([c.settle(claim("c"), next), a.settle(claim("a", { talkMs: 10 }), next + 50)])).toEqual([true, false]);
  }, 15_000);

  it("settles a round at once when the bot it waits for leaves its process", async () => {
    const { a, b, c } = await threeBots("leaving", 30_000);
    const heard = performance.now();
    const pending = [a.settle(claim("a"), heard), b.settle(claim("b", { followUp: true }), heard)];
    await new Promise((resolve) => setTimeout(resolve, 100));
    await c.leave();
    expect(await Promise.all(pending)).toEqual([false, true]);
  }, 15_000);

  it("makes a claim lose, without throwing, when Redis is unreachable", async () => {
    const dead = new Redis("redis://127.0.0.1:1", { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
    dead.on("error", () => undefined);
    const events = new Redis(server.url);
    const seen: string[] = [];
    const store = new RedisClaimStore(dead, events, { onError: (e) => seen.push(e) });
    const groups = new MeetingGroups({ claims: store });
    const alone = groups.join(undefined, "g", { holderId: "x", displayName: "X", names: [] });
    expect(await alone.settle(claim("x"))).toBe(false);
    alone.pass();
    await alone.leave();
    await groups.close();
    await groups.close();
    expect(seen.length).toBeGreaterThanOrEqual(2);
    dead.disconnect();
  });
});
