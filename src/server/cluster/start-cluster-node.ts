/**
 * @module server/cluster/start-cluster-node
 * Starts one process of a cluster (REDIS_URL set): an API node (serves `/bots` from Redis and
 * places bots on workers), a worker (runs bots, heartbeats, takes over dead workers' bots), or both
 * (`--role all`). Each is the ordinary server with cluster wiring; `close()` on a worker drains it
 * first, handing its bots to other workers.
 */
import { randomBytes } from "node:crypto";
import { hostname } from "node:os";
import { ClusterBots } from "../../bots/cluster/cluster-bots.js";
import { ClusterRegistry } from "../../bots/cluster/cluster-registry.js";
import { ClusterRoomPlacement } from "../../bots/cluster/cluster-room-placement.js";
import { ClusterWorker } from "../../bots/cluster/cluster-worker.js";
import { LeaveCommands } from "../../bots/cluster/leave-commands.js";
import { PlacementQueue } from "../../bots/cluster/placement-jobs.js";
import { RedisBotRegistry } from "../../bots/cluster/redis-bot-registry.js";
import { connectRedis } from "../../bots/cluster/redis-connection.js";
import { RoomPins } from "../../bots/cluster/room-pins.js";
import { RedisClaimStore } from "../../bots/group/redis-claims.js";
import { RedisFloorStore } from "../../bots/group/redis-floor.js";
import { RedisSiblingStore } from "../../bots/group/redis-siblings.js";
import type { Config } from "../../config.js";
import { createLogger } from "../../logger.js";
import { type RunningServer, type StartOptions, startServer } from "../start.js";
import { clusterBotRoutes } from "./cluster-bot-routes.js";
import { workerBotRoutes } from "./worker-bot-routes.js";

export type ServeRole = "all" | "api" | "worker";
export const SERVE_ROLES: readonly ServeRole[] = ["all", "api", "worker"];

export interface ClusterNode extends RunningServer {
  role: ServeRole;
  /** This process's worker id (workers and `all`). */
  workerId: string | undefined;
}

/** Checks what a role needs before connecting anywhere; throws a message saying what to set. */
export function clusterProblem(config: Config, role: ServeRole): string | undefined {
  if (!config.REDIS_URL) return role === "all" ? undefined : `--role ${role} needs REDIS_URL (the Redis the cluster shares, e.g. redis://127.0.0.1:6379)`;
  if (role !== "api" && !config.BASE_URL) {
    return `a cluster worker needs BASE_URL: the public base URL of this very process, which meeting providers stream its bots' audio to`;
  }
  return undefined;
}

export async function startClusterNode(config: Config, role: ServeRole, options: StartOptions = {}): Promise<ClusterNode> {
  const problem = clusterProblem(config, role);
  if (problem) throw new Error(problem);
  const redisUrl = config.REDIS_URL;
  if (!redisUrl) throw new Error("cluster mode needs REDIS_URL");
  const logger = options.logger ?? createLogger(config.LOG_LEVEL);
  const redis = await connectRedis(redisUrl);
  const runsBots = role !== "api";
  const servesApi = role !== "worker";
  const workerId = runsBots ? (config.WORKER_ID ?? `${hostname()}-${randomBytes(3).toString("hex")}`) : undefined;
  const registry = new ClusterRegistry(redis);
  const records = workerId ? new RedisBotRegistry(registry, workerId, logger.child({ worker: workerId })) : undefined;
  const placements = new PlacementQueue(redis);
  const commands = new LeaveCommands(redis);
  const pins = new RoomPins(redis);
  const clusterBots = new ClusterBots({ redis, registry, placements, commands, pins, launchTimeoutMs: config.CLUSTER_LAUNCH_TIMEOUT_MS, logger });
  // Bots of one meeting may run on different workers: their floor lives in Redis.
  const floors = runsBots ? new RedisFloorStore(redis, redis.duplicate(), { onError: (error) => logger.warn({ err: error }, "meeting floor") }) : undefined;
  // So are their claim rounds: one answer per question to the room, whichever workers hear it.
  const claims = runsBots ? new RedisClaimStore(redis, redis.duplicate(), { onError: (error) => logger.warn({ err: error }, "meeting claim round") }) : undefined;
  // And each bot knows its siblings on other workers by name and by voice, under one bot-to-bot cap.
  const siblings = runsBots ? new RedisSiblingStore(redis, redis.duplicate(), { onError: (error) => logger.warn({ err: error }, "meeting siblings") }) : undefined;
  let server: RunningServer;
  try {
    await placements.ready();
    server = await startServer(config, {
      ...options,
      logger,
      cluster: {
        registry: records,
        floors,
        claims,
        siblings,
        botRoutes: (_bots, limits, origins) => (servesApi ? clusterBotRoutes(clusterBots, limits, origins) : workerBotRoutes()),
        rooms: new ClusterRoomPlacement(pins, workerId, logger),
      },
    });
  } catch (error) {
    await placements.close();
    await floors?.close();
    await claims?.close();
    await siblings?.close();
    redis.disconnect();
    throw error;
  }
  const worker =
    workerId && records && config.BASE_URL
      ? new ClusterWorker({
          redis,
          registry,
          records,
          bots: server.bots,
          workerId,
          baseUrl: config.BASE_URL,
          capacity: server.limits.maxBots,
          maxLoopDelayMs: config.WORKER_MAX_EVENT_LOOP_DELAY_MS,
          provider: (name) => server.providers.named(name),
          serverApiKey: config.MEETING_BAAS_API_KEY,
          heartbeatMs: config.CLUSTER_HEARTBEAT_MS,
          deadAfterMs: config.CLUSTER_DEAD_AFTER_MS,
          logger: logger.child({ worker: workerId }),
        })
      : undefined;
  await worker?.start();
  logger.info({ role, worker: workerId }, "cluster node started");
  return {
    ...server,
    role,
    workerId,
    async close() {
      // A worker hands its bots over first; those no one takes leave with the server below.
      if (worker) await worker.drain(config.CLUSTER_LAUNCH_TIMEOUT_MS);
      await server.close();
      await records?.flush();
      await worker?.close();
      await commands.close();
      await placements.close();
      await redis.quit();
    },
  };
}
