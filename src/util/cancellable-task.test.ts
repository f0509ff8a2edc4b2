import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { sleep } from "./backoff.js";
import { CancellableTask } from "./cancellable-task.js";

describe("cancellable task", () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it("cancel() aborts the work and resolves only once it has ended, however often it is called", async () => {
    const log: string[] = [];
    const task = CancellableTask.start(async (signal) => {
      log.push("started");
      await sleep(60_000, { signal });
      await Promise.resolve();
      log.push("cleaned up");
    }, () => log.push("error"));
    await vi.advanceTimersByTimeAsync(0);
    expect(task.running).toBe(true);
    const first = task.cancel();
    const second = task.cancel();
    await Promise.all([first, second]);
    expect(log).toEqual(["started", "cleaned up"]);
    expect(task.running).toBe(false);
    expect(vi.getTimerCount()).toBe(0);
    await task.cancel();
  });

  it("hands a failure to its owner once, and the abort caused by cancel() is not one", async () => {
    const errors: string[] = [];
    const failing = CancellableTask.start(async () => {
      throw new Error("redis gone");
    }, (error) => errors.push(error.message));
    await failing.done;

    const aborted = CancellableTask.start(async (signal) => {
      await new Promise((_, reject) => signal.addEventListener("abort", () => reject(signal.reason)));
    }, (error) => errors.push(error.message));
    await vi.advanceTimersByTimeAsync(0);
    await aborted.cancel();
    expect(errors).toEqual(["redis gone"]);
  });

  it("every() runs the work at its interval, never overlapping, until cancelled", async () => {
    const starts: number[] = [];
    let running = 0;
    const task = CancellableTask.every(1000, async () => {
      running += 1;
      expect(running).toBe(1);
      starts.push(Date.now());
      await sleep(300);
      running -= 1;
    }, (error) => {
      throw error;
    });
    const t0 = Date.now();
    await vi.advanceTimersByTimeAsync(3900);
    expect(starts.map((at) => at - t0)).toEqual([1000, 2300, 3600]);
    const cancelled = task.cancel();
    await vi.advanceTimersByTimeAsync(300);
    await cancelled;
    await vi.advanceTimersByTimeAsync(10_000);
    expect(starts).toHaveLength(3);
    expect(vi.getTimerCount()).toBe(0);
  });

  it("every() hands a failing run to its owner and stops", async () => {
    const errors: string[] = [];
    let runs = 0;
    const task = CancellableTask.every(100, async () => {
      runs += 1;
      throw new Error("check failed");
    }, (error) => errors.push(error.message));
    await vi.advanceTimersByTimeAsync(1000);
    expect(runs).toBe(1);
    expect(errors).toEqual(["check failed"]);
    expect(task.running).toBe(false);
  });
});
