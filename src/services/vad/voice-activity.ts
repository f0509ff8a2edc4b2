/**
 * @module services/vad/voice-activity
 * Voice activity detection in two parts: a shared model that scores a window of audio as speech
 * (one per process), and a per-bot state machine that turns scores into start/stop events.
 */

/** A model shared by every bot; per-bot recurrent state lives in the stream it creates. */
export interface VoiceActivityModel {
  readonly sampleRate: number;
  /** Samples per analysis window (512 at 16 kHz for Silero). */
  readonly windowSamples: number;
  createStream(): VoiceActivityStream;
  /** Releases the model (its session or worker threads). Idempotent; models with nothing to release leave it out. */
  close?(): Promise<void>;
}

export interface VoiceActivityStream {
  /** Speech probability in [0, 1] for one window of `windowSamples` float samples in [-1, 1]. */
  score(window: Float32Array): Promise<number>;
  reset(): void;
}

export interface VadParams {
  /** Probability above which a window counts as speech. */
  threshold: number;
  /** Speech must last this long before "started speaking" fires. */
  minSpeechMs: number;
  /** Silence must last this long before "stopped speaking" fires (the stop delay). */
  minSilenceMs: number;
  /** Windows quieter than this (0..1, relative loudness) never count as speech. */
  minVolume: number;
}

export type VadEvent = "speech-start" | "speech-stop";
