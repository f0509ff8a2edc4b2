/**
 * @module bots/cluster/cluster-bots
 * The API node's side of the cluster: accepts a bot (record in Redis, placement job, wait for the
 * worker that creates the provider bot), makes one leave through the worker that runs it, and reads
 * the registry. It never runs a bot itself. A bot for a built-in room goes to the worker the room
 * is pinned to (pinning it first), through that worker's own placement queue.
 */
import { randomUUID } from "node:crypto";
import { setTimeout as delay } from "node:timers/promises";
import type { Redis } from "ioredis";
import { AppError, ERROR_CODES, type ErrorCode } from "../../core/errors.js";
import type { Logger } from "../../logger.js";
import type { BotRequest, BotStatus } from "../bot-request.js";
import { type ClusterBotInfo, isFinalStatus } from "./cluster-bot-record.js";
import { isClusterBotId } from "./cluster-keys.js";
import { type ClusterMeetingInfo, clusterMeetings } from "./cluster-meetings.js";
import type { ClusterRegistry } from "./cluster-registry.js";
import type { LeaveCommands } from "./leave-commands.js";
import type { PlacementQueue } from "./placement-jobs.js";
import { clusterRoomOf, requestForRoomWorker } from "./room-bot-requests.js";
import type { RoomPins } from "./room-pins.js";
import { type WorkerView, readWorkers } from "./worker-presence.js";

/** How long DELETE waits for the worker to report the bot gone before answering `leaving`. */
const LEAVE_WAIT_MS = 15_000;
const LEAVE_POLL_MS = 100;

export interface ClusterLaunchContext {
  apiKey: string | undefined;
  tenant: string | undefined;
  mayUseServerKey: boolean;
  /** Unfinished bots the tenant may have at once, counted on every worker (MAX_BOTS_PER_TENANT). */
  maxActive: number;
  /** Whether a URL is on this API node's own origin (its built-in room links). */
  ownOrigin: (url: string) => boolean;
}

export interface PlacedBot {
  botId: string;
  worker: string;
  meetingLink?: string;
  pipecat?: { url: string; token: string };
}

export interface ClusterBotsOptions {
  redis: Redis;
  registry: ClusterRegistry;
  placements: PlacementQueue;
  commands: LeaveCommands;
  pins: RoomPins;
  launchTimeoutMs: number;
  logger: Logger;
}

export class ClusterBots {
  constructor(private readonly options: ClusterBotsOptions) {}

  async launch(asked: BotRequest, context: ClusterLaunchContext): Promise<PlacedBot> {
    if (asked.websocket_url) {
      throw new AppError("VALIDATION_FAILED", "websocket_url: not available in cluster mode; each bot's audio goes to the BASE_URL of the worker that runs it");
    }
    const { registry, placements, launchTimeoutMs, logger } = this.options;
    const registered = await readWorkers(this.options.redis);
    const workers = registered.filter((worker) => worker.alive);
    if (workers.length === 0) throw new AppError("NO_WORKER_AVAILABLE", "No worker is running: start one with `speaking-bots serve --role worker`", { retryable: true });
    const room = clusterRoomOf(asked, context.ownOrigin, registered);
    const holder = room ? await this.roomHolder(room) : undefined;
    if (!holder && !workers.some((worker) => worker.accepting)) {
      throw new AppError("NO_WORKER_AVAILABLE", `All ${workers.length} workers are at capacity or overloaded; retry later`, { retryable: true });
    }
    const request = room && holder ? requestForRoomWorker(asked, room, holder) : asked;
    const botId = randomUUID();
    const created = await registry.create({ botId, tenant: context.tenant, request, apiKey: context.apiKey, mayUseServerKey: context.mayUseServerKey }, context.maxActive);
    if (!created) {
      const who = context.tenant ? `Tenant ${context.tenant} already runs` : "Already running";
      throw new AppError("TENANT_BOT_LIMIT", `${who} ${context.maxActive} bots, the most one API key may run (MAX_BOTS_PER_TENANT)`);
    }
    const job = await placements.request({ botId, launch: 1, reason: "launch", ...(room && { room }) }, holder?.id);
    const outcome = await placements.outcome(job, launchTimeoutMs);
    if (!outcome) {
      // Nobody took it in time. A job still waiting is withdrawn; one a worker is running now will
      // see the leave request and take its bot out again.
      await registry.requestLeave(botId);
      // A job already gone (its worker stopped and dropped its queue) is withdrawn too.
      const withdrawn = await job.remove().then(
        () => true,
        async () => (await job.getState()) === "unknown",
      );
      const seconds = Math.round(launchTimeoutMs / 1000);
      if (withdrawn) await registry.close({ botId, tenant: context.tenant, worker: undefined }, "failed", `no worker took the bot within ${seconds} s`);
      logger.warn({ botId, withdrawn }, "no worker took the bot in time");
      throw new AppError("NO_WORKER_AVAILABLE", `No worker took the bot within ${seconds} s: every worker is at capacity, overloaded or down`, { retryable: true });
    }
    if (!outcome.ok) throw new AppError(knownCode(outcome.code), outcome.message, { status: outcome.status });
    if (!("worker" in outcome)) throw new AppError("INTERNAL", `The bot was not placed: ${outcome.skipped}`);
    return { botId, worker: outcome.worker, meetingLink: outcome.meetingLink, pipecat: outcome.pipecat };
  }

  /** The worker holding a room, pinned now if it was not; it must have room for one more bot. */
  private async roomHolder(room: string): Promise<WorkerView> {
    const holder = await this.options.pins.pin(room);
    if (!holder.accepting || holder.active >= holder.capacity) {
      throw new AppError("NO_WORKER_AVAILABLE", `The worker holding the room "${room}" (${holder.id}) is at capacity or overloaded; retry later`, { retryable: true });
    }
    return holder;
  }

  async describe(botId: string, tenant: string | undefined): Promise<ClusterBotInfo | undefined> {
    return isClusterBotId(botId) ? this.options.registry.describe(botId, tenant) : undefined;
  }

  async list(tenant: string | undefined): Promise<ClusterBotInfo[]> {
    return this.options.registry.list(tenant);
  }

  /** The meeting groups of the tenant's bots on every worker, with the floor holder each has now. */
  async meetings(tenant: string | undefined): Promise<ClusterMeetingInfo[]> {
    return clusterMeetings(this.options.redis, this.options.registry, tenant);
  }

  async activeCount(tenant: string | undefined): Promise<number> {
    return this.options.registry.activeCount(tenant);
  }

  /** Makes the bot leave through its worker; idempotent, and another tenant's bot is unknown. */
  async leave(botId: string, tenant: string | undefined): Promise<{ bot_id: string; status: BotStatus }> {
    const notFound = new AppError("BOT_NOT_FOUND", `No bot with id ${botId.slice(0, 100)}`);
    if (!isClusterBotId(botId)) throw notFound;
    const { registry } = this.options;
    const record = await registry.get(botId);
    if (!record || (tenant !== undefined && record.tenant !== tenant)) throw notFound;
    if (isFinalStatus(record.status)) return { bot_id: botId, status: record.status };
    await registry.requestLeave(botId);
    const owner = record.worker;
    const alive = owner ? (await readWorkers(this.options.redis)).some((worker) => worker.id === owner && worker.alive) : false;
    // A bot being placed or moved right now honours the leave request once its placement lands.
    if (!owner || !alive) return { bot_id: botId, status: "leaving" };
    await this.options.commands.send(owner, botId);
    for (const deadline = Date.now() + LEAVE_WAIT_MS; Date.now() < deadline; await delay(LEAVE_POLL_MS)) {
      const now = await registry.get(botId);
      if (!now || isFinalStatus(now.status)) return { bot_id: botId, status: now?.status ?? "ended" };
    }
    return { bot_id: botId, status: "leaving" };
  }
}

function knownCode(code: string): ErrorCode {
  return code in ERROR_CODES ? (code as ErrorCode) : "INTERNAL";
}
