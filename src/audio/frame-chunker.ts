/**
 * @module audio/frame-chunker
 * Cuts a stream of PCM chunks of any size into frames of a fixed number of samples, carrying the
 * remainder to the next call.
 */
export class FrameChunker {
  private pending = new Int16Array(0);

  constructor(readonly frameSamples: number) {}

  /** Returns every whole frame now available; keeps the rest for later. */
  push(pcm: Int16Array): Int16Array[] {
    let data = pcm;
    if (this.pending.length) {
      data = new Int16Array(this.pending.length + pcm.length);
      data.set(this.pending);
      data.set(pcm, this.pending.length);
    }
    const frames: Int16Array[] = [];
    let offset = 0;
    for (; offset + this.frameSamples <= data.length; offset += this.frameSamples) frames.push(data.slice(offset, offset + this.frameSamples));
    this.pending = data.slice(offset);
    return frames;
  }

  /** The leftover samples, zero-padded to a whole frame; empty when nothing is left. */
  flush(): Int16Array[] {
    if (!this.pending.length) return [];
    const frame = new Int16Array(this.frameSamples);
    frame.set(this.pending);
    this.pending = new Int16Array(0);
    return [frame];
  }

  get pendingSamples(): number {
    return this.pending.length;
  }

  reset(): void {
    this.pending = new Int16Array(0);
  }
}
