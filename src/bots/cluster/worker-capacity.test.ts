import { describe, expect, it } from "vitest";
import { WorkerCapacity } from "./worker-capacity.js";

describe("a worker's capacity", () => {
  it("refuses past its capacity, counting launches in progress, and frees a slot exactly once", () => {
    let running = 1;
    const capacity = new WorkerCapacity({ capacity: 3, maxLoopDelayMs: 100, running: () => running, loopDelayMs: () => 0 });
    const first = capacity.admit();
    const second = capacity.admit();
    expect(first.ok && second.ok).toBe(true);
    expect(capacity.active).toBe(3);
    expect(capacity.admit()).toEqual({ ok: false, reason: "at capacity (3 bots)" });
    if (first.ok) {
      first.release();
      first.release();
    }
    expect(capacity.active).toBe(2);
    running = 2;
    expect(capacity.check().ok).toBe(false);
  });

  it("refuses while its event loop lags and while draining", () => {
    let delay = 500;
    const capacity = new WorkerCapacity({ capacity: 10, maxLoopDelayMs: 250, running: () => 0, loopDelayMs: () => delay });
    expect(capacity.check()).toEqual({ ok: false, reason: "overloaded (event loop 500 ms behind)" });
    delay = 10;
    expect(capacity.check()).toEqual({ ok: true });
    capacity.drain();
    expect(capacity.admit()).toEqual({ ok: false, reason: "draining" });
  });
});
