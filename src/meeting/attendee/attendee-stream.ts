/**
 * @module meeting/attendee/attendee-stream
 * Attendee's real-time audio WebSocket: every message is JSON text. It sends
 * `{bot_id, trigger: "realtime_audio.mixed", data: {chunk: <base64 s16le mono>, sample_rate, timestamp_ms}}`
 * and plays what we send as `realtime_audio.bot_output` (see attendee-voice). Binary frames are
 * never part of it; other triggers (per-participant audio) are ignored.
 */
import { z } from "zod";
import { decodeBase64Pcm } from "../provider-stream/base64-audio.js";
import type { StreamAdapter, StreamInput } from "../provider-stream/stream-adapter.js";
import { CLOSE_CODES, violation } from "../stream-violation.js";
import { AttendeeVoice } from "./attendee-voice.js";

const messageSchema = z.object({ trigger: z.string().max(100) }).loose();
const mixedSchema = z
  .object({
    trigger: z.literal("realtime_audio.mixed"),
    bot_id: z.string().max(200).optional(),
    data: z.object({ chunk: z.string(), sample_rate: z.number().int(), timestamp_ms: z.number().optional() }).loose(),
  })
  .loose();

function invalid(reason: string): StreamInput {
  return { kind: "invalid", violation: violation(CLOSE_CODES.invalidPayload, reason) };
}

export const attendeeStreamAdapter: StreamAdapter = {
  format: "Attendee JSON with base64 audio",
  decode(data, isBinary, sampleRate): StreamInput {
    if (isBinary) return { kind: "invalid", violation: violation(CLOSE_CODES.unsupportedData, "Attendee streams JSON text; a binary frame is not part of its protocol") };
    let value: unknown;
    try {
      value = JSON.parse(data.toString("utf8"));
    } catch {
      return invalid("text frame is not JSON");
    }
    const message = messageSchema.safeParse(value);
    if (!message.success) return invalid("message has no trigger");
    if (message.data.trigger !== "realtime_audio.mixed") return { kind: "ignored", reason: `trigger ${message.data.trigger.slice(0, 60)}` };
    const mixed = mixedSchema.safeParse(value);
    if (!mixed.success) return invalid("realtime_audio.mixed: data needs chunk and sample_rate");
    if (mixed.data.data.sample_rate !== sampleRate) {
      return invalid(`realtime_audio.mixed: sample_rate ${mixed.data.data.sample_rate} differs from the ${sampleRate} Hz this bot asked for`);
    }
    const audio = decodeBase64Pcm(mixed.data.data.chunk, sampleRate);
    return audio.ok ? { kind: "audio", pcm: audio.pcm } : { kind: "invalid", violation: audio.violation };
  },
  voice: (send, sampleRate) => new AttendeeVoice(send, sampleRate),
};
