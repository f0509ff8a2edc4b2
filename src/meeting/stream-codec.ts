/**
 * @module meeting/stream-codec
 * Reads and writes the messages of the meeting stream (MeetingBaas's format, also spoken by the
 * built-in room). The WebSocket opcode decides: binary frames are PCM s16le mono, text frames are
 * JSON — an object with `protocol_version` is the handshake, an array is the speaker roster.
 */
import { z } from "zod";
import type { Speaker } from "../pipeline/frames.js";

export type InboundStreamMessage =
  | { kind: "audio"; pcm: Int16Array }
  | { kind: "speakers"; speakers: Speaker[] }
  | { kind: "handshake"; botId: string | null; sampleRate: number | null; protocolVersion: number }
  | { kind: "invalid"; reason: string };

/** One second of 48 kHz PCM: anything larger is not a real audio frame. */
export const MAX_AUDIO_FRAME_BYTES = 96_000;

const handshakeSchema = z
  .object({
    protocol_version: z.number().int(),
    bot_id: z.string().nullish(),
    offset: z.number().optional(),
    sample_rate: z.number().int().positive().nullish(),
  })
  .loose();

const speakerSchema = z
  .object({
    name: z.string().max(200),
    id: z.number().nullish(),
    timestamp: z.number().nonnegative().nullish(),
    isSpeaking: z.boolean(),
  })
  .loose();

const rosterSchema = z.array(speakerSchema).max(1000);

/** Timestamps come in milliseconds from some bots and seconds from others. */
export function timestampToMs(value: number | null | undefined): number {
  if (value === null || value === undefined || value === 0) return Date.now();
  return value > 1e12 ? value : value * 1000;
}

function decodeAudio(bytes: Buffer): InboundStreamMessage {
  if (bytes.length === 0) return { kind: "invalid", reason: "empty binary frame" };
  if (bytes.length % 2 !== 0) return { kind: "invalid", reason: `binary frame of ${bytes.length} bytes is not 16-bit PCM (odd length)` };
  if (bytes.length > MAX_AUDIO_FRAME_BYTES) return { kind: "invalid", reason: `binary frame of ${bytes.length} bytes exceeds ${MAX_AUDIO_FRAME_BYTES}` };
  // Int16Array needs 2-byte alignment; ws hands out slices of a larger buffer that may be odd.
  const aligned = bytes.byteOffset % 2 === 0 ? bytes : Buffer.from(bytes);
  return { kind: "audio", pcm: new Int16Array(aligned.buffer, aligned.byteOffset, aligned.length / 2) };
}

function decodeJson(text: string): InboundStreamMessage {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return { kind: "invalid", reason: "text frame is not JSON" };
  }
  if (Array.isArray(value)) {
    const roster = rosterSchema.safeParse(value);
    if (!roster.success) return { kind: "invalid", reason: `speaker list: ${roster.error.issues[0]?.message ?? "bad shape"}` };
    return {
      kind: "speakers",
      speakers: roster.data.map((s) => ({ name: s.name, id: s.id ?? null, isSpeaking: s.isSpeaking, timestamp: timestampToMs(s.timestamp) })),
    };
  }
  const handshake = handshakeSchema.safeParse(value);
  if (handshake.success) {
    const h = handshake.data;
    return { kind: "handshake", botId: h.bot_id ?? null, sampleRate: h.sample_rate ?? null, protocolVersion: h.protocol_version };
  }
  return { kind: "invalid", reason: "text frame is neither a handshake nor a speaker list" };
}

export function decodeStreamMessage(data: Buffer | ArrayBuffer | Buffer[], isBinary: boolean): InboundStreamMessage {
  const bytes = Buffer.isBuffer(data) ? data : Array.isArray(data) ? Buffer.concat(data) : Buffer.from(data);
  return isBinary ? decodeAudio(bytes) : decodeJson(bytes.toString("utf8"));
}

/** PCM samples as the bytes of one binary frame, without copying. */
export function encodeStreamAudio(pcm: Int16Array): Buffer {
  return Buffer.from(pcm.buffer, pcm.byteOffset, pcm.byteLength);
}
