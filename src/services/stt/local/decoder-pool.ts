/**
 * @module services/stt/local/decoder-pool
 * PocketSphinx decoders shared by every bot of the process. A decoder holds its own copy of the
 * acoustic and language models (about 100 MB) and is only busy while someone speaks, so bots lease
 * one per utterance instead of owning one each: memory follows the number of people speaking at
 * once, not the number of bots. Leases are granted first come, first served; the time a bot waited
 * is measured. Decoders beyond the warm spare are freed and their memory handed back to the system.
 */

export interface DecoderBackend<D> {
  create(): Promise<D>;
  free(decoder: D): void;
  /** Gives freed heap memory back to the system (glibc keeps it otherwise). */
  trimHeap(): void;
}

export interface DecoderPoolOptions {
  /** Most decoders alive at once; further utterances wait for one. */
  maxDecoders: number;
  /** Idle decoders kept loaded for the next utterance; the rest are freed. */
  maxIdle: number;
}

export interface DecoderPoolStats {
  alive: number;
  idle: number;
  waiting: number;
  leases: number;
  /** Leases that had to wait for a decoder, and the longest wait in milliseconds. */
  waited: number;
  maxWaitMs: number;
  totalWaitMs: number;
}

interface Waiter<D> {
  resolve(decoder: D): void;
  reject(error: unknown): void;
}

export class DecoderPool<D> {
  private readonly idle: D[] = [];
  private readonly waiters: Waiter<D>[] = [];
  private alive = 0;
  private users = 0;
  private closed = false;
  private readonly counters = { leases: 0, waited: 0, maxWaitMs: 0, totalWaitMs: 0 };

  constructor(
    private readonly backend: DecoderBackend<D>,
    private readonly options: DecoderPoolOptions,
  ) {}

  /** A decoder for one utterance; give it back with `release`. */
  async acquire(): Promise<D> {
    if (this.closed) throw new Error("the decoder pool is closed");
    this.counters.leases += 1;
    const ready = this.idle.pop();
    if (ready !== undefined) return ready;
    if (this.alive < this.options.maxDecoders) return this.create();
    const since = performance.now();
    const decoder = await new Promise<D>((resolve, reject) => this.waiters.push({ resolve, reject }));
    const waitedMs = performance.now() - since;
    this.counters.waited += 1;
    this.counters.totalWaitMs += waitedMs;
    this.counters.maxWaitMs = Math.max(this.counters.maxWaitMs, waitedMs);
    return decoder;
  }

  /** Returns a decoder whose utterance has ended. */
  release(decoder: D): void {
    const waiter = this.waiters.shift();
    if (waiter) {
      waiter.resolve(decoder);
      return;
    }
    if (!this.closed && this.users > 0 && this.idle.length < this.options.maxIdle) {
      this.idle.push(decoder);
      return;
    }
    this.destroy(decoder);
    this.backend.trimHeap();
  }

  /** A session opened: while any is open, a spare decoder is kept loaded. */
  retain(): void {
    this.users += 1;
  }

  /** A session closed; with none left, the spare decoders are freed too, so an idle server holds none. */
  unretain(): void {
    this.users = Math.max(0, this.users - 1);
    if (this.users > 0 || this.idle.length === 0) return;
    for (const decoder of this.idle.splice(0)) this.destroy(decoder);
    this.backend.trimHeap();
  }

  /** Loads a spare decoder ahead of the first utterance, so nobody waits for the model to load. */
  async warm(): Promise<void> {
    if (this.closed || this.idle.length > 0 || this.alive >= this.options.maxDecoders) return;
    this.idle.push(await this.create());
  }

  stats(): DecoderPoolStats {
    return { alive: this.alive, idle: this.idle.length, waiting: this.waiters.length, ...this.counters };
  }

  /** Frees every idle decoder; leased ones are freed as they come back. Waiting leases fail. */
  close(): void {
    this.closed = true;
    for (const waiter of this.waiters.splice(0)) waiter.reject(new Error("the decoder pool is closed"));
    for (const decoder of this.idle.splice(0)) this.destroy(decoder);
    this.backend.trimHeap();
  }

  private async create(): Promise<D> {
    this.alive += 1;
    try {
      return await this.backend.create();
    } catch (error) {
      this.alive -= 1;
      this.serveWaiterWithNewDecoder();
      throw error;
    }
  }

  /** A decoder that failed to load freed its place: the next waiter gets a fresh attempt there. */
  private serveWaiterWithNewDecoder(): void {
    const waiter = this.waiters.shift();
    if (waiter) this.create().then(waiter.resolve, waiter.reject);
  }

  private destroy(decoder: D): void {
    this.alive -= 1;
    this.backend.free(decoder);
  }
}
