/**
 * @module services/tts/text-to-speech
 * What the pipeline needs from a speech synthesiser: PCM for one sentence at a time, streamed as it
 * is made, stoppable mid-sentence. The pipeline splits text into sentences and strips markup before
 * calling it, so a provider sees plain speakable text only.
 */

export interface SynthesisOptions {
  /** Output rate in Hz; a provider that cannot produce it natively resamples. */
  sampleRate: number;
  /** Provider-specific voice id; undefined means the provider's configured default. */
  voiceId: string | undefined;
  /** The persona's gender, for engines that pick a voice from it when no voice id fits. */
  gender: string | undefined;
  language: string;
  signal: AbortSignal;
  /** Speaking speed multiplier (0.6–1.5); undefined or 1 is the engine's normal pace. */
  speed?: number;
}

export interface TextToSpeech {
  readonly name: string;
  /**
   * Streams PCM s16le mono for `text` at `options.sampleRate`. Stops (returns) promptly when the
   * signal aborts. `context` names the reply the sentence belongs to (`turn-<id>`); a provider may
   * use it to label its requests, but each sentence is synthesised on its own: nothing carries
   * prosody from one sentence to the next.
   */
  synthesize(text: string, options: SynthesisOptions & { context: string }): AsyncIterable<Int16Array>;
  /**
   * The reply `context` has no more sentences: a provider that holds one synthesis context per reply
   * closes it. Idempotent; engines without contexts leave it out.
   */
  endReply?(context: string): void;
}
