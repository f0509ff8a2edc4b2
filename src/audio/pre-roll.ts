/**
 * @module audio/pre-roll
 * Keeps the last stretch of audio so that, when the VAD decides (a quarter second late) that
 * someone is speaking, the recogniser can still hear the start of the first word. The audio is
 * copied into one ring kept for the buffer's life rather than held as the chunks it came in: a
 * second of 20 ms chunks per bot, each living a second, was most of what survived to the old
 * generation and had to be swept by full collections.
 */
export class PreRollBuffer {
  private readonly ring: Int16Array;
  /** Where the next sample goes, and how many of the ring's samples hold audio. */
  private next = 0;
  private filled = 0;

  constructor(maxSamples: number) {
    this.ring = new Int16Array(maxSamples);
  }

  push(pcm: Int16Array): void {
    const size = this.ring.length;
    if (size === 0) return;
    const tail = pcm.length > size ? pcm.subarray(pcm.length - size) : pcm;
    const first = Math.min(tail.length, size - this.next);
    this.ring.set(tail.subarray(0, first), this.next);
    this.ring.set(tail.subarray(first), 0);
    this.next = (this.next + tail.length) % size;
    this.filled = Math.min(size, this.filled + tail.length);
  }

  /** The last `maxSamples` samples at most, oldest first, as one chunk; the buffer is empty afterwards. */
  drain(): Int16Array[] {
    if (this.filled === 0) return [];
    const out = new Int16Array(this.filled);
    const start = (this.next - this.filled + this.ring.length) % this.ring.length;
    const first = Math.min(this.filled, this.ring.length - start);
    out.set(this.ring.subarray(start, start + first));
    out.set(this.ring.subarray(0, this.filled - first), first);
    this.filled = 0;
    this.next = 0;
    return [out];
  }
}
