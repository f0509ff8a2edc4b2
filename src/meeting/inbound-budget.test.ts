import { describe, expect, it } from "vitest";
import { InboundBudget, TokenBucket } from "./inbound-budget.js";

function clock() {
  let now = 0;
  return { now: () => now, advance: (ms: number) => (now += ms) };
}

describe("TokenBucket", () => {
  it("starts full, refills at its rate up to its capacity, and takes nothing when short", () => {
    const time = clock();
    const bucket = new TokenBucket(5, 2, time.now);
    expect(bucket.take(5)).toBe(true);
    expect(bucket.take(0.1)).toBe(false);
    time.advance(1000);
    expect(bucket.take(2.5)).toBe(false);
    expect(bucket.take(2)).toBe(true);
    time.advance(60_000);
    expect(bucket.take(5)).toBe(true);
    expect(bucket.take(0.01)).toBe(false);
  });
});

describe("InboundBudget", () => {
  it("lets real-time audio through forever, with a start-up burst", () => {
    const time = clock();
    const budget = new InboundBudget(undefined, time.now);
    // A provider flushing 4 s it buffered while dialing, then 10 minutes of 100 ms frames.
    expect(budget.admitAudio(4)).toBeUndefined();
    for (let i = 0; i < 6000; i++) {
      time.advance(100);
      expect(budget.admitAudio(0.1)).toBeUndefined();
      expect(budget.admitMessage()).toBeUndefined();
    }
  });

  it("allows up to twice real time, and calls anything faster a flood", () => {
    const time = clock();
    const budget = new InboundBudget(undefined, time.now);
    let admitted = 0;
    for (let i = 0; i < 200; i++) {
      time.advance(10);
      if (budget.admitAudio(0.1) === undefined) admitted += 0.1;
    }
    // 2 s of wall time at 10x (20 s of audio): the 5 s burst plus 2 x 2 s of refill pass.
    expect(admitted).toBeGreaterThan(8.5);
    expect(admitted).toBeLessThan(9.1);
    const flood = new InboundBudget(undefined, time.now);
    let refusal: ReturnType<InboundBudget["admitAudio"]>;
    for (let i = 0; i < 1000 && !refusal; i++) refusal = flood.admitAudio(0.1);
    expect(refusal).toEqual({ code: 1008, reason: "audio arrives faster than 2x real time" });
  });

  it("limits the number of messages whatever their size", () => {
    const time = clock();
    const budget = new InboundBudget(undefined, time.now);
    let refusal: ReturnType<InboundBudget["admitMessage"]>;
    let sent = 0;
    for (; sent < 5000 && !refusal; sent++) refusal = budget.admitMessage();
    expect(sent).toBe(1001);
    expect(refusal).toEqual({ code: 1008, reason: "more than 200 messages per second" });
  });
});
