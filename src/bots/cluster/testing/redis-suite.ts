/**
 * @module bots/cluster/testing/redis-suite
 * One real `redis-server` for a describe block: started before its tests, one client connected,
 * emptied before each test (before the block's own `beforeEach` hooks run), stopped after.
 */
import { Redis } from "ioredis";
import { afterAll, beforeAll, beforeEach } from "vitest";
import { LocalRedis } from "./local-redis.js";

export function redisForSuite(): { readonly redis: Redis } {
  const server = new LocalRedis();
  let client: Redis | undefined;
  beforeAll(async () => {
    client = new Redis(await server.start());
  }, 30_000);
  afterAll(async () => {
    client?.disconnect();
    await server.destroy();
  });
  beforeEach(async () => {
    await client?.flushall();
  });
  return {
    get redis(): Redis {
      if (!client) throw new Error("the suite's redis-server has not started");
      return client;
    },
  };
}
