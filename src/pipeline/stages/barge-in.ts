/**
 * @module pipeline/stages/barge-in
 * Decides when speech over the bot interrupts it. In a meeting people say "mm-hm" and "yeah" while
 * others talk, and a cough is not a request for the floor, so an interruption needs speech that
 * lasts `min_duration_ms` (timed from when the VAD says it began) or `min_words` words that are not
 * backchannels; a backchannel alone never interrupts. When an interruption turns out to have had no
 * words in it at all (noise, a cough), the reply resumes after `false_interruption_timeout_ms`.
 * What the bot actually said is what the conversation keeps: the output stage reports it.
 * Words attributed to a sibling bot never interrupt: the shared floor keeps siblings from talking
 * at once, so such words are the tail of a sibling's turn arriving late.
 */
import { type Direction, type Frame, frame } from "../frames.js";
import { FrameProcessor } from "../processor.js";
import { countDecision } from "../turn/decision-counters.js";
import type { TurnContext } from "../turn/turn-context.js";
import { contentWordCount, isBackchannel } from "../turn/utterance-text.js";

export class BargeInStage extends FrameProcessor {
  /** `performance.now()` of the last interruption sent, for barge-in measurements. */
  lastInterruptionAt: number | undefined;
  private durationTimer: NodeJS.Timeout | undefined;
  private falseTimer: NodeJS.Timeout | undefined;
  private heard = "";
  private interrupted = false;
  private wordsSinceInterruption = false;
  private interruptedTurn: number | undefined;
  private userSpeaking = false;

  constructor(
    private readonly context: TurnContext,
    /** The VAD reports a start this long after the speech began. */
    private readonly vadStartDelayMs: number,
    /**
     * Whether the latest audio is speech. The VAD keeps saying "speaking" through its stop delay,
     * so this tells a "yeah" that has already ended from speech that goes on.
     */
    private readonly voicedNow: () => boolean = () => true,
  ) {
    super("barge-in");
  }

  protected override async processFrame(f: Frame, direction: Direction): Promise<void> {
    const rules = this.context.policy.interruption;
    switch (f.type) {
      case "user-started-speaking":
        this.userSpeaking = true;
        this.heard = "";
        this.clearFalseTimer();
        if (this.context.botSpeaking && rules.enabled) {
          const wait = Math.max(0, rules.minDurationMs - this.vadStartDelayMs);
          this.durationTimer = setTimeout(() => void this.onLongEnough(), wait);
        }
        break;
      case "interim-transcription":
      case "transcription":
        if (f.speaker !== null && (this.context.group?.siblingNamed(f.speaker) ?? null) !== null) break;
        this.heard = f.type === "transcription" ? `${this.heard} ${f.text}`.trim() : f.text;
        if (contentWordCount(f.text) > 0 && this.interrupted) this.wordsSinceInterruption = true;
        if (this.context.botSpeaking && rules.enabled && rules.minWords > 0 && contentWordCount(this.heard) >= rules.minWords) await this.interrupt("words");
        break;
      case "user-stopped-speaking":
        this.userSpeaking = false;
        this.clearDurationTimer();
        if (this.context.botSpeaking && !this.interrupted && this.heard) countDecision("ignored", isBackchannel(this.heard) ? "backchannel" : "too_short");
        if (this.interrupted && rules.resumeFalseInterruption) {
          this.falseTimer = setTimeout(() => void this.maybeResume(), rules.falseInterruptionTimeoutMs);
        }
        break;
      case "bot-spoken-text":
        if (!f.complete) this.interruptedTurn = f.turnId;
        break;
      case "bot-started-speaking":
        this.interrupted = false;
        this.wordsSinceInterruption = false;
        break;
      case "end":
      case "cancel":
        this.clearDurationTimer();
        this.clearFalseTimer();
        break;
    }
    await this.push(f, direction);
  }

  private async onLongEnough(): Promise<void> {
    this.durationTimer = undefined;
    if (!this.context.botSpeaking || !this.userSpeaking) return;
    if (!this.voicedNow()) {
      countDecision("ignored", "too_short");
      return;
    }
    if (this.heard && isBackchannel(this.heard)) {
      countDecision("ignored", "backchannel");
      return;
    }
    await this.interrupt("duration");
  }

  private async interrupt(reason: "duration" | "words"): Promise<void> {
    if (!this.context.botSpeaking) return;
    this.clearDurationTimer();
    this.interrupted = true;
    this.wordsSinceInterruption = contentWordCount(this.heard) > 0;
    this.lastInterruptionAt = performance.now();
    countDecision("interrupt", reason);
    this.logger.info({ reason, heard: this.heard.length }, "interrupted by speech over the bot");
    await this.push(frame("interruption"));
  }

  private async maybeResume(): Promise<void> {
    this.falseTimer = undefined;
    const turnId = this.interruptedTurn;
    this.interrupted = false;
    if (this.wordsSinceInterruption || turnId === undefined || this.userSpeaking) return;
    countDecision("resumed", "false_interruption");
    this.logger.info({ turnId }, "the interruption had no words in it; resuming the reply");
    await this.push(frame("reply-resume", { turnId }));
  }

  private clearDurationTimer(): void {
    if (this.durationTimer) clearTimeout(this.durationTimer);
    this.durationTimer = undefined;
  }

  private clearFalseTimer(): void {
    if (this.falseTimer) clearTimeout(this.falseTimer);
    this.falseTimer = undefined;
  }
}
