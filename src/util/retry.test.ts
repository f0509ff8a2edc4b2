import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { backoffDelay } from "./backoff.js";
import { retry } from "./retry.js";

const exponential = (error: unknown, attempt: number) => (error instanceof Error && error.message === "fatal" ? undefined : backoffDelay({ initialMs: 100, maxMs: 1000 }, attempt));

describe("retry", () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it("tries again after each pause until the call works", async () => {
    const tries: number[] = [];
    const result = retry(
      async (attempt) => {
        tries.push(Date.now());
        if (attempt < 3) throw new Error("busy");
        return "ok";
      },
      { attempts: 5, delayMs: exponential },
    );
    await vi.runAllTimersAsync();
    await expect(result).resolves.toBe("ok");
    const start = tries[0] ?? 0;
    expect(tries.map((at) => at - start)).toEqual([0, 100, 300]);
  });

  it("throws the last failure once the tries are used up", async () => {
    let calls = 0;
    const result = retry(
      async () => {
        calls += 1;
        throw new Error(`busy ${calls}`);
      },
      { attempts: 3, delayMs: exponential },
    );
    const settled = expect(result).rejects.toThrow("busy 3");
    await vi.runAllTimersAsync();
    await settled;
    expect(calls).toBe(3);
  });

  it("throws at once a failure not worth retrying, or one whose pause passes the budget", async () => {
    let calls = 0;
    await expect(
      retry(
        async () => {
          calls += 1;
          throw new Error("fatal");
        },
        { attempts: 5, delayMs: exponential },
      ),
    ).rejects.toThrow("fatal");
    expect(calls).toBe(1);

    const budget = retry(
      async () => {
        calls += 1;
        throw new Error("busy");
      },
      { attempts: 5, delayMs: exponential, maxWaitMs: 250 },
    );
    const settled = expect(budget).rejects.toThrow("busy");
    await vi.runAllTimersAsync();
    await settled;
    expect(calls).toBe(1 + 2);
  });

  it("an abort during a pause ends it and throws the last failure", async () => {
    const controller = new AbortController();
    let calls = 0;
    const result = retry(
      async () => {
        calls += 1;
        throw new Error("busy");
      },
      { attempts: 5, delayMs: exponential, signal: controller.signal },
    );
    const settled = expect(result).rejects.toThrow("busy");
    await vi.advanceTimersByTimeAsync(50);
    controller.abort();
    await settled;
    expect(calls).toBe(1);
    expect(vi.getTimerCount()).toBe(0);
  });
});
