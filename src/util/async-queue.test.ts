import { describe, expect, it } from "vitest";
import { AsyncQueue, QueueOverflowError } from "./async-queue.js";

async function drain<T>(queue: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of queue) out.push(item);
  return out;
}

describe("async queue", () => {
  it("hands items to a waiting reader in order and stops after end", async () => {
    const queue = new AsyncQueue<number>();
    const reading = drain(queue);
    queue.push(1);
    await Promise.resolve();
    queue.push(2);
    queue.push(3);
    queue.end();
    expect(queue.push(4)).toBe(false);
    await expect(reading).resolves.toEqual([1, 2, 3]);
  });

  it("drains what is queued before throwing the failure, then is done", async () => {
    const queue = new AsyncQueue<string>();
    queue.push("a");
    queue.push("b");
    queue.fail(new Error("socket closed"));
    queue.end();
    const seen: string[] = [];
    const iterator = queue[Symbol.asyncIterator]();
    seen.push((await iterator.next()).value, (await iterator.next()).value);
    await expect(iterator.next()).rejects.toThrow("socket closed");
    await expect(iterator.next()).resolves.toEqual({ done: true, value: undefined });
    expect(seen).toEqual(["a", "b"]);
  });

  it("wakes a waiting reader on end and on fail", async () => {
    const ended = new AsyncQueue<number>();
    const endedReading = drain(ended);
    await Promise.resolve();
    ended.end();
    await expect(endedReading).resolves.toEqual([]);

    const failed = new AsyncQueue<number>();
    const failedReading = drain(failed);
    await Promise.resolve();
    failed.fail(new Error("gone"));
    await expect(failedReading).rejects.toThrow("gone");
  });

  it("fails with QueueOverflowError when a push would pass the limit", async () => {
    const queue = new AsyncQueue<number>({ limit: 2 });
    expect(queue.push(1)).toBe(true);
    expect(queue.push(2)).toBe(true);
    expect(queue.push(3)).toBe(false);
    expect(queue.closed).toBe(true);
    const reading = drain(queue);
    await expect(reading).rejects.toBeInstanceOf(QueueOverflowError);
  });

  it("closes and drops its items when the reader leaves early", async () => {
    const queue = new AsyncQueue<number>();
    queue.push(1);
    queue.push(2);
    for await (const item of queue) {
      expect(item).toBe(1);
      break;
    }
    expect(queue.closed).toBe(true);
    expect(queue.size).toBe(0);
    expect(queue.push(3)).toBe(false);
  });
});
