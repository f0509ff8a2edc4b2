/**
 * @module meeting/stream-codec
 * Reads and writes the messages of the meeting stream (MeetingBaas's format, also spoken by the
 * built-in room). The WebSocket opcode decides: binary frames are PCM s16le mono at the bot's stream
 * rate, text frames are JSON — an object with `protocol_version` is the handshake, an array is the
 * speaker roster. Every message is checked before use: a broken one comes back as a violation that
 * closes the connection; a well-formed JSON object of a kind we do not know is only ignored, since
 * providers add message kinds over time.
 */
import { z } from "zod";
import type { Speaker } from "../core/speaker.js";
import { checkPcmFrame, sampleRateProblem } from "./inbound-audio.js";
import { CLOSE_CODES, type StreamViolation, violation } from "./stream-violation.js";

export type InboundStreamMessage =
  | { kind: "audio"; pcm: Int16Array }
  | { kind: "speakers"; speakers: Speaker[] }
  | { kind: "handshake"; botId: string | null; sampleRate: number | null; protocolVersion: number }
  | { kind: "ignored"; reason: string }
  | { kind: "invalid"; violation: StreamViolation };

const handshakeSchema = z
  .object({
    protocol_version: z.number().int().min(0).max(1000),
    bot_id: z.string().max(200).nullish(),
    offset: z.number().optional(),
    sample_rate: z
      .number()
      .nullish()
      .refine((rate) => rate === null || rate === undefined || sampleRateProblem(rate) === undefined, { message: "sample_rate is outside 8000-48000 Hz" }),
  })
  .loose();

const speakerSchema = z
  .object({
    name: z.string().max(200),
    id: z.number().nullish(),
    timestamp: z.number().nonnegative().nullish(),
    isSpeaking: z.boolean(),
    // Our built-in rooms add it; MeetingBaas does not send it.
    isBot: z.boolean().optional(),
  })
  .loose();

const rosterSchema = z.array(speakerSchema).max(1000);

/** Timestamps come in milliseconds from some bots and seconds from others. */
export function timestampToMs(value: number | null | undefined): number {
  if (value === null || value === undefined || value === 0) return Date.now();
  return value > 1e12 ? value : value * 1000;
}

function invalid(reason: string): InboundStreamMessage {
  return { kind: "invalid", violation: violation(CLOSE_CODES.invalidPayload, reason) };
}

function firstIssue(error: z.ZodError): string {
  const issue = error.issues[0];
  if (!issue) return "bad shape";
  return issue.path.length ? `${issue.path.join(".")}: ${issue.message}` : issue.message;
}

function decodeAudio(bytes: Buffer, sampleRate: number): InboundStreamMessage {
  const checked = checkPcmFrame(bytes, { sampleRate, channels: 1 });
  return checked.ok ? { kind: "audio", pcm: checked.pcm } : { kind: "invalid", violation: checked.violation };
}

function decodeJson(text: string): InboundStreamMessage {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return invalid("text frame is not JSON");
  }
  if (Array.isArray(value)) {
    const roster = rosterSchema.safeParse(value);
    if (!roster.success) return invalid(`speaker list: ${firstIssue(roster.error)}`);
    return {
      kind: "speakers",
      speakers: roster.data.map((s) => ({ name: s.name, id: s.id ?? null, isSpeaking: s.isSpeaking, timestamp: timestampToMs(s.timestamp), ...(s.isBot === true ? { isBot: true } : {}) })),
    };
  }
  if (typeof value !== "object" || value === null) return invalid("text frame is neither a JSON object nor a speaker list");
  if (!("protocol_version" in value)) return { kind: "ignored", reason: "a JSON message of a kind this server does not use" };
  const handshake = handshakeSchema.safeParse(value);
  if (!handshake.success) return invalid(`handshake: ${firstIssue(handshake.error)}`);
  const h = handshake.data;
  return { kind: "handshake", botId: h.bot_id ?? null, sampleRate: h.sample_rate ?? null, protocolVersion: h.protocol_version };
}

/** Decodes one message of a bot whose stream carries PCM at `sampleRate`. */
export function decodeStreamMessage(data: Buffer | ArrayBuffer | Buffer[], isBinary: boolean, sampleRate: number): InboundStreamMessage {
  const bytes = Buffer.isBuffer(data) ? data : Array.isArray(data) ? Buffer.concat(data) : Buffer.from(data);
  return isBinary ? decodeAudio(bytes, sampleRate) : decodeJson(bytes.toString("utf8"));
}

/** PCM samples as the bytes of one binary frame, without copying. */
export function encodeStreamAudio(pcm: Int16Array): Buffer {
  return Buffer.from(pcm.buffer, pcm.byteOffset, pcm.byteLength);
}
