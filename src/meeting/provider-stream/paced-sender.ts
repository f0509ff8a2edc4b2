/**
 * @module meeting/provider-stream/paced-sender
 * Sends PCM in fixed chunks at real-time pace (100 ms chunks by default, like current MeetingBaas
 * bots; 256-sample chunks like older ones), keeping the schedule on the monotonic clock so small
 * timer delays never accumulate.
 */

export interface PacedSenderOptions {
  sampleRate: number;
  /** Samples per chunk; defaults to 100 ms worth. */
  chunkSamples?: number;
  send(chunk: Int16Array): void;
}

export class PacedSender {
  private readonly chunkSamples: number;
  private readonly queue: Int16Array[] = [];
  private pending = new Int16Array(0);
  private timer: NodeJS.Timeout | undefined;
  private nextAt = 0;

  constructor(private readonly options: PacedSenderOptions) {
    this.chunkSamples = options.chunkSamples ?? Math.round(options.sampleRate / 10);
  }

  /** Queues audio to be sent at real-time pace after what is already queued. */
  enqueue(pcm: Int16Array): void {
    const joined = new Int16Array(this.pending.length + pcm.length);
    joined.set(this.pending);
    joined.set(pcm, this.pending.length);
    let offset = 0;
    for (; offset + this.chunkSamples <= joined.length; offset += this.chunkSamples) {
      this.queue.push(joined.slice(offset, offset + this.chunkSamples));
    }
    this.pending = joined.slice(offset);
    if (!this.timer && this.queue.length) {
      this.nextAt = performance.now();
      this.tick();
    }
  }

  /** Milliseconds of audio not yet sent. */
  get queuedMs(): number {
    return ((this.queue.length * this.chunkSamples + this.pending.length) / this.options.sampleRate) * 1000;
  }

  stop(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    this.queue.length = 0;
    this.pending = new Int16Array(0);
  }

  private tick(): void {
    this.timer = undefined;
    const chunk = this.queue.shift();
    if (!chunk) return;
    this.options.send(chunk);
    this.nextAt += (this.chunkSamples / this.options.sampleRate) * 1000;
    this.timer = setTimeout(() => this.tick(), Math.max(0, this.nextAt - performance.now()));
  }
}
