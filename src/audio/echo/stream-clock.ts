/**
 * @module audio/echo/stream-clock
 * The inbound audio stream's own clock: how many samples of meeting audio have arrived. The bot's
 * output is stamped on it, so "what we sent" and "what we hear" share one time axis and an echo is
 * a fixed lag on that axis, whatever the event loop's jitter.
 */

/** Between two inbound chunks the clock is extrapolated by wall time, but never further than this. */
const MAX_EXTRAPOLATION_MS = 40;

export class StreamClock {
  private samples = 0;
  private arrivedAt: number | undefined;

  constructor(
    readonly rate: number,
    private readonly now: () => number = () => performance.now(),
  ) {}

  /** Samples received so far: the position of the next inbound sample. */
  get position(): number {
    return this.samples;
  }

  /** An inbound chunk of `count` samples has just arrived. */
  advance(count: number): void {
    this.samples += count;
    this.arrivedAt = this.now();
  }

  /**
   * Where the inbound stream is now: what has arrived, plus the time since it arrived (the chunk
   * being captured meanwhile). Capped, so a stalled stream does not run the clock away.
   */
  estimate(): number {
    if (this.arrivedAt === undefined) return this.samples;
    const elapsedMs = Math.min(MAX_EXTRAPOLATION_MS, Math.max(0, this.now() - this.arrivedAt));
    return this.samples + Math.floor((elapsedMs * this.rate) / 1000);
  }
}
