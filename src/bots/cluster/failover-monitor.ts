/**
 * @module bots/cluster/failover-monitor
 * Finds workers that stopped heartbeating and moves their bots: each bot gets a placement job for
 * its next placement number, which another worker runs (launch there, then remove the dead
 * worker's bot through the provider). Every worker and API node runs a monitor; the job ids make
 * their requests one job. Right after a Redis outage no one is declared dead until live workers
 * had time to heartbeat again. A dead worker's built-in rooms died with it: their bots end, and
 * the worker's room pins go when it is retired.
 */
import type { Redis } from "ioredis";
import { errorMessage } from "../../core/errors.js";
import type { Logger } from "../../logger.js";
import { CancellableTask } from "../../util/cancellable-task.js";
import { isFinalStatus } from "./cluster-bot-record.js";
import { keys } from "./cluster-keys.js";
import type { ClusterRegistry } from "./cluster-registry.js";
import type { LeaveCommands } from "./leave-commands.js";
import type { PlacementQueue } from "./placement-jobs.js";
import { RoomPins } from "./room-pins.js";
import { readWorkers } from "./worker-presence.js";

export interface FailoverMonitorOptions {
  redis: Redis;
  registry: ClusterRegistry;
  placements: PlacementQueue;
  commands: LeaveCommands;
  /** This process's worker id (a worker never declares itself dead). */
  selfId?: string;
  heartbeatMs: number;
  deadAfterMs: number;
  logger: Logger;
}

export class FailoverMonitor {
  private checks: CancellableTask | undefined;
  private running = false;
  private connectedSince = Date.now();
  private readonly announced = new Set<string>();
  private readonly onReady = () => {
    this.connectedSince = Date.now();
  };

  private readonly pins: RoomPins;

  constructor(private readonly options: FailoverMonitorOptions) {
    this.pins = new RoomPins(options.redis);
  }

  start(): void {
    this.options.redis.on("ready", this.onReady);
    // tick() handles its own failures, so the checks go on until stop().
    this.checks = CancellableTask.every(this.options.heartbeatMs, () => this.tick(), (error) =>
      this.options.logger.error({ err: error.message }, "failover checks stopped"),
    );
  }

  /** Ends the checks; resolves once a check in progress has finished. */
  async stop(): Promise<void> {
    this.options.redis.off("ready", this.onReady);
    await this.checks?.cancel();
  }

  /** One look at every worker; never rejects, never overlaps the previous look. */
  async tick(): Promise<void> {
    if (this.running || this.options.redis.status !== "ready") return;
    // Heartbeats missed while Redis was away are not deaths: give live workers time to beat again.
    if (Date.now() - this.connectedSince < this.options.deadAfterMs + this.options.heartbeatMs) return;
    this.running = true;
    try {
      for (const worker of await readWorkers(this.options.redis)) {
        if (!worker.alive && worker.id !== this.options.selfId) await this.failover(worker.id);
      }
    } catch (error) {
      this.options.logger.warn({ err: errorMessage(error) }, "failover check failed; retrying at the next heartbeat");
    } finally {
      this.running = false;
    }
  }

  private async failover(deadId: string): Promise<void> {
    const { registry, placements, logger } = this.options;
    const botIds = await registry.botsOf(deadId);
    if (botIds.length === 0) {
      await this.options.redis.multi().srem(keys.workers, deadId).del(keys.worker(deadId)).exec();
      await this.options.commands.discard(deadId);
      await this.pins.releaseAll(deadId);
      await this.options.placements.discardWorkerQueue(deadId);
      if (this.announced.delete(deadId)) logger.info({ worker: deadId }, "dead worker retired: it runs no bot any more");
      return;
    }
    if (!this.announced.has(deadId)) {
      this.announced.add(deadId);
      logger.warn({ worker: deadId, bots: botIds.length }, "worker missed its heartbeats; moving its bots to other workers");
    }
    for (const botId of botIds) {
      const record = await registry.get(botId);
      if (!record || record.worker !== deadId || isFinalStatus(record.status)) {
        await registry.forgetOn(deadId, botId);
        continue;
      }
      await placements.request({ botId, launch: record.launches + 1, reason: "failover", from: deadId });
    }
  }
}
