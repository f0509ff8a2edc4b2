/**
 * @module core/vad-defaults
 * The voice activity settings the server ships with, in one place, so the tests, the benchmarks
 * and the meeting simulator measure the same turn-taking the product has.
 *
 * The stop delay is the silence after which a speaker's turn counts as ended. 300 ms is the usual
 * choice for meetings: people pause mid-sentence for 150–250 ms between clauses, and a shorter
 * delay (100 ms) ends such turns early, so the bot answers half a sentence and then has to be
 * interrupted. Each extra 100 ms is added to every reply's latency; the turn policy's endpointing
 * then waits longer still only after turns that end mid-sentence.
 */
export const VAD_STOP_MS = 300;

export const DEFAULT_VAD = {
  /** Speech probability above which a window counts as speech. */
  threshold: 0.5,
  /** Speech must last this long before it counts as someone talking (and barges in). */
  minSpeechMs: 250,
  minSilenceMs: VAD_STOP_MS,
  /** Quieter audio never counts as speech (0..1). */
  minVolume: 0.6,
} as const;
