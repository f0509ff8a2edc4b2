/**
 * @module audio/frame-chunker
 * Cuts a stream of PCM chunks of any size into frames of a fixed number of samples, carrying the
 * remainder to the next call. The remainder waits in one buffer kept for the chunker's life, so a
 * call allocates only the frames it returns: it runs for every bot on every 20 ms of audio, and
 * short-lived array buffers are what keeps the garbage collector busiest.
 */
export class FrameChunker {
  private readonly pending: Int16Array;
  private filled = 0;

  constructor(readonly frameSamples: number) {
    this.pending = new Int16Array(frameSamples);
  }

  /** Returns every whole frame now available, each an array of its own; keeps the rest for later. */
  push(pcm: Int16Array): Int16Array[] {
    const frames: Int16Array[] = [];
    let offset = 0;
    if (this.filled > 0) {
      offset = Math.min(this.frameSamples - this.filled, pcm.length);
      this.pending.set(pcm.subarray(0, offset), this.filled);
      this.filled += offset;
      if (this.filled < this.frameSamples) return frames;
      frames.push(this.pending.slice());
      this.filled = 0;
    }
    for (; offset + this.frameSamples <= pcm.length; offset += this.frameSamples) frames.push(pcm.slice(offset, offset + this.frameSamples));
    if (offset < pcm.length) {
      this.pending.set(pcm.subarray(offset));
      this.filled = pcm.length - offset;
    }
    return frames;
  }

  /** The leftover samples, zero-padded to a whole frame; empty when nothing is left. */
  flush(): Int16Array[] {
    if (!this.filled) return [];
    const frame = new Int16Array(this.frameSamples);
    frame.set(this.pending.subarray(0, this.filled));
    this.filled = 0;
    return [frame];
  }

  /** The leftover samples as they are (not padded); empty when nothing is left. */
  takeRest(): Int16Array {
    const rest = this.pending.slice(0, this.filled);
    this.filled = 0;
    return rest;
  }

  get pendingSamples(): number {
    return this.filled;
  }

  reset(): void {
    this.filled = 0;
  }
}
