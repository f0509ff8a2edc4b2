import { describe, expect, it } from "vitest";
import { DecoderPool } from "./decoder-pool.js";

function backend() {
  let next = 1;
  const freed: number[] = [];
  let trims = 0;
  return {
    freed,
    trims: () => trims,
    create: async () => next++,
    free: (decoder: number) => void freed.push(decoder),
    trimHeap: () => {
      trims += 1;
    },
  };
}

describe("shared decoder pool", () => {
  it("reuses a spare decoder, and frees and trims the ones beyond it", async () => {
    const b = backend();
    const pool = new DecoderPool(b, { maxDecoders: 3, maxIdle: 1 });
    pool.retain();
    await pool.warm();
    const first = await pool.acquire();
    const second = await pool.acquire();
    expect([first, second]).toEqual([1, 2]);
    pool.release(first);
    pool.release(second);
    expect(b.freed).toEqual([2]);
    expect(b.trims()).toBe(1);
    expect(await pool.acquire()).toBe(1);
    expect(pool.stats()).toMatchObject({ alive: 1, idle: 0, leases: 3, waited: 0 });
  });

  it("makes utterances beyond the cap wait in arrival order, and measures the wait", async () => {
    const b = backend();
    const pool = new DecoderPool(b, { maxDecoders: 1, maxIdle: 1 });
    const held = await pool.acquire();
    const order: string[] = [];
    const a = pool.acquire().then((d) => order.push(`a:${d}`));
    const c = pool.acquire().then((d) => order.push(`c:${d}`));
    expect(pool.stats().waiting).toBe(2);
    pool.release(held);
    await a;
    pool.release(1);
    await c;
    expect(order).toEqual(["a:1", "c:1"]);
    expect(pool.stats()).toMatchObject({ alive: 1, waiting: 0, waited: 2 });
  });

  it("keeps no decoder once no session is open", async () => {
    const b = backend();
    const pool = new DecoderPool(b, { maxDecoders: 2, maxIdle: 1 });
    pool.retain();
    pool.retain();
    await pool.warm();
    pool.release(await pool.acquire());
    pool.unretain();
    expect(pool.stats().idle).toBe(1);
    pool.unretain();
    expect(pool.stats()).toMatchObject({ alive: 0, idle: 0 });
    expect(b.freed).toEqual([1]);
  });

  it("fails waiting leases on close and frees what comes back afterwards", async () => {
    const b = backend();
    const pool = new DecoderPool(b, { maxDecoders: 1, maxIdle: 1 });
    const held = await pool.acquire();
    const waiting = pool.acquire();
    pool.close();
    await expect(waiting).rejects.toThrow(/closed/);
    pool.release(held);
    expect(b.freed).toEqual([1]);
    expect(pool.stats().alive).toBe(0);
  });
});
