/**
 * @module pipeline/stages/user-turn
 * Decides when the user's turn is over and the bot should answer: the VAD says they stopped, and
 * the recogniser has delivered the final text of what they said. After a stop the stage waits for
 * that final (recognisers flush on request) for at most `finalGraceMs`, then answers with whatever
 * text it has; text that arrives while they are still talking waits for the rest.
 */
import type { Conversation } from "../conversation.js";
import { type Direction, type Frame, frame } from "../frames.js";
import { FrameProcessor } from "../processor.js";
import type { TurnMetrics } from "../turn-metrics.js";

export const FINAL_GRACE_MS = 1500;

export class UserTurnStage extends FrameProcessor {
  private userSpeaking = false;
  private awaitingFinal: NodeJS.Timeout | undefined;
  private readonly pending: { text: string; speaker: string | null }[] = [];

  constructor(
    private readonly conversation: Conversation,
    private readonly metrics: TurnMetrics,
    private readonly finalGraceMs = FINAL_GRACE_MS,
  ) {
    super("user-turn");
  }

  protected override async processFrame(f: Frame, direction: Direction): Promise<void> {
    switch (f.type) {
      case "user-started-speaking":
        this.userSpeaking = true;
        this.stopWaiting();
        break;
      case "user-stopped-speaking":
        this.userSpeaking = false;
        this.stopWaiting();
        this.awaitingFinal = setTimeout(() => this.detached(() => this.answer()), this.finalGraceMs);
        break;
      case "transcription":
        this.pending.push({ text: f.text, speaker: f.speaker });
        if (!this.userSpeaking) await this.answer();
        break;
      case "end":
      case "cancel":
        this.stopWaiting();
        break;
    }
    await this.push(f, direction);
  }

  private stopWaiting(): void {
    if (this.awaitingFinal) clearTimeout(this.awaitingFinal);
    this.awaitingFinal = undefined;
  }

  private async answer(): Promise<void> {
    this.stopWaiting();
    if (!this.pending.length) return;
    const speaker = this.pending.at(-1)?.speaker ?? null;
    const text = this.pending.map((p) => p.text).join(" ");
    this.pending.length = 0;
    this.conversation.addUser(speaker, text);
    const turnId = this.metrics.startTurn(performance.now());
    await this.push(frame("llm-run", { turnId }));
  }
}
