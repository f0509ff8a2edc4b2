/**
 * @module pipeline/stages/user-turn
 * Decides when the user's turn is over and the bot should answer: the VAD says they stopped and the
 * recogniser has delivered the final text. A final that arrives a little after the stop still counts;
 * text that arrives while they are still talking waits for the rest.
 */
import type { Conversation } from "../conversation.js";
import { type Direction, type Frame, frame } from "../frames.js";
import { FrameProcessor } from "../processor.js";
import type { TurnMetrics } from "../turn-metrics.js";

export class UserTurnStage extends FrameProcessor {
  private userSpeaking = false;
  private readonly pending: { text: string; speaker: string | null }[] = [];

  constructor(
    private readonly conversation: Conversation,
    private readonly metrics: TurnMetrics,
  ) {
    super("user-turn");
  }

  protected override async processFrame(f: Frame, direction: Direction): Promise<void> {
    if (f.type === "user-started-speaking") this.userSpeaking = true;
    if (f.type === "user-stopped-speaking") {
      this.userSpeaking = false;
      if (this.pending.length) await this.answer();
    }
    if (f.type === "transcription") {
      this.pending.push({ text: f.text, speaker: f.speaker });
      if (!this.userSpeaking) await this.answer();
    }
    await this.push(f, direction);
  }

  private async answer(): Promise<void> {
    const speaker = this.pending.at(-1)?.speaker ?? null;
    const text = this.pending.map((p) => p.text).join(" ");
    this.pending.length = 0;
    this.conversation.addUser(speaker, text);
    const turnId = this.metrics.startTurn(performance.now());
    await this.push(frame("llm-run", { turnId }));
  }
}
