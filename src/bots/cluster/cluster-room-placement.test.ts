/**
 * A cluster process's view of where rooms live, against a real redis-server: an API node sends
 * every room to a worker's registered BASE_URL and pins nothing by looking (made-up names cannot
 * fill Redis); a worker serves its own rooms, pins back a room it holds, claims rooms it opens, and
 * unpins a room it forgot.
 */
import type { Redis } from "ioredis";
import { beforeEach, describe, expect, it, vi } from "vitest";
import { silentLogger } from "../../logger.js";
import { ClusterRoomPlacement } from "./cluster-room-placement.js";
import { keys } from "./cluster-keys.js";
import { RoomPins } from "./room-pins.js";
import { redisMissing } from "./testing/local-redis.js";
import { redisForSuite } from "./testing/redis-suite.js";

describe.skipIf(redisMissing())("room placement of a cluster process", () => {
  const suite = redisForSuite();
  let redis: Redis;
  let pins: RoomPins;

  async function register(id: string, active: number, baseUrl = `https://${id}.example.com`): Promise<void> {
    await redis.sadd(keys.workers, id);
    await redis.hset(keys.worker(id), { base_url: baseUrl, active: String(active), capacity: "10", accepting: "1" });
    await redis.set(keys.alive(id), "1");
  }

  beforeEach(async () => {
    redis = suite.redis;
    pins = new RoomPins(redis);
    await register("w1", 3);
    await register("w2", 1);
  });

  it("on an API node, sends rooms to their worker and pins nothing by looking", async () => {
    const api = new ClusterRoomPlacement(pins, undefined, silentLogger);
    await pins.pin("lobby");
    await redis.hset(keys.worker("w2"), "active", "9");
    expect(await api.locate("lobby", false)).toEqual({ here: false, baseUrl: "https://w2.example.com" });
    for (let i = 0; i < 40; i += 1) expect(await api.locate(`made-up-${i}`, false)).toEqual({ here: false, baseUrl: "https://w1.example.com" });
    expect(await redis.keys("sb:room:*")).toEqual([keys.room("lobby")]);
    await expect(api.claim("den")).rejects.toMatchObject({ code: "ROOM_ACCESS_DENIED", status: 409 });
  });

  it("never redirects to a holder without a usable BASE_URL", async () => {
    await register("odd", 0, "javascript:alert(1)");
    await redis.set(keys.room("lobby"), "odd");
    const api = new ClusterRoomPlacement(pins, undefined, silentLogger);
    await expect(api.locate("lobby", false)).rejects.toMatchObject({ code: "NO_WORKER_AVAILABLE" });
  });

  it("on a worker, serves its rooms, pins back a room it holds and claims rooms it opens", async () => {
    const w1 = new ClusterRoomPlacement(pins, "w1", silentLogger);
    const w2 = new ClusterRoomPlacement(pins, "w2", silentLogger);
    expect(await w1.claim("den")).toEqual({ here: true });
    expect(await w2.claim("den")).toEqual({ here: false, baseUrl: "https://w1.example.com" });
    expect(await w1.locate("den", true)).toEqual({ here: true });
    expect(await w2.locate("den", false)).toEqual({ here: false, baseUrl: "https://w1.example.com" });
    // A room nobody holds is shown here and stays unpinned; one this worker holds is pinned back.
    expect(await w2.locate("nowhere", false)).toEqual({ here: true });
    expect(await redis.exists(keys.room("nowhere"))).toBe(0);
    await redis.del(keys.room("den"));
    expect(await w1.locate("den", true)).toEqual({ here: true });
    expect(await redis.get(keys.room("den"))).toBe("w1");
    w1.release("den");
    // release() does not wait for Redis: the pin goes shortly after.
    await vi.waitFor(async () => expect(await redis.exists(keys.room("den"))).toBe(0), { timeout: 15_000, interval: 20 });
  });
});
