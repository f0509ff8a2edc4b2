/**
 * @module pipeline/stages/voice-activity
 * Runs the bot's VAD on incoming audio and announces when someone starts and stops talking. Whether
 * that speech interrupts the bot is decided further on, by the barge-in stage, once it is known how
 * long the speech lasts and what was said: a meeting is full of "mm-hm"s that must not stop it.
 */
import type { VadParams, VoiceActivityModel } from "../../services/vad/voice-activity.js";
import { VadAnalyzer, type VadTransition } from "../../services/vad/vad-analyzer.js";
import { type Direction, type Frame, frame } from "../frames.js";
import { FrameProcessor, type FrameWork } from "../processor.js";
import type { TurnMetrics } from "../turn-metrics.js";

export class VoiceActivityStage extends FrameProcessor {
  private readonly analyzer: VadAnalyzer;
  /** When the last speech start was detected, for barge-in measurements. */
  lastSpeechStartAt: number | undefined;

  private readonly threshold: number;
  /** When the audio being scored arrived: speech events are stamped with it, not with the moment scoring finished. */
  private scoringArrivedAt = 0;

  constructor(model: VoiceActivityModel, params: VadParams, private readonly metrics: TurnMetrics) {
    super("voice-activity");
    this.threshold = params.threshold;
    this.analyzer = new VadAnalyzer(
      model,
      params,
      (transition) => this.detached(() => this.announce(transition)),
      (error) => this.logger.error({ err: error }, "voice activity scoring failed; the window counts as silence"),
    );
  }

  get userSpeaking(): boolean {
    return this.analyzer.speaking;
  }

  /** Whether the last window scored was speech (unlike `userSpeaking`, false during the stop delay). */
  get voicedNow(): boolean {
    return this.analyzer.speaking && this.analyzer.lastProbability >= this.threshold;
  }

  /** Resolves once every window received so far has been scored (lock-step simulations wait on it). */
  settled(): Promise<void> {
    return this.analyzer.settled();
  }

  protected override processFrame(f: Frame, direction: Direction): FrameWork {
    // Audio moves on only once the VAD has scored it, so the speech events pushed while scoring
    // reach the recogniser's gate exactly where they belong in the audio, however busy the machine.
    // Audio the VAD decided on the spot (silence, with nothing waiting before it) moves on at once.
    if (f.type === "input-audio" && direction === "downstream") {
      this.scoringArrivedAt = f.createdAt;
      const scoring = this.analyzer.push(f.audio);
      if (scoring !== undefined) return scoring.then(() => this.push(f, direction));
    }
    return this.push(f, direction);
  }

  protected override async cleanup(): Promise<void> {
    // Windows still being scored must not announce speech to stages that have already stopped.
    this.analyzer.close();
  }

  private async announce(transition: VadTransition): Promise<void> {
    if (transition.event === "speech-start") {
      this.lastSpeechStartAt = transition.at;
      await this.push(this.stamped(frame("user-started-speaking")));
    } else {
      this.metrics.speechEnded(transition.at);
      await this.push(this.stamped(frame("user-stopped-speaking")));
    }
  }

  /**
   * Puts a speech event on the meeting's timeline: on a busy machine scoring can run seconds behind
   * the audio, and the speaker events it is matched with (and a sibling bot's speaking times) are
   * stamped when they arrived, so the event must be too.
   */
  private stamped<F extends Frame>(event: F): F {
    return { ...event, createdAt: Math.min(event.createdAt, this.scoringArrivedAt || event.createdAt) };
  }
}
