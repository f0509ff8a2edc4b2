/**
 * @module bots/cluster/leave-commands
 * `DELETE /bots/{id}` on any API node reaches the worker that runs the bot: a job in that worker's
 * own command queue. One job per bot id, so repeated or concurrent DELETEs make one leave call.
 */
import { Queue } from "bullmq";
import type { Redis } from "ioredis";
import { z } from "zod";
import { QUEUE_PREFIX, commandQueueOf } from "./cluster-keys.js";

export const leaveCommandSchema = z.object({ botId: z.string() });
export type LeaveCommand = z.infer<typeof leaveCommandSchema>;

/** The API node's side: one queue handle per worker it has sent a command to. */
export class LeaveCommands {
  private readonly queues = new Map<string, Queue<LeaveCommand>>();

  constructor(private readonly connection: Redis) {}

  async send(workerId: string, botId: string): Promise<void> {
    let queue = this.queues.get(workerId);
    if (!queue) {
      queue = new Queue<LeaveCommand>(commandQueueOf(workerId), { connection: this.connection, prefix: QUEUE_PREFIX });
      this.queues.set(workerId, queue);
    }
    await queue.add("leave", { botId }, { jobId: `leave-${botId}`, removeOnComplete: { age: 600 }, removeOnFail: { age: 600 } });
  }

  /** Drops the queue of a worker that is gone for good, with any command it never read. */
  async discard(workerId: string): Promise<void> {
    const queue = this.queues.get(workerId) ?? new Queue<LeaveCommand>(commandQueueOf(workerId), { connection: this.connection, prefix: QUEUE_PREFIX });
    this.queues.delete(workerId);
    try {
      await queue.obliterate({ force: true });
    } finally {
      await queue.close();
    }
  }

  async close(): Promise<void> {
    await Promise.all([...this.queues.values()].map((queue) => queue.close()));
    this.queues.clear();
  }
}
