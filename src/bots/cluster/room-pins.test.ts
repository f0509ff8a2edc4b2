/**
 * Room pins against a real redis-server: the first request pins a room to the least loaded live
 * worker that may take it, everyone then agrees on that worker (also when racing), a pin to a dead
 * worker is replaced exactly once, and a worker's pins go when it stops, not another's.
 */
import type { Redis } from "ioredis";
import { beforeEach, describe, expect, it } from "vitest";
import { AppError } from "../../core/errors.js";
import { keys } from "./cluster-keys.js";
import { RoomPins } from "./room-pins.js";
import { redisMissing } from "./testing/local-redis.js";
import { redisForSuite } from "./testing/redis-suite.js";

interface FakeWorker {
  id: string;
  active: number;
  capacity?: number;
  accepting?: boolean;
  alive?: boolean;
  baseUrl?: string;
}

describe.skipIf(redisMissing())("room pins in Redis", () => {
  const suite = redisForSuite();
  let redis: Redis;
  let pins: RoomPins;

  /** Registers a worker the way WorkerPresence does. */
  async function register(worker: FakeWorker): Promise<void> {
    const { id, active, capacity = 10, accepting = true, alive = true, baseUrl = `http://127.0.0.1:9/${id}` } = worker;
    await redis.sadd(keys.workers, id);
    await redis.hset(keys.worker(id), { base_url: baseUrl, active: String(active), capacity: String(capacity), accepting: accepting ? "1" : "0" });
    if (alive) await redis.set(keys.alive(id), "1");
    else await redis.del(keys.alive(id));
  }

  /** Pins the room from `count` separate connections at once, as separate processes would. */
  async function pinFromMany(room: string, count: number): Promise<string[]> {
    const clients = Array.from({ length: count }, () => redis.duplicate());
    try {
      return (await Promise.all(clients.map((client) => new RoomPins(client).pin(room)))).map((worker) => worker.id);
    } finally {
      for (const client of clients) client.disconnect();
    }
  }

  beforeEach(async () => {
    redis = suite.redis;
    pins = new RoomPins(redis);
  });

  it("pins a room to the least loaded worker that may take it, and keeps it there", async () => {
    await register({ id: "busy", active: 8 });
    await register({ id: "full", active: 2, capacity: 2 });
    await register({ id: "refusing", active: 0, accepting: false });
    await register({ id: "dead", active: 0, alive: false });
    await register({ id: "no-url", active: 0, baseUrl: "not a url" });
    await register({ id: "idle", active: 1 });
    expect((await pins.pin("lobby")).id).toBe("idle");
    expect(await redis.get(keys.room("lobby"))).toBe("idle");
    expect(await redis.smembers(keys.workerRooms("idle"))).toEqual(["lobby"]);
    // Load changes do not move a pinned room.
    await register({ id: "idle", active: 9 });
    expect((await pins.pin("lobby")).id).toBe("idle");
    expect((await pins.holder("lobby"))?.id).toBe("idle");
    expect((await pins.pin("attic")).id).toBe("busy");
  });

  it("takes the preferred worker when it may hold the room", async () => {
    await register({ id: "w1", active: 0 });
    await register({ id: "w2", active: 5 });
    expect((await pins.pin("den", "w2")).id).toBe("w2");
    expect((await pins.pin("den", "w1")).id).toBe("w2");
  });

  it("agrees on one worker when many ask at once", async () => {
    await register({ id: "w1", active: 0 });
    await register({ id: "w2", active: 0 });
    expect(new Set(await pinFromMany("crowd", 12)).size).toBe(1);
  });

  it("replaces a pin to a dead worker once, whoever asks", async () => {
    await register({ id: "gone", active: 0 });
    await register({ id: "w1", active: 3 });
    await register({ id: "w2", active: 3 });
    expect((await pins.pin("lobby")).id).toBe("gone");
    await register({ id: "gone", active: 0, alive: false });
    expect(await pins.holder("lobby")).toBeUndefined();
    const ids = new Set(await pinFromMany("lobby", 8));
    expect(ids.size).toBe(1);
    expect(["w1", "w2"]).toContain([...ids][0]);
    expect(await redis.smembers(keys.workerRooms("gone"))).toEqual([]);
  });

  it("says no worker can take a room when none is alive with room to spare", async () => {
    await expect(pins.pin("lobby")).rejects.toMatchObject({ code: "NO_WORKER_AVAILABLE" });
    await register({ id: "full", active: 4, capacity: 4 });
    const refused = await pins.pin("lobby").catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(AppError);
    expect(String((refused as AppError).message)).toMatch(/capacity/);
    expect(await redis.exists(keys.room("lobby"))).toBe(0);
  });

  it("lets a worker claim a free room or a dead worker's, never a live worker's", async () => {
    await register({ id: "w1", active: 0 });
    await register({ id: "w2", active: 0 });
    expect(await pins.claim("mine", "w1")).toBe("w1");
    expect(await pins.claim("mine", "w2")).toBe("w1");
    await register({ id: "w1", active: 0, alive: false });
    expect(await pins.claim("mine", "w2")).toBe("w2");
    expect(await redis.get(keys.room("mine"))).toBe("w2");
  });

  it("unpins a stopping worker's rooms, leaving rooms another worker took over", async () => {
    await register({ id: "w1", active: 0 });
    await register({ id: "w2", active: 5 });
    await pins.pin("a");
    await pins.pin("b");
    expect(await pins.pinnedTo("b")).toBe("w1");
    // w1 looks dead for a moment and w2 takes "b" over; w1 then stops.
    await register({ id: "w1", active: 0, alive: false });
    expect((await pins.pin("b")).id).toBe("w2");
    await redis.sadd(keys.workerRooms("w1"), "b");
    expect(await pins.releaseAll("w1")).toBe(2);
    expect(await pins.pinnedTo("a")).toBeUndefined();
    expect(await pins.pinnedTo("b")).toBe("w2");
    expect(await redis.exists(keys.workerRooms("w1"))).toBe(0);
    await pins.release("b", "w2");
    expect(await pins.pinnedTo("b")).toBeUndefined();
  });
});
