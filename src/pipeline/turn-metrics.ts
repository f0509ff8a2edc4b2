/**
 * @module pipeline/turn-metrics
 * Latency of each turn, measured from the end of the user's speech (the VAD stop) to each stage:
 * final transcript, first LLM token, first synthesised audio, first audio byte sent to the meeting.
 */
import type { TurnMetricsSnapshot } from "../core/bot-contracts.js";
import { percentile } from "../util/percentile.js";

export const TURN_STAGES = ["transcript", "llm_first_token", "tts_first_audio", "first_audio_out"] as const;
export type TurnStage = (typeof TURN_STAGES)[number];

interface Turn {
  id: number;
  speechEndAt: number;
  marks: Partial<Record<TurnStage, number>>;
}

const KEPT_TURNS = 50;

export class TurnMetrics {
  private readonly turns: Turn[] = [];
  private nextId = 1;
  private lastSpeechEnd: number | undefined;
  private readonly listeners: ((turn: Record<TurnStage, number | null>) => void)[] = [];

  /** The VAD saw the user stop talking at `at` (performance.now()). */
  speechEnded(at: number): void {
    this.lastSpeechEnd = at;
  }

  /** Opens a turn for the speech that just ended; returns its id. */
  startTurn(transcriptAt: number): number {
    const speechEndAt = this.lastSpeechEnd ?? transcriptAt;
    const turn: Turn = { id: this.nextId++, speechEndAt, marks: { transcript: Math.max(0, transcriptAt - speechEndAt) } };
    this.turns.push(turn);
    if (this.turns.length > KEPT_TURNS) this.turns.shift();
    return turn.id;
  }

  /** Records the first time a stage is reached in a turn; later marks of the same stage are ignored. */
  mark(turnId: number, stage: TurnStage, at = performance.now()): void {
    const turn = this.turns.find((t) => t.id === turnId);
    if (!turn || turn.marks[stage] !== undefined) return;
    turn.marks[stage] = Math.max(0, at - turn.speechEndAt);
    if (stage === "first_audio_out") for (const listener of this.listeners) listener(this.row(turn));
  }

  /** Milliseconds from the end of the speech a turn answers to its first audio sent, once known. */
  firstAudioOut(turnId: number): number | undefined {
    const value = this.turns.find((t) => t.id === turnId)?.marks.first_audio_out;
    return value === undefined ? undefined : Math.round(value);
  }

  /** Called with each turn once its first audio has left. */
  onTurnComplete(listener: (turn: Record<TurnStage, number | null>) => void): void {
    this.listeners.push(listener);
  }

  snapshot(lastTurns = KEPT_TURNS): TurnMetricsSnapshot {
    const stages: TurnMetricsSnapshot["stages"] = {};
    for (const stage of TURN_STAGES) {
      const values = this.turns.map((t) => t.marks[stage]).filter((v): v is number => v !== undefined);
      stages[stage] = { count: values.length, p50: percentile(values, 0.5), p95: percentile(values, 0.95), p99: percentile(values, 0.99) };
    }
    return { turns: this.turns.slice(-lastTurns).map((t) => this.row(t)), stages };
  }

  private row(turn: Turn): Record<TurnStage, number | null> {
    const round = (v: number | undefined) => (v === undefined ? null : Math.round(v * 10) / 10);
    return {
      transcript: round(turn.marks.transcript),
      llm_first_token: round(turn.marks.llm_first_token),
      tts_first_audio: round(turn.marks.tts_first_audio),
      first_audio_out: round(turn.marks.first_audio_out),
    };
  }
}
