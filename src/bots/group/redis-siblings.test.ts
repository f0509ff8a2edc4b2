/**
 * Siblings across processes: two MeetingGroups (as two worker processes would have) share one real
 * redis-server, with the bots of one meeting split across them. Each side knows the other's bots by
 * name, attributes their voice, and both count bot-to-bot replies against one cap.
 */
import { Redis } from "ioredis";
import { describe, expect, it } from "vitest";
import { groupProcessesForSuite } from "./testing/group-processes-suite.js";
import { redisMissing } from "../cluster/testing/local-redis.js";
import { groupHash, groupKey } from "./meeting-group-key.js";
import { MeetingGroups } from "./meeting-groups.js";
import { SIBLINGS_CHANNEL, RedisSiblingStore } from "./redis-siblings.js";

/** Waits until `check` holds; the bound is generous, the background refresh is every 2 s at most. */
async function until(what: string, check: () => boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting until ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe.skipIf(redisMissing())("siblings in Redis (skipped without redis-server)", () => {
  const suite = groupProcessesForSuite();
  const { server, joined } = suite;

  /** Ada in one process, Cleo in another, in meeting group `group`; returns once each knows the other. */
  const twoProcesses = async (group: string, refreshMs?: number) => {
    const [one, two] = [await suite.processes.process(600, refreshMs), await suite.processes.process(600, refreshMs)];
    const ada = one.join("t", group, { holderId: "ada", displayName: "Ada", names: ["Analyst"] });
    const cleo = two.join("t", group, { holderId: "cleo", displayName: "Cleo", names: ["Cleopatra", "Facilitator"] });
    joined.push(ada, cleo);
    await until("each knows the other", () => ada.siblings().length === 1 && cleo.siblings().length === 1);
    return { ada, cleo };
  };


  it("knows a sibling in the other process by every name it answers to, and forgets it when it leaves", async () => {
    const { ada, cleo } = await twoProcesses("names");
    expect(ada.siblings()).toEqual([{ holderId: "cleo", displayName: "Cleo" }]);
    expect(ada.siblingNames().sort()).toEqual(["Cleo", "Cleopatra", "Facilitator"]);
    expect(ada.siblingNamed("cleopatra (bot)")).toBe("Cleo");
    expect(cleo.siblingNamed("ANALYST")).toBe("Ada");
    expect(cleo.siblingNamed("Alice")).toBeNull();
    // A bot of another tenant with the same group name is no sibling.
    const other = (await suite.processes.process(600)).join("other-tenant", "names", { holderId: "eve", displayName: "Eve", names: [] });
    joined.push(other);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(ada.siblingNamed("Eve")).toBeNull();

    await cleo.leave();
    await until("Cleo is forgotten", () => ada.siblings().length === 0);
    expect(ada.siblingNamed("Cleo")).toBeNull();
    expect(ada.siblingNames()).toEqual([]);
  }, 20_000);

  it("attributes a voice heard while a sibling in the other process was speaking to that sibling", async () => {
    const { ada, cleo } = await twoProcesses("voices");
    const start = performance.now();
    cleo.speaking(true, start);
    cleo.speaking(false, start + 800);
    await until("the span has arrived", () => ada.siblingSpeaking(start + 100, start + 500) !== null);
    const heard = ada.siblingSpeaking(start + 100, start + 500);
    expect(heard?.name).toBe("Cleo");
    expect(heard?.overlapMs).toBeCloseTo(400, 1);
    expect(ada.siblingSpeaking(start + 1000, start + 2000)).toBeNull();
    // Still speaking: the span is open, and covers whatever is asked about after its start.
    const again = start + 3000;
    cleo.speaking(true, again);
    await until("the open span has arrived", () => ada.siblingSpeaking(again + 100, again + 300) !== null);
    expect(ada.siblingSpeaking(again + 100, again + 300)?.overlapMs).toBeCloseTo(200, 1);
    // Its own voice is never taken for a sibling's.
    expect(cleo.siblingSpeaking(again + 100, again + 300)).toBeNull();
  }, 20_000);

  it("keeps a long voice going, and closes one whose stop was lost", async () => {
    const { ada, cleo } = await twoProcesses("lost-stop", 100);
    const start = performance.now();
    cleo.speaking(true, start);
    await until("the voice has arrived", () => ada.siblingSpeaking(start, start + 10) !== null);
    // Told again every refresh: still Cleo's voice well past the point a silent one is closed (300 ms).
    await new Promise((resolve) => setTimeout(resolve, 1000));
    // (Waited for rather than read once: a stalled event loop may close it until the next retelling reopens it.)
    await until("Cleo's voice is still on", () => {
      const now = performance.now();
      return ada.siblingSpeaking(now, now + 100)?.name === "Cleo";
    });
    cleo.speaking(false, performance.now());

    // A start whose stop never comes (lost on the way, or its worker died): closed after three silent refreshes.
    const probe = new Redis(server.url);
    try {
      const g = groupHash(groupKey("t", "lost-stop"));
      const lostAt = performance.now() + 1;
      await probe.publish(SIBLINGS_CHANNEL, JSON.stringify({ g, kind: "speaking", holder: "cleo", on: true, at: performance.timeOrigin + lostAt }));
      await until("the stray voice has arrived", () => ada.siblingSpeaking(lostAt, lostAt + 10) !== null);
      await until("the stray voice is closed", () => {
        const later = performance.now();
        return ada.siblingSpeaking(later, later + 100) === null;
      });
    } finally {
      probe.disconnect();
    }
  }, 20_000);

  it("holds the bot-to-bot cap across the two processes until a person speaks", async () => {
    const { ada, cleo } = await twoProcesses("cap");
    expect(await ada.takeBotExchange(2)).toBe(true);
    expect(await cleo.takeBotExchange(2)).toBe(true);
    expect(await ada.takeBotExchange(2)).toBe(false);
    expect(await cleo.takeBotExchange(2)).toBe(false);
    cleo.humanTurn();
    // Taken on the connection the reset went out on, so after it.
    expect(await cleo.takeBotExchange(2)).toBe(true);
    expect(await ada.takeBotExchange(2)).toBe(true);
    expect(await ada.takeBotExchange(2)).toBe(false);
    ada.humanTurn();
    cleo.humanTurn();
    await new Promise((resolve) => setTimeout(resolve, 100));
    // Taken at the same moment on both sides: still two in all.
    const racing = await Promise.all([ada.takeBotExchange(2), cleo.takeBotExchange(2), ada.takeBotExchange(2), cleo.takeBotExchange(2)]);
    expect(racing.filter(Boolean).length).toBe(2);
  }, 20_000);

  it("drops notices and entries it did not write instead of trusting them", async () => {
    const { ada } = await twoProcesses("hostile");
    const probe = new Redis(server.url);
    try {
      const members = `sb:siblings:{${groupHash(groupKey("t", "hostile"))}}:members`;
      expect(await probe.hlen(members)).toBe(2);
      await probe.hset(members, "mallory", "not json", "trent", JSON.stringify({ displayName: 7, names: "x", expires: 1e15 }));
      await probe.publish(SIBLINGS_CHANNEL, "{");
      await probe.publish(SIBLINGS_CHANNEL, JSON.stringify({ g: "x".repeat(500), kind: "speaking", holder: "cleo", on: true, at: "now" }));
      await probe.publish(SIBLINGS_CHANNEL, JSON.stringify({ kind: "changed" }));
      await new Promise((resolve) => setTimeout(resolve, 2500));
      expect(ada.siblings()).toEqual([{ holderId: "cleo", displayName: "Cleo" }]);
      expect(ada.siblingSpeaking(0, performance.now())).toBeNull();
    } finally {
      probe.disconnect();
    }
  }, 20_000);

  it("counts bot-to-bot replies in its own process, without throwing, when Redis is unreachable", async () => {
    const dead = new Redis("redis://127.0.0.1:1", { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
    dead.on("error", () => undefined);
    const seen: string[] = [];
    const store = new RedisSiblingStore(dead, new Redis(server.url), { onError: (e) => seen.push(e) });
    const groups = new MeetingGroups({ siblings: store });
    const sam = groups.join(undefined, "g", { holderId: "sam", displayName: "Sam", names: [] });
    const alex = groups.join(undefined, "g", { holderId: "alex", displayName: "Alex", names: [] });
    expect(await sam.takeBotExchange(2)).toBe(true);
    expect(await alex.takeBotExchange(2)).toBe(true);
    expect(await sam.takeBotExchange(2)).toBe(false);
    sam.humanTurn();
    expect(await alex.takeBotExchange(2)).toBe(true);
    // Its own process's siblings are still known.
    expect(sam.siblingNamed("alex")).toBe("Alex");
    await sam.leave();
    await alex.leave();
    await groups.close();
    await groups.close();
    expect(seen.some((e) => e.includes("bot-to-bot"))).toBe(true);
    dead.disconnect();
  });
});
