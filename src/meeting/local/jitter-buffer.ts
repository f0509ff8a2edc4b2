/**
 * @module meeting/local/jitter-buffer
 * Smooths one participant's incoming audio for the room's mixer: it waits for a small cushion
 * before playing, gives silence on underrun (and waits for the cushion again), and drops the oldest
 * audio when too much piles up, so a participant's latency can never grow without bound.
 */
export class JitterBuffer {
  private chunks: Int16Array[] = [];
  private offset = 0;
  private available = 0;
  private primed = false;

  constructor(
    private readonly cushionSamples: number,
    private readonly maxSamples: number,
  ) {}

  write(pcm: Int16Array): void {
    if (!pcm.length) return;
    this.chunks.push(pcm);
    this.available += pcm.length;
    while (this.available > this.maxSamples) this.skip(this.available - this.cushionSamples);
    if (this.available >= this.cushionSamples) this.primed = true;
  }

  get queuedSamples(): number {
    return this.available;
  }

  /** Exactly `count` samples: audio when primed, silence otherwise. */
  read(count: number): Int16Array {
    const out = new Int16Array(count);
    if (!this.primed) return out;
    let written = 0;
    while (written < count && this.chunks.length) {
      const head = this.chunks[0] as Int16Array;
      const take = Math.min(count - written, head.length - this.offset);
      out.set(head.subarray(this.offset, this.offset + take), written);
      written += take;
      this.consume(take);
    }
    if (written < count) this.primed = false;
    return out;
  }

  private skip(count: number): void {
    let left = count;
    while (left > 0 && this.chunks.length) {
      const head = this.chunks[0] as Int16Array;
      const take = Math.min(left, head.length - this.offset);
      this.consume(take);
      left -= take;
    }
  }

  private consume(count: number): void {
    this.offset += count;
    this.available -= count;
    if (this.offset >= (this.chunks[0]?.length ?? 0)) {
      this.chunks.shift();
      this.offset = 0;
    }
  }
}
