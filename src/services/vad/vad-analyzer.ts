/**
 * @module services/vad/vad-analyzer
 * Per-bot voice activity: cuts 16 kHz PCM into model windows, scores each one, and runs the
 * quiet → starting → speaking → stopping state machine. Speech must be loud enough and last
 * `minSpeechMs` to start a turn; silence must last `minSilenceMs` (the stop delay) to end it.
 */
import { FrameChunker } from "../../audio/frame-chunker.js";
import { dbfs, int16ToFloat32 } from "../../audio/pcm.js";
import { SerialQueue } from "../../util/serial-queue.js";
import type { VadEvent, VadParams, VoiceActivityModel, VoiceActivityStream } from "./voice-activity.js";

export interface VadTransition {
  event: VadEvent;
  /** `performance.now()` when the deciding window was scored. */
  at: number;
  /** Milliseconds of audio received before the end of the deciding window. */
  streamMs: number;
}

type State = "quiet" | "starting" | "speaking" | "stopping";

/**
 * Audio waiting to be scored, at most (about 1 MB of windows). Scoring runs behind arrival only when
 * audio is pushed in bulk (tests, a flood) or the machine is overloaded; past this the newest
 * windows are dropped, so a backlog can never grow memory without bound.
 */
export const MAX_BACKLOG_MS = 30_000;
/** Quiet long enough that the model's memory of earlier speech is dropped. */
const FRESH_AFTER_QUIET_MS = 1000;

/** Loudness on a 0..1 scale: -70 dBFS and below is 0, -20 dBFS and above is 1. */
export function volumeOf(window: Int16Array): number {
  return Math.min(1, Math.max(0, (dbfs(window) + 70) / 50));
}

export class VadAnalyzer {
  private readonly stream: VoiceActivityStream;
  private readonly chunker: FrameChunker;
  private readonly windowMs: number;
  private readonly maxPending: number;
  private state: State = "quiet";
  private runMs = 0;
  private smoothedVolume = 0;
  private receivedMs = 0;
  /** Windows are scored one at a time, in order. */
  private readonly scoring = new SerialQueue();
  private pending = 0;
  private closed = false;
  lastProbability = 0;
  /** Windows too quiet to be speech, decided without the model. */
  quietWindows = 0;
  private quietRun = 0;
  private readonly freshAfterWindows: number;
  /** Windows dropped because scoring fell too far behind. */
  droppedWindows = 0;
  /** Windows the model failed to score, and the last reason. */
  scoringErrors = 0;
  lastScoringError: string | undefined;

  /**
   * @param onError told when a window could not be scored; that window counts as silence and the
   * analyzer goes on with the next one, so one failed batch never leaves the bot deaf for good.
   */
  constructor(
    model: VoiceActivityModel,
    private readonly params: VadParams,
    private readonly onTransition: (transition: VadTransition) => void,
    private readonly onError: (error: unknown) => void = () => undefined,
  ) {
    this.stream = model.createStream();
    this.chunker = new FrameChunker(model.windowSamples);
    this.windowMs = (model.windowSamples / model.sampleRate) * 1000;
    this.maxPending = Math.ceil(MAX_BACKLOG_MS / this.windowMs);
    this.freshAfterWindows = Math.ceil(FRESH_AFTER_QUIET_MS / this.windowMs);
  }

  get speaking(): boolean {
    return this.state === "speaking" || this.state === "stopping";
  }

  /**
   * Feeds 16 kHz PCM. Transitions are reported through the callback as windows are decided. Returns
   * nothing when this audio was decided on the spot (windows too quiet to be speech, with none
   * waiting before them), else a promise that resolves once it has been scored, after any
   * transition it caused was reported. Callers that route audio on the VAD's decisions wait for it,
   * so each decision falls at its exact place in the audio however late the scoring runs.
   */
  push(pcm: Int16Array): Promise<void> | undefined {
    if (!this.closed) {
      for (const window of this.chunker.push(pcm)) {
        // While windows wait for the model, later ones must wait behind them to keep the order.
        if (this.pending === 0 && this.decideQuiet(this.nextVolume(window))) continue;
        if (this.pending >= this.maxPending) {
          this.droppedWindows += 1;
          continue;
        }
        this.pending += 1;
        void this.scoring.run(() => this.scoreWindow(window));
      }
    }
    return this.pending > 0 ? this.scoring.idle() : undefined;
  }

  /** Windows received but not yet scored. */
  get backlog(): number {
    return this.pending;
  }

  /** Resolves once every window pushed so far has been scored. */
  settled(): Promise<void> {
    return this.scoring.idle();
  }

  reset(): void {
    this.stream.reset();
    this.quietRun = 0;
    this.chunker.reset();
    this.state = "quiet";
    this.runMs = 0;
  }

  /** One window the model could not score counts as silence; the next one is scored afresh. */
  private scoringFailed(error: unknown): void {
    this.scoringErrors += 1;
    this.lastScoringError = error instanceof Error ? error.message : String(error);
    this.step(false);
    this.onError(error);
  }

  /** No further windows are scored and no further transition is reported (the bot is leaving). */
  close(): void {
    this.closed = true;
  }

  /** Never rejects: a failure is handled before the next window is scored. */
  private async scoreWindow(window: Int16Array): Promise<void> {
    try {
      await this.analyse(window);
    } catch (error) {
      this.scoringFailed(error);
    } finally {
      this.pending -= 1;
    }
  }

  private async analyse(window: Int16Array): Promise<void> {
    if (this.closed) return;
    const smoothedVolume = this.nextVolume(window);
    if (this.decideQuiet(smoothedVolume)) return;
    this.receivedMs += this.windowMs;
    this.quietRun = 0;
    const probability = await this.stream.score(int16ToFloat32(window));
    if (this.closed) return;
    this.lastProbability = probability;
    this.smoothedVolume = smoothedVolume;
    this.step(probability >= this.params.threshold);
  }

  private nextVolume(window: Int16Array): number {
    return 0.8 * volumeOf(window) + 0.2 * this.smoothedVolume;
  }

  /**
   * Decides a window without the model when it is too quiet to count as speech whatever the model
   * says, while nobody speaks: most windows of a meeting are silence, and scoring is most of a bot's
   * CPU. Short gaps keep the model's memory (echo removal can leave holes in a person's speech);
   * after a second of quiet it starts afresh, as at the start of a stream. `smoothedVolume` is the
   * window's, from `nextVolume`. False when the model must score the window.
   */
  private decideQuiet(smoothedVolume: number): boolean {
    if (smoothedVolume >= this.params.minVolume || this.state !== "quiet") return false;
    this.receivedMs += this.windowMs;
    this.smoothedVolume = smoothedVolume;
    this.quietWindows += 1;
    this.quietRun += 1;
    this.lastProbability = 0;
    if (this.quietRun === this.freshAfterWindows) this.stream.reset();
    this.step(false);
    return true;
  }

  private step(voiced: boolean): void {
    switch (this.state) {
      case "quiet":
        if (voiced) this.enter("starting");
        break;
      case "starting":
        if (!voiced) this.enter("quiet");
        break;
      case "speaking":
        if (!voiced) this.enter("stopping");
        break;
      case "stopping":
        if (voiced) this.enter("speaking");
        break;
    }
    this.runMs += this.windowMs;
    if (this.state === "starting" && this.runMs >= this.params.minSpeechMs) this.transition("speaking", "speech-start");
    else if (this.state === "stopping" && this.runMs >= this.params.minSilenceMs) this.transition("quiet", "speech-stop");
  }

  private enter(state: State): void {
    this.state = state;
    this.runMs = 0;
  }

  private transition(state: State, event: VadEvent): void {
    this.enter(state);
    this.onTransition({ event, at: performance.now(), streamMs: this.receivedMs });
  }
}
