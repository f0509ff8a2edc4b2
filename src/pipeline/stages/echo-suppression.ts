/**
 * @module pipeline/stages/echo-suppression
 * Right after audio input, before the VAD: removes the bot's own voice where the meeting mix plays
 * it back (open speakers, providers that include every participant). The audio output records
 * what it sends on the inbound stream's clock; here the input is compared with it. Stretches that
 * are the bot's echo alone become silence, so the VAD, barge-in and the recogniser never take the
 * bot for a person; someone talking over the bot comes through with the echo taken out. While the
 * bot has not spoken for a second, input passes untouched (see audio/echo).
 */
import { EchoSuppressor, type EchoStats } from "../../audio/echo/echo-suppressor.js";
import type { EchoReference } from "../../audio/echo/echo-channel.js";
import type { EchoReferenceSet } from "../../audio/echo/reference-set.js";
import type { StreamClock } from "../../audio/echo/stream-clock.js";
import type { EchoSuppressionMode } from "../../core/turn-policy.js";
import { type Direction, type Frame, frame } from "../frames.js";
import { FrameProcessor, type FrameWork } from "../processor.js";

export interface EchoSuppressionOptions {
  /** The inbound stream's clock at the pipeline rate; this stage advances it. */
  clock: StreamClock;
  references: EchoReferenceSet;
  mode: EchoSuppressionMode;
}

export class EchoSuppressionStage extends FrameProcessor {
  private readonly suppressor: EchoSuppressor | undefined;

  constructor(private readonly options: EchoSuppressionOptions) {
    super("echo-suppression");
    this.suppressor = options.mode === "auto" ? new EchoSuppressor(options.references, options.clock.rate) : undefined;
  }

  /** Chunks seen and judged; undefined when the stage is off. */
  get stats(): Readonly<EchoStats> | undefined {
    return this.suppressor?.stats;
  }

  /** The echo delay found for a reference, in milliseconds. */
  delayMs(reference: EchoReference): number | undefined {
    return this.suppressor?.delayMs(reference);
  }

  protected override processFrame(f: Frame, direction: Direction): FrameWork {
    if (f.type === "start" && this.suppressor) return this.start(f, direction);
    if (f.type === "input-audio" && direction === "downstream" && f.sampleRate === this.options.clock.rate) {
      const position = this.options.clock.position;
      this.options.clock.advance(f.audio.length);
      const audio = this.suppressor ? this.suppressor.process(f.audio, position) : f.audio;
      return this.push(audio === f.audio ? f : frame("input-audio", { audio, sampleRate: f.sampleRate }));
    }
    return this.push(f, direction);
  }

  private async start(f: Frame, direction: Direction): Promise<void> {
    await this.options.references.open();
    await this.push(f, direction);
  }

  protected override async cleanup(): Promise<void> {
    this.options.references.close();
  }
}
