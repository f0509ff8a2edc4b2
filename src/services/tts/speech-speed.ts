/**
 * @module services/tts/speech-speed
 * The speaking speed multiplier (`speech_speed` of `POST /bots`, TTS_SPEED by default): 1 is each
 * engine's normal pace, 0.6 to 1.5 the range every engine honours, as in the original API. Each
 * engine gets it in its own terms.
 */
import { z } from "zod";

export const MIN_SPEECH_SPEED = 0.6;
export const MAX_SPEECH_SPEED = 1.5;

export const speechSpeedSchema = z
  .number()
  .min(MIN_SPEECH_SPEED)
  .max(MAX_SPEECH_SPEED)
  .describe("Speaking speed multiplier, 0.6 to 1.5 (1 is normal): Cartesia's speed control, or the flite / espeak-ng rate of the local engines. Defaults to TTS_SPEED");

/**
 * Cartesia's controls for a speed: `generation_config.speed` (0.6–1.5) for sonic-3 and later; the
 * older models take `voice.__experimental_controls.speed` on a −1…1 scale, normal at 0.
 */
export function cartesiaSpeed(model: string, speed: number): { generation_config?: { speed: number }; experimentalSpeed?: number } {
  const legacy = /^sonic(?!-(?:[3-9]|latest))/i.test(model);
  if (legacy) {
    const scaled = speed >= 1 ? (speed - 1) / (MAX_SPEECH_SPEED - 1) : (speed - 1) / (1 - MIN_SPEECH_SPEED);
    return { experimentalSpeed: Math.round(Math.max(-1, Math.min(1, scaled)) * 100) / 100 };
  }
  return { generation_config: { speed } };
}

/** flite stretches durations: 0.5 speaks twice as fast. */
export function fliteDurationStretch(speed: number): number {
  return Math.round((1 / speed) * 1000) / 1000;
}

/** espeak-ng speaks 175 words a minute by default. */
export function espeakWordsPerMinute(speed: number): number {
  return Math.round(175 * speed);
}
