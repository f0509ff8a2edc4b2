/**
 * @module bots/cluster/cluster-worker
 * The worker role: takes placement jobs while it has room, runs leave commands for its bots,
 * heartbeats and publishes its load, watches for dead workers, and on SIGTERM drains: it stops
 * taking jobs and hands each of its bots to another worker (the new bot joins, then the old one is
 * removed); bots no worker takes leave their meeting when the server closes. Bots for the built-in
 * rooms pinned here come through this worker's own placement queue; the rooms are unpinned when the
 * worker stops (they close with it, their bots are not moved).
 */
import { type Job, Worker } from "bullmq";
import type { Redis } from "ioredis";
import { errorMessage } from "../../core/errors.js";
import type { Logger } from "../../logger.js";
import type { MeetingProvider } from "../../meeting/meeting-provider.js";
import { SerialQueue } from "../../util/serial-queue.js";
import type { BotManager } from "../bot-manager.js";
import { isFinalStatus } from "./cluster-bot-record.js";
import { PLACEMENT_QUEUE, QUEUE_PREFIX, commandQueueOf, roomPlacementQueueOf } from "./cluster-keys.js";
import type { ClusterRegistry } from "./cluster-registry.js";
import { FailoverMonitor } from "./failover-monitor.js";
import { type LeaveCommand, LeaveCommands, leaveCommandSchema } from "./leave-commands.js";
import { type Placement, type PlacementOutcome, PlacementQueue } from "./placement-jobs.js";
import { PlacementRunner } from "./placement-runner.js";
import type { RedisBotRegistry } from "./redis-bot-registry.js";
import { RoomPins } from "./room-pins.js";
import { WorkerCapacity } from "./worker-capacity.js";
import { WorkerPresence, readWorkers } from "./worker-presence.js";

/** Launches one worker runs at the same time (each is mostly a wait for the provider). */
const PLACEMENT_CONCURRENCY = 4;
/** A worker that dies mid-launch gives its job back this soon (BullMQ's lock and stalled check). */
const LOCK_DURATION_MS = 8000;
const STALLED_INTERVAL_MS = 4000;

export interface ClusterWorkerOptions {
  redis: Redis;
  registry: ClusterRegistry;
  records: RedisBotRegistry;
  bots: BotManager;
  workerId: string;
  baseUrl: string;
  capacity: number;
  maxLoopDelayMs: number;
  provider: (name: string) => MeetingProvider | undefined;
  serverApiKey: string | undefined;
  heartbeatMs: number;
  deadAfterMs: number;
  logger: Logger;
}

export interface DrainSummary {
  handedOver: number;
  /** Bots no worker took: they leave their meeting when the server closes. */
  staying: number;
}

export class ClusterWorker {
  private readonly capacity: WorkerCapacity;
  private readonly presence: WorkerPresence;
  private readonly placements: PlacementQueue;
  private readonly commands: LeaveCommands;
  private readonly monitor: FailoverMonitor;
  private readonly pins: RoomPins;
  private placementWorker: Worker<Placement, PlacementOutcome> | undefined;
  /** Takes the placements of bots for the rooms pinned to this worker. */
  private roomPlacementWorker: Worker<Placement, PlacementOutcome> | undefined;
  private commandWorker: Worker<LeaveCommand> | undefined;
  private loadTimer: NodeJS.Timeout | undefined;
  /** Load updates reach Redis one at a time, in order. */
  private readonly publishing = new SerialQueue();
  private paused = false;

  constructor(private readonly options: ClusterWorkerOptions) {
    this.capacity = new WorkerCapacity({ capacity: options.capacity, maxLoopDelayMs: options.maxLoopDelayMs, running: () => options.bots.activeCount });
    this.presence = new WorkerPresence({ ...options, redis: options.redis });
    this.placements = new PlacementQueue(options.redis);
    this.commands = new LeaveCommands(options.redis);
    this.pins = new RoomPins(options.redis);
    this.monitor = new FailoverMonitor({ ...options, placements: this.placements, commands: this.commands, selfId: options.workerId });
  }

  get id(): string {
    return this.options.workerId;
  }

  async start(): Promise<void> {
    const { redis, workerId, logger } = this.options;
    await this.placements.ready();
    await this.presence.start(this.load());
    const runner = new PlacementRunner({
      ...this.options,
      capacity: this.capacity,
      pins: this.pins,
      liveWorkers: async () => (await readWorkers(redis)).filter((worker) => worker.alive),
      loadChanged: () => this.publishLoad(),
    });
    const placementOptions = {
      connection: redis,
      prefix: QUEUE_PREFIX,
      concurrency: PLACEMENT_CONCURRENCY,
      lockDuration: LOCK_DURATION_MS,
      stalledInterval: STALLED_INTERVAL_MS,
      maxStalledCount: 2,
    };
    const place = (job: Job<Placement, PlacementOutcome>, token: string | undefined) => runner.process(job, token);
    this.placementWorker = new Worker<Placement, PlacementOutcome>(PLACEMENT_QUEUE, place, placementOptions);
    this.roomPlacementWorker = new Worker<Placement, PlacementOutcome>(roomPlacementQueueOf(workerId), place, placementOptions);
    this.commandWorker = new Worker<LeaveCommand>(commandQueueOf(workerId), (job) => this.runLeave(job), { connection: redis, prefix: QUEUE_PREFIX, concurrency: 8 });
    for (const worker of [this.placementWorker, this.roomPlacementWorker, this.commandWorker]) {
      worker.on("error", (error) => logger.warn({ err: errorMessage(error) }, "job queue error"));
    }
    this.monitor.start();
    // Each heartbeat: a fresh load figure, and stop or resume taking jobs as room comes and goes.
    this.loadTimer = setInterval(() => {
      this.adjustIntake();
      this.capacity.resetWindow();
      this.publishLoad();
    }, this.options.heartbeatMs);
    this.loadTimer.unref();
    logger.info({ worker: workerId, baseUrl: this.options.baseUrl, capacity: this.options.capacity }, "cluster worker started");
  }

  /** Stops taking bots and hands each of this worker's bots to another worker. */
  async drain(timeoutMs: number): Promise<DrainSummary> {
    const { registry, workerId, logger, bots } = this.options;
    this.capacity.drain();
    this.publishLoad();
    await this.publishing.idle();
    // New people and bots for this worker's rooms go to a new room on another worker from now on.
    await this.unpinRooms();
    // Waits for launches in progress; they finish here and are then handed over like the rest.
    await Promise.all([this.placementWorker?.close(), this.roomPlacementWorker?.close()]);
    const botIds = await registry.botsOf(workerId);
    logger.info({ worker: workerId, bots: botIds.length }, "draining: handing bots over to other workers");
    const results = await Promise.all(
      botIds.map(async (botId): Promise<"handed" | "staying" | "none"> => {
        const record = await registry.get(botId);
        if (!record || record.worker !== workerId || isFinalStatus(record.status) || !record.clientId) return "none";
        // A built-in room closes with this worker: its bots are not handed over, they leave with the server.
        if (record.provider === "local") return "staying";
        const job = await this.placements.request({ botId, launch: record.launches + 1, reason: "drain", from: workerId });
        const outcome = await this.placements.outcome(job, timeoutMs);
        if (outcome?.ok && "worker" in outcome) {
          // The new worker removed this bot from the meeting through the provider; end it here without another call.
          await bots.byClient(record.clientId)?.leave();
          return "handed";
        }
        if (!outcome) await job.remove().catch((error: unknown) => logger.warn({ botId, err: errorMessage(error) }, "hand-over job still running; the bot may move after this worker stops"));
        return "staying";
      }),
    );
    const summary = { handedOver: results.filter((r) => r === "handed").length, staying: results.filter((r) => r === "staying").length };
    logger.info(summary, "drain finished");
    return summary;
  }

  /** Stops every job consumer and the heartbeat; call after the bots have left or moved. */
  async close(): Promise<void> {
    if (this.loadTimer) clearInterval(this.loadTimer);
    await this.monitor.stop();
    await Promise.all([this.placementWorker?.close(), this.roomPlacementWorker?.close()]);
    await this.commandWorker?.close();
    await this.publishing.idle();
    await this.unpinRooms();
    await this.placements.discardWorkerQueue(this.options.workerId);
    await this.presence.retire();
    await this.commands.close();
    await this.placements.close();
    this.capacity.stop();
  }

  private async runLeave(job: Job<LeaveCommand>): Promise<{ status: string }> {
    const { botId } = leaveCommandSchema.parse(job.data);
    const record = await this.options.registry.get(botId);
    // Moved elsewhere meanwhile: its leave request is on the record, and the new placement honours it.
    if (!record?.clientId || record.worker !== this.options.workerId) return { status: record?.status ?? "unknown" };
    const outcome = await this.options.bots.leave(record.clientId);
    await this.options.records.flush();
    return { status: outcome.status };
  }

  private async unpinRooms(): Promise<void> {
    const released = await this.pins.releaseAll(this.options.workerId);
    if (released > 0) this.options.logger.info({ rooms: released }, "built-in rooms unpinned: they close with this worker");
  }

  private load() {
    return { active: this.capacity.active, capacity: this.capacity.capacity, accepting: this.capacity.check().ok };
  }

  private publishLoad(): void {
    const load = this.load();
    this.publishing
      .run(() => this.presence.publish(load))
      .catch((error: unknown) => this.options.logger.warn({ err: errorMessage(error) }, "could not publish this worker's load"));
  }

  private adjustIntake(): void {
    const worker = this.placementWorker;
    // `closing` holds the close in progress once one started.
    if (!worker || worker.closing !== undefined) return;
    const admission = this.capacity.check();
    if (!admission.ok && !this.paused) {
      this.paused = true;
      this.options.logger.warn({ reason: admission.reason }, "taking no new bots");
      void worker.pause(true).catch((error: unknown) => this.options.logger.warn({ err: errorMessage(error) }, "could not pause the job intake"));
    } else if (admission.ok && this.paused) {
      this.paused = false;
      this.options.logger.info("taking new bots again");
      Promise.resolve(worker.resume()).catch((error: unknown) => this.options.logger.warn({ err: errorMessage(error) }, "could not resume the job intake"));
    }
  }
}
