/**
 * @module bots/cluster/placement-jobs
 * The BullMQ jobs that place a bot on a worker. Placement number n of a bot has the job id
 * `place-<bot id>-<n>`: BullMQ keeps one job per id, so every API node, failover monitor or
 * draining worker that asks for the same placement asks for the same job, and it runs once.
 */
import { type Job, Queue, QueueEvents } from "bullmq";
import type { Redis } from "ioredis";
import { z } from "zod";
import { PLACEMENT_QUEUE, QUEUE_PREFIX } from "./cluster-keys.js";

export const placementSchema = z.object({
  botId: z.string(),
  /** Which placement this is: 1 for the first launch, then one more per move. */
  launch: z.number().int().min(1),
  reason: z.enum(["launch", "failover", "drain"]),
  /** The worker the bot leaves (failover and drain). */
  from: z.string().optional(),
});
export type Placement = z.infer<typeof placementSchema>;

/** What a placement job returns; expected refusals are outcomes, not thrown errors. */
export type PlacementOutcome =
  | { ok: true; worker: string; providerBotId: string; meetingLink?: string; pipecat?: { url: string; token: string } }
  | { ok: true; skipped: string }
  | { ok: false; code: string; status: number; message: string };

/** Finished jobs stay a little while (for late waiters and the dedup of late requests), then go. */
const KEEP_FINISHED = { age: 600, count: 5000 };

export function placementJobId(botId: string, launch: number): string {
  return `place-${botId}-${launch}`;
}

export class PlacementQueue {
  readonly queue: Queue<Placement, PlacementOutcome>;
  readonly events: QueueEvents;

  constructor(connection: Redis) {
    this.queue = new Queue<Placement, PlacementOutcome>(PLACEMENT_QUEUE, { connection, prefix: QUEUE_PREFIX });
    this.events = new QueueEvents(PLACEMENT_QUEUE, { connection, prefix: QUEUE_PREFIX });
  }

  async ready(): Promise<void> {
    await Promise.all([this.queue.waitUntilReady(), this.events.waitUntilReady()]);
  }

  /** Adds the placement, or finds the job already asking for it. */
  async request(placement: Placement): Promise<Job<Placement, PlacementOutcome>> {
    return this.queue.add(placement.reason, placement, {
      jobId: placementJobId(placement.botId, placement.launch),
      removeOnComplete: KEEP_FINISHED,
      removeOnFail: KEEP_FINISHED,
      // A thrown error (not a refusal) is retried once, on whichever worker takes it.
      attempts: 2,
      backoff: { type: "fixed", delay: 500 },
    });
  }

  /** The job's outcome, or undefined when it did not finish in time. */
  async outcome(job: Job<Placement, PlacementOutcome>, timeoutMs: number): Promise<PlacementOutcome | undefined> {
    try {
      return await job.waitUntilFinished(this.events, timeoutMs);
    } catch (error) {
      if (error instanceof Error && /timed out/i.test(error.message)) return undefined;
      // A job that failed after its attempts: an unexpected error on the workers, reported as such.
      return { ok: false, code: "INTERNAL", status: 500, message: `the placement failed on the worker: ${error instanceof Error ? error.message : String(error)}` };
    }
  }

  async close(): Promise<void> {
    await this.events.close();
    await this.queue.close();
  }
}
