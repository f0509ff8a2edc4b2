import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { DEFAULT_TURN_POLICY, resolveTurnPolicy } from "../../core/turn-policy.js";
import { AddressDetector } from "./addressing.js";
import { ClaimRounds } from "./claim-rounds.js";
import { contentWords, pickClaim, relevance } from "./claims.js";
import { MIN_OBSERVED_TALK_MS, ParticipationMeter } from "./participation.js";
import type { TurnClaim } from "./sibling-group.js";
import { decideTurn } from "./speak-decision.js";

const claim = (holder: string, extra: Partial<TurnClaim> = {}): TurnClaim => ({ holder, followUp: false, withinBudget: true, relevance: 0, talkMs: 0, ...extra });

describe("claim pick", () => {
  it("scores relevance by the question's content words found in the persona", () => {
    const pm = contentWords("Product Manager. You keep the discussion anchored on users, outcomes and the roadmap.");
    const dev = contentWords("Pair Programmer. You review code, tests and deployments.");
    const question = "Does anyone know what the roadmap says about users?";
    expect(relevance(question, pm)).toBe(2);
    expect(relevance(question, dev)).toBe(0);
    expect(relevance("Any thoughts on the tests?", dev)).toBe(1);
  });

  it("orders by budget, thread, relevance, least talk, then id", () => {
    expect(pickClaim([])).toBeNull();
    expect(pickClaim([claim("b"), claim("a")])).toBe("a");
    expect(pickClaim([claim("a", { talkMs: 9000 }), claim("b", { talkMs: 100 })])).toBe("b");
    expect(pickClaim([claim("a", { talkMs: 100 }), claim("b", { talkMs: 9000, relevance: 1 })])).toBe("b");
    expect(pickClaim([claim("a", { relevance: 3 }), claim("b", { followUp: true })])).toBe("b");
    expect(pickClaim([claim("a", { followUp: true, withinBudget: false }), claim("b")])).toBe("b");
    expect(pickClaim([claim("a", { withinBudget: false })])).toBe("a");
  });
});

describe("claim rounds", () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it("closes once every bot entered, and only the winner answers", async () => {
    const rounds = new ClaimRounds(() => 3, 600);
    const a = rounds.enter("a", claim("a", { talkMs: 5000 }));
    const b = rounds.enter("b", claim("b"));
    let settled = false;
    void Promise.all([a, b]).then(() => {
      settled = true;
    });
    await vi.advanceTimersByTimeAsync(10);
    expect(settled).toBe(false);
    rounds.pass("c");
    expect(await Promise.all([a, b])).toEqual([false, true]);
  });

  it("closes after the window when a bot never enters, and a pass keeps an earlier claim", async () => {
    const rounds = new ClaimRounds(() => 3, 600);
    const a = rounds.enter("a", claim("a"));
    rounds.pass("a");
    await vi.advanceTimersByTimeAsync(599);
    const b = rounds.enter("b", claim("b"));
    await vi.advanceTimersByTimeAsync(1);
    expect(await Promise.all([a, b])).toEqual([true, false]);
    // The next turn opens a new round.
    const next = rounds.enter("b", claim("b"));
    await vi.advanceTimersByTimeAsync(600);
    expect(await next).toBe(true);
  });

  it("turns down a claim that comes after its round gave the turn away", async () => {
    const rounds = new ClaimRounds(() => 2, 600);
    const a = rounds.enter("a", claim("a"));
    await vi.advanceTimersByTimeAsync(600);
    expect(await a).toBe(true);
    // b's recogniser was slow: its claim is for the turn a already has.
    expect(await rounds.enter("b", claim("b"))).toBe(false);
    // Both were in that round: the next claims are a new turn.
    const next = [rounds.enter("b", claim("b")), rounds.enter("a", claim("a", { talkMs: 10 }))];
    expect(await Promise.all(next)).toEqual([true, false]);
    await vi.advanceTimersByTimeAsync(3000);
    // Long after a round, a claim always opens a new one.
    const later = rounds.enter("c", claim("c"));
    await vi.advanceTimersByTimeAsync(600);
    expect(await later).toBe(true);
  });
});

describe("participation budget", () => {
  const budget = DEFAULT_TURN_POLICY.participation;

  it("reports turns and talk share over a rolling 10 minutes", () => {
    const meter = new ParticipationMeter();
    meter.othersSpeaking(true, 0);
    meter.othersSpeaking(false, 30_000);
    meter.selfSpeaking(true, 30_000);
    meter.turnTaken(30_000);
    meter.selfSpeaking(false, 60_000);
    expect(meter.snapshot(60_000)).toEqual({ turns10Min: 1, talkShare: 0.5, selfTalkMs: 30_000, othersTalkMs: 30_000 });
    // Ten minutes on, the window has passed them all.
    expect(meter.snapshot(700_000)).toMatchObject({ turns10Min: 0, talkShare: 0 });
  });

  it("holds a bot back past its talk share or turn count, only with others present and enough talk heard", () => {
    const meter = new ParticipationMeter();
    meter.othersSpeaking(true, 0);
    meter.othersSpeaking(false, 10_000);
    meter.selfSpeaking(true, 10_000);
    meter.selfSpeaking(false, 30_000);
    expect(meter.overBudget(30_000, budget, 3)).toBe(false); // 30 s heard: too early to judge
    meter.selfSpeaking(true, 30_000);
    meter.selfSpeaking(false, 10_000 + MIN_OBSERVED_TALK_MS);
    expect(meter.snapshot(70_000).talkShare).toBeGreaterThan(0.4);
    expect(meter.overBudget(70_000, budget, 3)).toBe(true);
    expect(meter.overBudget(70_000, budget, 1)).toBe(false);
    const chatty = new ParticipationMeter();
    for (let i = 0; i < 3; i++) chatty.turnTaken(i * 1000);
    expect(chatty.overBudget(5000, { ...budget, maxTurnsPer10Min: 3 }, 2)).toBe(true);
    expect(chatty.overBudget(700_000, { ...budget, maxTurnsPer10Min: 3 }, 2)).toBe(false);
  });
});

describe("speak decision with sibling bots", () => {
  const detector = new AddressDetector(["Sam", "Product Manager"]);
  const policy = resolveTurnPolicy({ room_questions: "answer" });
  const base = { policy, humans: 2, overBotSpeech: false, followUp: false, answeredRoomQuestionLast: false };
  const decide = (text: string, extra: Record<string, unknown> = {}) => decideTurn({ ...base, ...extra, address: detector.analyse(text, ["Alice", "Alex"]) });

  it("answers a sibling only when it calls the bot by name, and only under the cap", () => {
    expect(decide("I think the budget is fine.", { fromSibling: true, humans: 1 })).toMatchObject({ speak: false, reason: "sibling_not_addressed" });
    expect(decide("Does anyone know the date?", { fromSibling: true })).toMatchObject({ speak: false, reason: "sibling_not_addressed" });
    expect(decide("What do you think, Sam?", { fromSibling: true })).toMatchObject({ speak: true, reason: "addressed" });
    expect(decide("What do you think, Sam?", { fromSibling: true, botExchangeAllowed: false })).toMatchObject({ speak: false, reason: "bot_exchange_limit" });
    expect(decide("Nice to meet you all.", { fromSibling: true, policy: { ...policy, mode: "always" } })).toMatchObject({ speak: false });
  });

  it("holds back on room questions when over budget, but answers when called", () => {
    expect(decide("Does anyone know the date?", { overBudget: true })).toMatchObject({ speak: false, reason: "over_budget" });
    expect(decide("Sam, do you know the date?", { overBudget: true })).toMatchObject({ speak: true, reason: "addressed" });
    expect(decide("Alex, do you know the date?")).toMatchObject({ speak: false, reason: "addressed_to_other" });
  });

  it("reads bot_exchange_limit and the participation budget from the policy", () => {
    const custom = resolveTurnPolicy({ bot_exchange_limit: 0, participation: { max_talk_share: 0.25 } });
    expect(custom.botExchangeLimit).toBe(0);
    expect(custom.participation).toEqual({ maxTalkShare: 0.25, maxTurnsPer10Min: 20 });
    expect(DEFAULT_TURN_POLICY.botExchangeLimit).toBe(2);
  });
});
