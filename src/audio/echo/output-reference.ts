/**
 * @module audio/echo/output-reference
 * Records what a bot sent to the meeting, at the echo handling's rate, on the inbound stream's
 * clock. A reply's frames follow one another without gaps from where the first one was sent (the
 * provider plays them back to back, though they are sent a little ahead of time); a new reply
 * starts where the inbound stream is then. The last two seconds are kept.
 */
import { createResampler, type Resampler } from "../resampler.js";
import type { EchoReference } from "./echo-channel.js";
import { ReferenceRing } from "./reference-ring.js";
import type { StreamClock } from "./stream-clock.js";

const KEEP_MS = 2000;
/** Sent audio running further ahead of the inbound stream than this means the inbound stream
 * stalled; the reference starts afresh where the stream is. */
const MAX_AHEAD_MS = 300;

export class OutputReference implements EchoReference {
  private readonly ring: ReferenceRing;
  private readonly maxAhead: number;
  private resampler: Resampler | undefined;
  private closed = false;

  constructor(
    readonly name: string,
    private readonly outputRate: number,
    private readonly clock: StreamClock,
  ) {
    this.ring = new ReferenceRing((KEEP_MS * clock.rate) / 1000);
    this.maxAhead = (MAX_AHEAD_MS * clock.rate) / 1000;
  }

  get end(): number {
    return this.ring.end;
  }

  /** Prepares the rate converter; audio recorded before this is not kept. */
  async open(): Promise<void> {
    if (this.closed || this.resampler) return;
    this.resampler = await createResampler(this.outputRate, this.clock.rate);
  }

  /** What was just sent to the meeting, at the output rate. */
  record(pcm: Int16Array): void {
    if (!this.resampler) return;
    const audio = this.resampler.process(pcm);
    if (!audio.length) return;
    const now = this.clock.estimate();
    const end = this.ring.end;
    const position = end >= now && end - now <= this.maxAhead ? end : now;
    this.ring.write(audio, position, 1 / 32768);
  }

  read(out: Float32Array, from: number, count: number): void {
    this.ring.read(out, from, count);
  }

  close(): void {
    this.closed = true;
    this.resampler?.destroy();
    this.resampler = undefined;
  }
}
