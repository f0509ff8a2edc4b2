/**
 * @module audio/echo/reference-ring
 * A bounded ring of reference audio (what a bot sent) placed on the inbound stream's clock. Writes
 * are contiguous while audio keeps coming; a write that starts later than the last one ended leaves
 * silence in between. Reads outside what is held return silence.
 */

export class ReferenceRing {
  private readonly samples: Float32Array;
  private readonly mask: number;
  /** Position just past the newest sample written; nothing written yet when equal to `start`. */
  private writeEnd = 0;
  /** Oldest position still held. */
  private start = 0;

  /** @param capacity rounded up to a power of two */
  constructor(capacity: number) {
    const size = 2 ** Math.ceil(Math.log2(Math.max(2, capacity)));
    this.samples = new Float32Array(size);
    this.mask = size - 1;
  }

  get capacity(): number {
    return this.samples.length;
  }

  /** Position just past the newest sample; -Infinity before the first write. */
  get end(): number {
    return this.writeEnd === this.start ? Number.NEGATIVE_INFINITY : this.writeEnd;
  }

  /** Writes `audio` at `position`; a write that starts before the current end replaces what follows. */
  write(audio: Float32Array | Int16Array, position: number, scale = 1): void {
    if (this.writeEnd === this.start) {
      this.start = position;
      this.writeEnd = position;
    }
    if (position > this.writeEnd) {
      // A gap: silence, and at most a ring's worth of it.
      const from = Math.max(this.writeEnd, position - this.samples.length);
      for (let p = from; p < position; p++) this.samples[p & this.mask] = 0;
    }
    for (let i = 0; i < audio.length; i++) this.samples[(position + i) & this.mask] = (audio[i] ?? 0) * scale;
    this.writeEnd = position + audio.length;
    this.start = Math.max(Math.min(this.start, position), this.writeEnd - this.samples.length);
  }

  /** Copies positions [from, from + out.length) into `out`, silence where nothing is held. */
  read(out: Float32Array, from: number, count = out.length): void {
    for (let i = 0; i < count; i++) {
      const p = from + i;
      out[i] = p >= this.start && p < this.writeEnd ? (this.samples[p & this.mask] ?? 0) : 0;
    }
  }
}
