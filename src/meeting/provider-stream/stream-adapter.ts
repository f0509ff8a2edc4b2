/**
 * @module meeting/provider-stream/stream-adapter
 * What a provider's stream looks like to us, one adapter per provider: `decode` turns one message
 * into meeting audio, a roster, a participant change, or a violation; `voice` builds the encoder that
 * sends the bot's voice in the provider's own format, chunking and pacing. A stream that only
 * listens (Recall's real-time endpoint) has no `voice`.
 */
import type { Speaker } from "../../core/speaker.js";
import type { StreamViolation } from "../stream-violation.js";

/** One participant event from a provider that reports changes rather than whole rosters. */
export interface ParticipantChange {
  /** The provider's id for the participant (stable for the meeting). */
  participantId: string;
  name: string;
  kind: "join" | "leave" | "update" | "speech_on" | "speech_off";
  /** Milliseconds since the epoch. */
  at: number;
}

export type StreamInput =
  | { kind: "audio"; pcm: Int16Array }
  | { kind: "speakers"; speakers: Speaker[] }
  | { kind: "participant"; change: ParticipantChange }
  | { kind: "handshake" }
  | { kind: "ignored"; reason: string }
  | { kind: "invalid"; violation: StreamViolation };

/** Sends the bot's voice to the provider; it receives the pipeline's already paced 20 ms frames. */
export interface VoiceEncoder {
  write(pcm: Int16Array): void;
  /** The connection is gone: drop what is pending and stop any timer. */
  close(): void;
}

/** A WebSocket message to send: binary bytes, or JSON text. */
export type OutboundMessage = Buffer | string;

export interface StreamAdapter {
  /** How the stream is framed, for logs and errors. */
  readonly format: string;
  decode(data: Buffer, isBinary: boolean, sampleRate: number): StreamInput;
  voice?(send: (message: OutboundMessage) => void, sampleRate: number): VoiceEncoder;
}
