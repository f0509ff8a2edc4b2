/**
 * @module meeting/recall/recall-stream
 * Recall.ai's real-time WebSocket endpoint, as it dials our stream URL: JSON text messages
 * `{event, data: {data: …, bot: {id}, …}}`. `audio_mixed_raw.data` carries the meeting's mixed
 * audio (base64 S16LE mono, 16 kHz) and `participant_events.*` who joined, left, or is speaking.
 * The endpoint only listens: the bot's voice reaches the meeting through the Output Media page.
 */
import { z } from "zod";
import { decodeBase64Pcm } from "../provider-stream/base64-audio.js";
import type { ParticipantChange, StreamAdapter, StreamInput } from "../provider-stream/stream-adapter.js";
import { CLOSE_CODES, violation } from "../stream-violation.js";

export const RECALL_SAMPLE_RATE = 16000;

/** The events our endpoint subscribes to. */
export const RECALL_ENDPOINT_EVENTS = [
  "audio_mixed_raw.data",
  "participant_events.join",
  "participant_events.leave",
  "participant_events.update",
  "participant_events.speech_on",
  "participant_events.speech_off",
] as const;

const PARTICIPANT_KINDS: Record<string, ParticipantChange["kind"]> = {
  "participant_events.join": "join",
  "participant_events.leave": "leave",
  "participant_events.update": "update",
  "participant_events.speech_on": "speech_on",
  "participant_events.speech_off": "speech_off",
};

const envelopeSchema = z.object({ event: z.string().max(100), data: z.object({ data: z.unknown() }).loose() }).loose();
const audioSchema = z.object({ buffer: z.string() }).loose();
const participantSchema = z
  .object({
    participant: z.object({ id: z.union([z.number(), z.string().max(200)]), name: z.string().max(200).nullish() }).loose(),
    timestamp: z.object({ absolute: z.string().max(100).nullish() }).loose().nullish(),
  })
  .loose();

function invalid(reason: string): StreamInput {
  return { kind: "invalid", violation: violation(CLOSE_CODES.invalidPayload, reason) };
}

function eventTime(absolute: string | null | undefined): number {
  const parsed = absolute ? Date.parse(absolute) : Number.NaN;
  return Number.isFinite(parsed) ? parsed : Date.now();
}

export const recallStreamAdapter: StreamAdapter = {
  format: "Recall.ai real-time endpoint JSON",
  decode(data, isBinary, sampleRate): StreamInput {
    if (isBinary) return { kind: "invalid", violation: violation(CLOSE_CODES.unsupportedData, "Recall.ai's real-time endpoint sends JSON text; a binary frame is not part of it") };
    let value: unknown;
    try {
      value = JSON.parse(data.toString("utf8"));
    } catch {
      return invalid("text frame is not JSON");
    }
    const envelope = envelopeSchema.safeParse(value);
    if (!envelope.success) return invalid("message needs event and data.data");
    const { event } = envelope.data;
    const inner = envelope.data.data.data;
    if (event === "audio_mixed_raw.data") {
      const audio = audioSchema.safeParse(inner);
      if (!audio.success) return invalid("audio_mixed_raw.data: data.data.buffer missing");
      const pcm = decodeBase64Pcm(audio.data.buffer, sampleRate);
      return pcm.ok ? { kind: "audio", pcm: pcm.pcm } : { kind: "invalid", violation: pcm.violation };
    }
    const kind = PARTICIPANT_KINDS[event];
    if (!kind) return { kind: "ignored", reason: `event ${event.slice(0, 60)}` };
    const parsed = participantSchema.safeParse(inner);
    if (!parsed.success) return invalid(`${event}: data.data.participant needs an id`);
    const { participant, timestamp } = parsed.data;
    return {
      kind: "participant",
      change: { participantId: String(participant.id), name: participant.name ?? "Participant", kind, at: eventTime(timestamp?.absolute) },
    };
  },
};
