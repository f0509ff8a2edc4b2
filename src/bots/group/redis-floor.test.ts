import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { LocalRedis, redisMissing } from "../cluster/testing/local-redis.js";
import { RedisFloorStore } from "./redis-floor.js";

const waitUntil = async (condition: () => boolean | Promise<boolean>, ms = 5000) => {
  const deadline = Date.now() + ms;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error("condition not met in time");
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
};

describe.skipIf(redisMissing())("Redis floor (skipped without redis-server)", () => {
  const server = new LocalRedis();
  const connections: Redis[] = [];
  const errors: string[] = [];
  const store = async (ttlMs = 5000) => {
    const redis = new Redis(server.url);
    const subscriber = new Redis(server.url);
    connections.push(redis, subscriber);
    const s = new RedisFloorStore(redis, subscriber, { ttlMs, onError: (e) => errors.push(e) });
    await s.ready();
    return s;
  };

  beforeAll(async () => {
    await server.start();
  }, 30_000);
  afterAll(async () => {
    for (const c of connections) c.disconnect();
    await server.destroy();
  });

  it("has one holder across processes and tells every process when it is free", async () => {
    const [one, two] = [await store(), await store()];
    const a = one.floorFor("tenant/group");
    const b = two.floorFor("tenant/group");
    let freed = 0;
    b.onRelease(() => freed++);
    expect(await a.tryAcquire("bot-a")).toBe(true);
    expect(await a.tryAcquire("bot-a")).toBe(true);
    expect(await b.tryAcquire("bot-b")).toBe(false);
    expect(await b.holder()).toBe("bot-a");
    await b.release("bot-b");
    expect(await a.holder()).toBe("bot-a");
    await a.release("bot-a");
    await waitUntil(() => freed === 1);
    expect(await b.holder()).toBeNull();
    expect(await b.tryAcquire("bot-b")).toBe(true);
    expect(await one.floorFor("other group").tryAcquire("bot-a")).toBe(true);
    await b.release("bot-b");
    await one.close();
    await two.close();
    await one.close();
    expect(errors).toEqual([]);
  });

  it("keeps the floor while held, and frees it within a TTL when the holder's process is gone", async () => {
    const [one, two] = [await store(1500), await store(1500)];
    const a = one.floorFor("g2");
    const b = two.floorFor("g2");
    expect(await a.tryAcquire("bot-a")).toBe(true);
    await new Promise((resolve) => setTimeout(resolve, 3000));
    expect(await b.holder()).toBe("bot-a");
    await one.close(); // stops renewing, as a dead process would
    await waitUntil(async () => (await b.holder()) === null, 10_000);
    expect(await b.tryAcquire("bot-b")).toBe(true);
    await two.close();
  }, 20_000);

  it("answers no, without throwing, when Redis is unreachable", async () => {
    const dead = new Redis("redis://127.0.0.1:1", { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
    dead.on("error", () => undefined);
    const seen: string[] = [];
    const s = new RedisFloorStore(dead, new Redis(server.url), { onError: (e) => seen.push(e) });
    const floor = s.floorFor("g3");
    expect(await floor.tryAcquire("bot-a")).toBe(false);
    expect(await floor.holder()).toBeNull();
    await floor.release("bot-a");
    expect(seen.length).toBeGreaterThanOrEqual(3);
    await s.close();
    dead.disconnect();
  });
});
