/**
 * @module services/vad/silero-worker-pool
 * Silero VAD scored in worker threads, so onnxruntime's runs never hold up the main thread that
 * paces every bot's audio. A small pool, one worker per core by default, each with one session;
 * batches gathered on the main thread go to the worker with the fewest runs in flight, their
 * arrays transferred, not copied. Per-bot state stays on the main thread (silero-batcher), which
 * keeps each bot's windows in order; a window's promise resolves when it is scored, as in-process.
 */
import { availableParallelism } from "node:os";
import { Worker } from "node:worker_threads";
import { SileroBatcher, type SileroResult, type SileroRun } from "./silero-batcher.js";
import { SILERO_MODEL_PATH } from "./silero-model.js";

type WorkerReply = { ready: true } | { id: number; output: Float32Array; state: Float32Array } | { id: number; error: string };

interface PoolWorker {
  worker: Worker;
  running: Map<number, { resolve: (result: SileroResult) => void; reject: (error: Error) => void }>;
  failed: Error | undefined;
}

const WORKER_URL = new URL("./silero-worker.mjs", import.meta.url);

export class SileroWorkerPool extends SileroBatcher {
  private nextId = 1;
  private closed = false;

  private constructor(private readonly workers: PoolWorker[]) {
    super();
  }

  /** Starts `size` workers (default: one per core) and resolves once every session is loaded. */
  static async load(path = SILERO_MODEL_PATH, size = availableParallelism()): Promise<SileroWorkerPool> {
    const workers = await Promise.all(Array.from({ length: Math.max(1, size) }, () => startWorker(path)));
    return new SileroWorkerPool(workers);
  }

  get size(): number {
    return this.workers.length;
  }

  protected run(job: SileroRun): Promise<SileroResult> {
    const live = this.workers.filter((w) => !w.failed);
    const target = live.sort((a, b) => a.running.size - b.running.size)[0];
    if (this.closed || !target) return Promise.reject(new Error(this.closed ? "the VAD pool is closed" : "every VAD worker failed"));
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      target.running.set(id, { resolve, reject });
      target.worker.postMessage({ id, batch: job.batch, input: job.input, state: job.state }, [job.input.buffer, job.state.buffer]);
    });
  }

  /** Stops the workers; windows still out are rejected. Idempotent. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await Promise.all(this.workers.map((w) => w.worker.terminate()));
  }
}

function startWorker(modelPath: string): Promise<PoolWorker> {
  const worker = new Worker(WORKER_URL, { workerData: { modelPath } });
  // The pool must not keep a finished process alive; close() ends the workers explicitly.
  worker.unref();
  const entry: PoolWorker = { worker, running: new Map(), failed: undefined };
  const fail = (error: Error) => {
    entry.failed = error;
    for (const job of entry.running.values()) job.reject(error);
    entry.running.clear();
  };
  return new Promise((resolve, reject) => {
    worker.on("message", (reply: WorkerReply) => {
      if ("ready" in reply) {
        resolve(entry);
        return;
      }
      const job = entry.running.get(reply.id);
      entry.running.delete(reply.id);
      if (!job) return;
      if ("error" in reply) job.reject(new Error(reply.error));
      else job.resolve({ output: reply.output, state: reply.state });
    });
    worker.on("error", (error) => {
      fail(error);
      reject(error);
    });
    worker.on("exit", (code) => {
      fail(new Error(`VAD worker exited with code ${code}`));
      reject(new Error(`VAD worker exited with code ${code} before its model loaded`));
    });
  });
}
