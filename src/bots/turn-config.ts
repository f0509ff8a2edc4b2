/**
 * @module bots/turn-config
 * `turn_config` of `POST /bots`: per-bot turn-taking with the original API's names and meaning.
 * Precedence is request, then the VAD_* settings, then their defaults; unset fields keep the
 * server's value. The mapping lives in one function so a turn policy can take the same values.
 */
import { z } from "zod";
import type { VadParams } from "../services/vad/voice-activity.js";

export const turnConfigSchema = z
  .object({
    confidence: z.number().min(0).max(1).optional().describe("Speech probability above which audio counts as speech (VAD_THRESHOLD)"),
    start_secs: z.number().min(0.05).max(5).optional().describe("Seconds of sustained speech before a turn registers and the bot stops talking (VAD_MIN_SPEECH_MS)"),
    stop_secs: z.number().min(0.1).max(10).optional().describe("Seconds of silence before the speaker counts as done and the bot replies (VAD_MIN_SILENCE_MS)"),
    min_volume: z.number().min(0).max(1).optional().describe("Quieter audio never counts as speech, 0 to 1 (VAD_MIN_VOLUME)"),
  })
  .strict()
  .describe("Per-bot turn-taking: snappy for people (low stop_secs), patient in meetings of bots (higher start_secs and stop_secs)");

export type TurnConfig = z.infer<typeof turnConfigSchema>;

/** The bot's VAD parameters: each field of `turn` wins over the server's `defaults`. */
export function vadParamsFor(turn: TurnConfig | undefined, defaults: VadParams): VadParams {
  if (!turn) return defaults;
  return {
    threshold: turn.confidence ?? defaults.threshold,
    minSpeechMs: turn.start_secs === undefined ? defaults.minSpeechMs : Math.round(turn.start_secs * 1000),
    minSilenceMs: turn.stop_secs === undefined ? defaults.minSilenceMs : Math.round(turn.stop_secs * 1000),
    minVolume: turn.min_volume ?? defaults.minVolume,
  };
}
