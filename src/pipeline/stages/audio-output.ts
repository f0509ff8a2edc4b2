/**
 * @module pipeline/stages/audio-output
 * Where the bot's voice leaves: synthesised audio is cut into 20 ms frames and sent to the meeting
 * at real-time pace, keeping only a 60 ms lead, because the provider plays whatever it receives and
 * cannot take it back. An interruption empties the queue, so the next tick sends nothing: the bot
 * falls silent within one frame. It also reports upstream what was really heard, sentence by
 * sentence, so the conversation remembers only that.
 */
import { FrameChunker } from "../../audio/frame-chunker.js";
import { type Direction, type Frame, frame } from "../frames.js";
import { FrameProcessor } from "../processor.js";
import type { TurnMetrics } from "../turn-metrics.js";

const FRAME_MS = 20;
/** Frames sent ahead of real time: enough to ride out event-loop hiccups, small enough to stop promptly. */
const LEAD_FRAMES = 3;

interface Sentence {
  turnId: number;
  text: string;
  samples: number;
  played: number;
}

/** Counters over every bot of the process: frames sent, and frames sent so late that a player
 * with our lead would have run dry (more than the lead minus one frame behind schedule). */
export const outputTiming = { framesSent: 0, lateFrames: 0 };
const LATE_AFTER_MS = (LEAD_FRAMES - 1) * FRAME_MS;

interface QueuedFrame {
  pcm: Int16Array;
  sentence: Sentence;
}

export class AudioOutputStage extends FrameProcessor {
  private readonly chunker: FrameChunker;
  private readonly frames: QueuedFrame[] = [];
  private readonly endedTurns = new Set<number>();
  private current: Sentence | undefined;
  private spoken: string[] = [];
  private speakingTurn: number | undefined;
  private timer: NodeJS.Timeout | undefined;
  private nextAt = 0;
  /** `performance.now()` of the last frame sent, for barge-in measurements. */
  lastFrameSentAt: number | undefined;

  constructor(
    outputRate: number,
    private readonly sendAudio: (pcm: Int16Array) => void,
    private readonly metrics: TurnMetrics,
    /** Keeps what was sent, for the echo handling to recognise the bot's voice coming back. */
    private readonly sent?: { record(pcm: Int16Array): void },
  ) {
    super("audio-output");
    this.chunker = new FrameChunker((outputRate * FRAME_MS) / 1000);
  }

  get speaking(): boolean {
    return this.speakingTurn !== undefined;
  }

  protected override async processFrame(f: Frame, direction: Direction): Promise<void> {
    switch (f.type) {
      case "tts-audio":
        this.enqueue(f.audio, f.turnId, f.text);
        return;
      case "tts-stopped":
        this.endedTurns.add(f.turnId);
        if (this.current) for (const pcm of this.chunker.flush()) this.frames.push({ pcm, sentence: this.current });
        this.schedule();
        return;
      case "interruption":
        await this.interrupt();
        break;
      case "end":
      case "cancel":
        this.stopTimer();
        this.frames.length = 0;
        break;
    }
    await this.push(f, direction);
  }

  private enqueue(audio: Int16Array, turnId: number, text: string | null): void {
    if (text !== null || !this.current || this.current.turnId !== turnId) {
      if (this.current) for (const pcm of this.chunker.flush()) this.frames.push({ pcm, sentence: this.current });
      this.current = { turnId, text: text ?? "", samples: 0, played: 0 };
    }
    const sentence = this.current;
    sentence.samples += audio.length;
    for (const pcm of this.chunker.push(audio)) this.frames.push({ pcm, sentence });
    this.schedule();
  }

  private schedule(): void {
    if (this.timer || !this.frames.length) return;
    this.nextAt = performance.now();
    for (let i = 0; i < LEAD_FRAMES - 1 && this.frames.length > 1; i++) this.sendNext();
    this.tick();
  }

  private tick(): void {
    this.timer = undefined;
    if (!this.frames.length) {
      this.finishIfDone();
      return;
    }
    if (performance.now() - this.nextAt > LATE_AFTER_MS) outputTiming.lateFrames += 1;
    this.sendNext();
    this.nextAt += FRAME_MS;
    this.timer = setTimeout(() => this.detached(() => this.tick()), Math.max(0, this.nextAt - performance.now()));
  }

  private sendNext(): void {
    const next = this.frames.shift();
    if (!next) return;
    const { sentence } = next;
    if (this.speakingTurn !== sentence.turnId) {
      this.speakingTurn = sentence.turnId;
      this.spoken = [];
      this.metrics.mark(sentence.turnId, "first_audio_out");
      void this.push(frame("bot-started-speaking"), "upstream");
    }
    this.sendAudio(next.pcm);
    this.sent?.record(next.pcm);
    outputTiming.framesSent += 1;
    this.lastFrameSentAt = performance.now();
    sentence.played += next.pcm.length;
    if (sentence.played >= sentence.samples && sentence.text) this.spoken.push(sentence.text);
  }

  /** The queue ran dry: if the reply is complete, the bot has finished speaking. */
  private finishIfDone(): void {
    const turnId = this.speakingTurn;
    if (turnId === undefined || !this.endedTurns.has(turnId)) return;
    this.endedTurns.delete(turnId);
    this.speakingTurn = undefined;
    void this.push(frame("bot-spoken-text", { text: this.spoken.join(" "), turnId, complete: true }), "upstream");
    void this.push(frame("bot-stopped-speaking"), "upstream");
  }

  private async interrupt(): Promise<void> {
    this.stopTimer();
    const partial = this.frames[0]?.sentence ?? this.current;
    this.frames.length = 0;
    this.chunker.reset();
    this.current = undefined;
    const turnId = this.speakingTurn;
    if (turnId === undefined) return;
    this.speakingTurn = undefined;
    if (partial && partial.played > 0 && partial.played < partial.samples) this.spoken.push(heardPart(partial));
    await this.push(frame("bot-spoken-text", { text: this.spoken.join(" "), turnId, complete: false }), "upstream");
    await this.push(frame("bot-stopped-speaking"), "upstream");
  }

  private stopTimer(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
  }
}

/** The words of a sentence heard before it was cut off, in proportion to the audio played. */
function heardPart(sentence: Sentence): string {
  const words = sentence.text.split(/\s+/);
  const count = Math.floor((sentence.played / sentence.samples) * words.length);
  return count > 0 ? `${words.slice(0, count).join(" ")}…` : "";
}
