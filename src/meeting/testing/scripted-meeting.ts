/**
 * @module meeting/testing/scripted-meeting
 * The meeting's side of an emulated provider bot: meeting audio streamed without a break in real
 * time chunks (queued speech, else silence), the speaker of the queued speech announced when it
 * starts and when it ends, and the bot's voice recorded as the provider would play it. The
 * Attendee and Recall stand-ins drive their wire formats from it.
 */
import { concatPcm } from "../../audio/pcm.js";

export interface ScriptedMeetingOptions {
  sampleRate: number;
  /** Samples per chunk sent. */
  chunkSamples: number;
  /** One chunk of meeting audio, due now. */
  onChunk(chunk: Int16Array): void;
  /** Someone started (name) or stopped (null) speaking. */
  onSpeaker(name: string, speaking: boolean): void;
}

export class ScriptedMeeting {
  /** The bot's voice as the provider played it, and when each piece arrived (`performance.now()`). */
  readonly heardPieces: Int16Array[] = [];
  readonly arrivals: number[] = [];
  /** `performance.now()` when the last queued speech sample went out. */
  speechEndedAt: number | undefined;
  private queued = new Int16Array(0);
  private speaker: string | undefined;
  private timer: NodeJS.Timeout | undefined;
  private running = false;

  constructor(private readonly options: ScriptedMeetingOptions) {}

  /** Starts streaming meeting audio in real time (idempotent). */
  start(): void {
    if (this.running) return;
    this.running = true;
    const periodMs = (this.options.chunkSamples / this.options.sampleRate) * 1000;
    let next = performance.now();
    const tick = (): void => {
      if (!this.running) return;
      this.sendChunk();
      next += periodMs;
      this.timer = setTimeout(tick, Math.max(0, next - performance.now()));
    };
    tick();
  }

  stop(): void {
    this.running = false;
    if (this.timer) clearTimeout(this.timer);
  }

  /** A participant says this (PCM at the stream rate), after what is already queued. */
  say(pcm: Int16Array, speaker: string): void {
    const joined = new Int16Array(this.queued.length + pcm.length);
    joined.set(this.queued);
    joined.set(pcm, this.queued.length);
    this.queued = joined;
    if (this.speaker !== speaker) {
      if (this.speaker) this.options.onSpeaker(this.speaker, false);
      this.speaker = speaker;
      this.options.onSpeaker(speaker, true);
    }
  }

  get talking(): boolean {
    return this.queued.length > 0;
  }

  /** Records a piece of the bot's voice as played. */
  played(pcm: Int16Array): void {
    this.heardPieces.push(pcm);
    this.arrivals.push(performance.now());
  }

  /** Everything the bot said, concatenated, as it would have played. */
  heard(): Int16Array {
    return concatPcm(this.heardPieces);
  }

  /** When the first piece of the bot's voice after `since` arrived. */
  firstHeardAfter(since: number): number | undefined {
    return this.arrivals.find((at) => at > since);
  }

  private sendChunk(): void {
    const { chunkSamples } = this.options;
    const chunk = new Int16Array(chunkSamples);
    const take = Math.min(chunkSamples, this.queued.length);
    chunk.set(this.queued.subarray(0, take));
    const wasSpeaking = this.queued.length > 0;
    this.queued = this.queued.slice(take);
    this.options.onChunk(chunk);
    if (wasSpeaking && this.queued.length === 0) {
      this.speechEndedAt = performance.now();
      if (this.speaker) this.options.onSpeaker(this.speaker, false);
      this.speaker = undefined;
    }
  }
}
