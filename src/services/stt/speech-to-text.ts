/**
 * @module services/stt/speech-to-text
 * What the pipeline needs from a speech recogniser: a streaming session that takes PCM and reports
 * interim and final transcripts. One file per provider implements it (Deepgram, Gladia, local).
 */
import type { ProviderError } from "../../core/errors.js";

export interface Transcript {
  text: string;
  final: boolean;
  language: string | null;
  /** The recogniser's label for the voice that said most of it, when it diarizes. */
  speakerLabel?: string | null;
}

export interface SttSessionOptions {
  /** Rate of the PCM that will be written, in Hz. */
  sampleRate: number;
  /** BCP-47 language code from the persona, e.g. "en-US". */
  language: string;
  /**
   * Words the recogniser should expect: the names the bot answers to. A name outside a
   * recogniser's vocabulary is never transcribed, so the bot would never hear itself called.
   */
  keyterms?: readonly string[];
}

export interface SttSessionHandlers {
  onTranscript(transcript: Transcript): void;
  /**
   * The session failed and is finished. The caller closes it and opens a new one after a growing
   * pause, whatever `retryable` says: a recogniser that keeps failing shows in the error count.
   */
  onError(error: ProviderError): void;
}

export interface SttSession {
  /** Sends PCM s16le mono at the session's sample rate. Never blocks. */
  write(audio: Int16Array): void;
  /** The user stopped talking: produce the final transcript of what is buffered now. */
  finalize(): void;
  /**
   * Ends the session. By default what was already written is still transcribed first (a cloud
   * recogniser gets a few seconds to send its last results); with `discard` (the listener is gone)
   * queued work is dropped, so it frees shared capacity at once.
   */
  close(options?: { discard?: boolean }): Promise<void>;
}

export interface SpeechToText {
  readonly name: string;
  /**
   * Rates the provider accepts, for reference: nothing negotiates them. The pipeline always sends
   * 16 kHz, which every recogniser here takes.
   */
  readonly sampleRates: readonly number[];
  open(options: SttSessionOptions, handlers: SttSessionHandlers): Promise<SttSession>;
}
