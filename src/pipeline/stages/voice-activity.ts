/**
 * @module pipeline/stages/voice-activity
 * Runs the bot's VAD on incoming audio and announces when someone starts and stops talking. A start
 * also sends an interruption down the pipeline: whatever the bot was thinking or saying is dropped
 * (barge-in), so it listens instead of talking over people.
 */
import type { VadParams, VoiceActivityModel } from "../../services/vad/voice-activity.js";
import { VadAnalyzer, type VadTransition } from "../../services/vad/vad-analyzer.js";
import { type Direction, type Frame, frame } from "../frames.js";
import { FrameProcessor } from "../processor.js";
import type { TurnMetrics } from "../turn-metrics.js";

export class VoiceActivityStage extends FrameProcessor {
  private readonly analyzer: VadAnalyzer;
  /** When the last speech start was detected, for barge-in measurements. */
  lastSpeechStartAt: number | undefined;

  constructor(model: VoiceActivityModel, params: VadParams, private readonly metrics: TurnMetrics) {
    super("voice-activity");
    this.analyzer = new VadAnalyzer(model, params, (transition) => this.detached(() => this.announce(transition)));
  }

  get userSpeaking(): boolean {
    return this.analyzer.speaking;
  }

  protected override async processFrame(f: Frame, direction: Direction): Promise<void> {
    if (f.type === "input-audio" && direction === "downstream") this.analyzer.push(f.audio);
    await this.push(f, direction);
  }

  private async announce(transition: VadTransition): Promise<void> {
    if (transition.event === "speech-start") {
      this.lastSpeechStartAt = transition.at;
      await this.push(frame("user-started-speaking"));
      await this.push(frame("interruption"));
    } else {
      this.metrics.speechEnded(transition.at);
      await this.push(frame("user-stopped-speaking"));
    }
  }
}
