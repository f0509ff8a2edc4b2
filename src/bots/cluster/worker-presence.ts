/**
 * @module bots/cluster/worker-presence
 * Which workers are alive and how loaded they are. A worker renews a key with a short expiry on
 * every heartbeat; when the key is gone the worker is dead. Its load (bots running, capacity,
 * whether it takes new bots) is written the moment it changes, so placement decisions see it fresh.
 */
import type { Redis } from "ioredis";
import { errorMessage } from "../../core/errors.js";
import type { Logger } from "../../logger.js";
import { CancellableTask } from "../../util/cancellable-task.js";
import { keys } from "./cluster-keys.js";

export interface WorkerLoad {
  /** Bots running plus launches in progress. */
  active: number;
  capacity: number;
  /** False while full, overloaded or draining. */
  accepting: boolean;
}

export interface WorkerView extends WorkerLoad {
  id: string;
  baseUrl: string;
}

export interface PresenceOptions {
  redis: Redis;
  workerId: string;
  baseUrl: string;
  heartbeatMs: number;
  deadAfterMs: number;
  logger: Logger;
}

/** The worker's side: register, heartbeat, publish load, retire. */
export class WorkerPresence {
  /** One heartbeat at a time: a slow Redis must not pile them up. */
  private heartbeat: CancellableTask | undefined;

  constructor(private readonly options: PresenceOptions) {}

  async start(load: WorkerLoad): Promise<void> {
    const { redis, workerId, baseUrl } = this.options;
    await redis
      .multi()
      .sadd(keys.workers, workerId)
      .hset(keys.worker(workerId), { base_url: baseUrl, started_at: new Date().toISOString(), pid: String(process.pid), ...loadFields(load) })
      .set(keys.alive(workerId), "1", "PX", this.options.deadAfterMs)
      .exec();
    // beat() handles its own failures, so the heartbeat goes on until retire().
    this.heartbeat = CancellableTask.every(this.options.heartbeatMs, () => this.beat(), (error) =>
      this.options.logger.error({ err: error.message }, "heartbeat stopped"),
    );
  }

  /** Publishes a change of load right away (not at the next heartbeat). */
  async publish(load: WorkerLoad): Promise<void> {
    await this.options.redis.hset(keys.worker(this.options.workerId), loadFields(load));
  }

  /** Stops the heartbeat and removes the worker, once it runs no bot (after a drain). */
  async retire(): Promise<void> {
    await this.heartbeat?.cancel();
    const { redis, workerId } = this.options;
    await redis.multi().srem(keys.workers, workerId).del(keys.alive(workerId), keys.worker(workerId)).exec();
  }

  private async beat(): Promise<void> {
    try {
      const { redis, workerId, deadAfterMs } = this.options;
      // Registering again costs nothing and brings the worker back after a Redis that lost its data.
      await redis.multi().sadd(keys.workers, workerId).set(keys.alive(workerId), "1", "PX", deadAfterMs).exec();
    } catch (error) {
      this.options.logger.warn({ err: errorMessage(error) }, "heartbeat not written; Redis is unreachable");
    }
  }
}

function loadFields(load: WorkerLoad): Record<string, string> {
  return { active: String(load.active), capacity: String(load.capacity), accepting: load.accepting ? "1" : "0" };
}

/** Every registered worker with whether it is alive; read by placements and the failover monitor. */
export async function readWorkers(redis: Redis): Promise<(WorkerView & { alive: boolean })[]> {
  const ids = await redis.smembers(keys.workers);
  if (ids.length === 0) return [];
  const pipeline = redis.pipeline();
  for (const id of ids) pipeline.hgetall(keys.worker(id)).exists(keys.alive(id));
  const replies = (await pipeline.exec()) ?? [];
  return ids.map((id, i) => {
    const hash = (replies[i * 2]?.[1] ?? {}) as Record<string, string>;
    return {
      id,
      baseUrl: hash.base_url ?? "",
      active: Number(hash.active ?? 0),
      capacity: Number(hash.capacity ?? 0),
      accepting: hash.accepting === "1",
      alive: replies[i * 2 + 1]?.[1] === 1,
    };
  });
}
