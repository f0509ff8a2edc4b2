/**
 * @module audio/pre-roll
 * Keeps the last stretch of audio so that, when the VAD decides (a quarter second late) that
 * someone is speaking, the recogniser can still hear the start of the first word.
 */
export class PreRollBuffer {
  private chunks: Int16Array[] = [];
  private samples = 0;

  constructor(private readonly maxSamples: number) {}

  push(pcm: Int16Array): void {
    this.chunks.push(pcm);
    this.samples += pcm.length;
    while (this.chunks.length > 1 && this.samples - (this.chunks[0]?.length ?? 0) >= this.maxSamples) {
      this.samples -= this.chunks.shift()?.length ?? 0;
    }
  }

  /** Everything kept, oldest first; the buffer is empty afterwards. */
  drain(): Int16Array[] {
    const out = this.chunks;
    this.chunks = [];
    this.samples = 0;
    return out;
  }
}
