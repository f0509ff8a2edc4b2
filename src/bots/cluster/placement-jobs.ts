/**
 * @module bots/cluster/placement-jobs
 * The BullMQ jobs that place a bot on a worker. Placement number n of a bot has the job id
 * `place-<bot id>-<n>`: BullMQ keeps one job per id, so every API node, failover monitor or
 * draining worker that asks for the same placement asks for the same job, and it runs once.
 * A bot for a built-in room is placed through the own placement queue of the worker holding the
 * room: no other worker ever sees it.
 */
import { setTimeout as delay } from "node:timers/promises";
import { Job, Queue, QueueEvents } from "bullmq";
import type { Redis } from "ioredis";
import { z } from "zod";
import { PLACEMENT_QUEUE, QUEUE_PREFIX, roomPlacementQueueOf } from "./cluster-keys.js";

export const placementSchema = z.object({
  botId: z.string(),
  /** Which placement this is: 1 for the first launch, then one more per move. */
  launch: z.number().int().min(1),
  reason: z.enum(["launch", "failover", "drain"]),
  /** The worker the bot leaves (failover and drain). */
  from: z.string().optional(),
  /** The built-in room the bot enters; only the worker the room is pinned to places it. */
  room: z.string().optional(),
});
export type Placement = z.infer<typeof placementSchema>;

/** What a placement job returns; expected refusals are outcomes, not thrown errors. */
export type PlacementOutcome =
  | { ok: true; worker: string; providerBotId: string; meetingLink?: string; pipecat?: { url: string; token: string } }
  | { ok: true; skipped: string }
  | { ok: false; code: string; status: number; message: string };

/** How often a waiter looks at a job on a worker's own queue (no event stream is kept per worker). */
const POLL_MS = 100;

/** Finished jobs stay a little while (for late waiters and the dedup of late requests), then go. */
const KEEP_FINISHED = { age: 600, count: 5000 };

export function placementJobId(botId: string, launch: number): string {
  return `place-${botId}-${launch}`;
}

export class PlacementQueue {
  readonly queue: Queue<Placement, PlacementOutcome>;
  readonly events: QueueEvents;
  /** Handles of the workers' own queues this process has placed a room bot on, by queue name. */
  private readonly workerQueues = new Map<string, Queue<Placement, PlacementOutcome>>();

  constructor(private readonly connection: Redis) {
    this.queue = new Queue<Placement, PlacementOutcome>(PLACEMENT_QUEUE, { connection, prefix: QUEUE_PREFIX });
    this.events = new QueueEvents(PLACEMENT_QUEUE, { connection, prefix: QUEUE_PREFIX });
  }

  async ready(): Promise<void> {
    await Promise.all([this.queue.waitUntilReady(), this.events.waitUntilReady()]);
  }

  /** Adds the placement (to `onWorker`'s own queue when given), or finds the job already asking for it. */
  async request(placement: Placement, onWorker?: string): Promise<Job<Placement, PlacementOutcome>> {
    const queue = onWorker ? this.queueOf(onWorker) : this.queue;
    return queue.add(placement.reason, placement, {
      jobId: placementJobId(placement.botId, placement.launch),
      removeOnComplete: KEEP_FINISHED,
      removeOnFail: KEEP_FINISHED,
      // A thrown error (not a refusal) is retried once, on whichever worker takes it.
      attempts: 2,
      backoff: { type: "fixed", delay: 500 },
    });
  }

  /** The job's outcome, or undefined when it did not finish in time (or will never run). */
  async outcome(job: Job<Placement, PlacementOutcome>, timeoutMs: number): Promise<PlacementOutcome | undefined> {
    if (job.queueName !== PLACEMENT_QUEUE) return this.pollOutcome(job, timeoutMs);
    try {
      return await job.waitUntilFinished(this.events, timeoutMs);
    } catch (error) {
      if (error instanceof Error && /timed out/i.test(error.message)) return undefined;
      return failedOutcome(error instanceof Error ? error.message : String(error));
    }
  }

  async close(): Promise<void> {
    await this.events.close();
    await this.queue.close();
    await Promise.all([...this.workerQueues.values()].map((queue) => queue.close()));
    this.workerQueues.clear();
  }

  /** Drops a stopped or dead worker's own queue with any room placement left in it (its rooms closed). */
  async discardWorkerQueue(workerId: string): Promise<void> {
    const name = roomPlacementQueueOf(workerId);
    const queue = this.workerQueues.get(name) ?? new Queue<Placement, PlacementOutcome>(name, { connection: this.connection, prefix: QUEUE_PREFIX });
    this.workerQueues.delete(name);
    try {
      await queue.obliterate({ force: true });
    } finally {
      await queue.close();
    }
  }

  private queueOf(workerId: string): Queue<Placement, PlacementOutcome> {
    const name = roomPlacementQueueOf(workerId);
    let queue = this.workerQueues.get(name);
    if (!queue) {
      queue = new Queue<Placement, PlacementOutcome>(name, { connection: this.connection, prefix: QUEUE_PREFIX });
      this.workerQueues.set(name, queue);
    }
    return queue;
  }

  private async pollOutcome(job: Job<Placement, PlacementOutcome>, timeoutMs: number): Promise<PlacementOutcome | undefined> {
    const queue = this.workerQueues.get(job.queueName);
    if (!queue || job.id === undefined) return failedOutcome(`no handle on the queue ${job.queueName}`);
    for (const deadline = Date.now() + timeoutMs; Date.now() < deadline; await delay(POLL_MS)) {
      const now = await Job.fromId<Placement, PlacementOutcome>(queue, job.id);
      // Gone unfinished: the worker stopped and dropped its queue, so no one will ever run it.
      if (!now) return undefined;
      if (now.finishedOn !== undefined) return (await now.isFailed()) ? failedOutcome(now.failedReason) : now.returnvalue;
    }
    return undefined;
  }
}

/** A job that failed after its attempts: an unexpected error on the worker, reported as such. */
function failedOutcome(reason: string): PlacementOutcome {
  return { ok: false, code: "INTERNAL", status: 500, message: `the placement failed on the worker: ${reason}` };
}
