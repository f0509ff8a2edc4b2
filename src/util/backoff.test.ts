import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { Backoff, backoffDelay, sleep } from "./backoff.js";

describe("backoff", () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it("grows by its factor from the first pause and stops at the cap", () => {
    const options = { initialMs: 500, maxMs: 8000 };
    expect([1, 2, 3, 4, 5, 6, 7].map((attempt) => backoffDelay(options, attempt))).toEqual([500, 1000, 2000, 4000, 8000, 8000, 8000]);
    expect([1, 2, 3].map((attempt) => backoffDelay({ initialMs: 1000, maxMs: 60_000, factor: 4 }, attempt))).toEqual([1000, 4000, 16_000]);
  });

  it("jitter shortens a pause by at most its share", () => {
    const options = { initialMs: 1000, maxMs: 1000, jitter: 0.25 };
    expect(backoffDelay({ ...options, random: () => 0 }, 1)).toBe(1000);
    expect(backoffDelay({ ...options, random: () => 0.999_999 }, 1)).toBe(750);
    expect(backoffDelay({ ...options, random: () => 0.5 }, 1)).toBe(875);
  });

  it("counts failures until reset", () => {
    const backoff = new Backoff({ initialMs: 1000, maxMs: 60_000 });
    expect([backoff.next(), backoff.next(), backoff.next()]).toEqual([1000, 2000, 4000]);
    expect(backoff.attempts).toBe(3);
    backoff.reset();
    expect(backoff.next()).toBe(1000);
  });

  it("waits its pause, and an abort ends the wait at once with no timer left", async () => {
    const backoff = new Backoff({ initialMs: 1000, maxMs: 60_000 });
    const first = backoff.wait();
    let done = false;
    void first.then(() => (done = true));
    await vi.advanceTimersByTimeAsync(999);
    expect(done).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    await expect(first).resolves.toBe(true);

    const controller = new AbortController();
    const second = backoff.wait({ signal: controller.signal });
    expect(vi.getTimerCount()).toBe(1);
    controller.abort();
    await expect(second).resolves.toBe(false);
    expect(vi.getTimerCount()).toBe(0);
  });

  it("does not start a timer for an already aborted signal", async () => {
    await expect(sleep(5000, { signal: AbortSignal.abort() })).resolves.toBe(false);
    expect(vi.getTimerCount()).toBe(0);
  });
});
