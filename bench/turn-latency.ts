/**
 * @module bench/turn-latency
 * Turn latency with an answer shaped like a real model's: three sentences streamed a word every
 * 25 ms (40 words a second) after the first token at 200 ms, its first sentence opening with a long
 * clause. The same server path and fixed-delay wire fakes as the overhead section; the figure is
 * VAD stop → first audio byte sent, and the time a person waits from the end of their speech,
 * which adds the shipped stop delay. This is where speaking the first clause early and one TTS
 * context per reply show, which the overhead section's two-word answer cannot.
 */
import { VAD_STOP_MS } from "../src/core/vad-defaults.js";
import type { LlmScript } from "./fakes.js";
import type { Stats } from "./harness.js";
import { measureOverhead } from "./overhead.js";

export const REALISTIC_REPLY: LlmScript = {
  reply: "Well, the forecast for Paris today looks mostly sunny and warm, with a light breeze in the afternoon. Take sunglasses if you go out. It should stay dry until the weekend.",
  tokenDelayMs: 25,
  // A fast voice: its length does not change the latency, and shorter replies keep the run short.
  ttsMsPerCharacter: 15,
};

export interface TurnLatency {
  bots: number;
  turns: number;
  vadStopMs: number;
  firstAudioOutMs: Stats;
  /** From the end of speech: the stop delay plus the above. */
  endOfSpeechToAudioMs: { p50: number | null; p95: number | null };
  stages: Record<string, Stats>;
}

export async function measureTurnLatency(bots: number, turnsPerBot: number): Promise<TurnLatency> {
  const result = await measureOverhead(bots, turnsPerBot, REALISTIC_REPLY);
  const plus = (v: number | null) => (v === null ? null : Math.round((v + VAD_STOP_MS) * 10) / 10);
  return {
    bots,
    turns: result.firstAudioOutMs.count,
    vadStopMs: VAD_STOP_MS,
    firstAudioOutMs: result.firstAudioOutMs,
    endOfSpeechToAudioMs: { p50: plus(result.firstAudioOutMs.p50), p95: plus(result.firstAudioOutMs.p95) },
    stages: result.stages,
  };
}
