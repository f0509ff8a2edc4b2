/**
 * @module pipeline/stages/audio-input
 * Where meeting audio enters a bot's pipeline: PCM at the stream's rate (16 or 24 kHz) becomes
 * `input-audio` frames at 16 kHz, the rate of the VAD and the recognisers.
 */
import { createResampler, type Resampler } from "../../audio/resampler.js";
import { type Direction, type Frame, frame } from "../frames.js";
import { FrameProcessor, type FrameWork } from "../processor.js";

export const PIPELINE_RATE = 16000;

export class AudioInputStage extends FrameProcessor {
  private resampler: Resampler | undefined;

  constructor(private readonly streamRate: number) {
    super("audio-input");
  }

  protected override processFrame(f: Frame, direction: Direction): FrameWork {
    if (f.type === "start") return this.start(f, direction);
    if (f.type === "input-audio" && direction === "downstream") {
      if (!this.resampler) return;
      if (f.sampleRate === PIPELINE_RATE) return this.push(f);
      const audio = this.resampler.process(f.audio);
      return audio.length ? this.push(frame("input-audio", { audio, sampleRate: PIPELINE_RATE })) : undefined;
    }
    return this.push(f, direction);
  }

  private async start(f: Frame, direction: Direction): Promise<void> {
    this.resampler = await createResampler(this.streamRate, PIPELINE_RATE);
    await this.push(f, direction);
  }

  protected override async cleanup(): Promise<void> {
    this.resampler?.destroy();
    this.resampler = undefined;
  }
}
