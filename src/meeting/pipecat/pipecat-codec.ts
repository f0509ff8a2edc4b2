/**
 * @module meeting/pipecat/pipecat-codec
 * Pipecat's protobuf frames (proto/frames.proto) as the bridge uses them: meeting PCM out as
 * `AudioRawFrame`s, and the pipeline's audio, text, transcriptions and interruptions back in.
 * Decoding checks every frame before anything uses it (sample rate, channels, lengths, the JSON of
 * message frames); a frame that breaks a rule comes back as the violation its connection closes with.
 */
import { create, fromBinary, toBinary } from "@bufbuild/protobuf";
import { z } from "zod";
import { checkPcmFrame } from "../inbound-audio.js";
import { CLOSE_CODES, type StreamViolation, violation } from "../stream-violation.js";
import { FrameSchema } from "./gen/frames_pb.js";

export type PipecatMessage =
  | { kind: "audio"; pcm: Int16Array; sampleRate: number }
  | { kind: "text"; text: string }
  | { kind: "transcription"; text: string; userId: string }
  | { kind: "message"; data: Record<string, unknown> }
  | { kind: "interruption" }
  | { kind: "invalid"; violation: StreamViolation };

/** Longer text than this is no sentence a bot says or hears. */
export const MAX_PIPECAT_TEXT_CHARS = 10_000;
const MAX_USER_ID_CHARS = 200;

/** Message frames carry one JSON object (Pipecat's transport and RTVI messages). */
const messageDataSchema = z.record(z.string(), z.unknown());

let nextId = 1n;

export function encodePipecatAudio(pcm: Int16Array, sampleRate: number): Uint8Array {
  const audio = new Uint8Array(pcm.buffer, pcm.byteOffset, pcm.byteLength);
  return toBinary(FrameSchema, create(FrameSchema, { frame: { case: "audio", value: { id: nextId++, name: "AudioRawFrame", audio, sampleRate, numChannels: 1 } } }));
}

export function encodePipecatMessage(data: unknown): Uint8Array {
  return toBinary(FrameSchema, create(FrameSchema, { frame: { case: "message", value: { data: JSON.stringify(data) } } }));
}

function invalid(reason: string): PipecatMessage {
  return { kind: "invalid", violation: violation(CLOSE_CODES.invalidPayload, reason) };
}

function checkText(text: string, what: string): string | undefined {
  return text.length > MAX_PIPECAT_TEXT_CHARS ? `${what} of ${text.length} characters is longer than ${MAX_PIPECAT_TEXT_CHARS}` : undefined;
}

function decodeMessageData(data: string): PipecatMessage {
  let value: unknown;
  try {
    value = JSON.parse(data);
  } catch {
    return invalid("message frame data is not JSON");
  }
  const parsed = messageDataSchema.safeParse(value);
  return parsed.success ? { kind: "message", data: parsed.data } : invalid("message frame data is not a JSON object");
}

export function decodePipecat(bytes: Uint8Array): PipecatMessage {
  let frame: ReturnType<typeof fromBinary<typeof FrameSchema>>;
  try {
    frame = fromBinary(FrameSchema, bytes);
  } catch (error) {
    return invalid(`not a Pipecat protobuf frame: ${error instanceof Error ? error.message : String(error)}`);
  }
  const f = frame.frame;
  switch (f.case) {
    case "audio": {
      const { audio, sampleRate, numChannels } = f.value;
      // proto3 leaves an unset field at 0: a frame that does not say its channels is mono.
      const checked = checkPcmFrame(audio, { sampleRate, channels: numChannels || 1 });
      if (!checked.ok) return { kind: "invalid", violation: checked.violation };
      // The decoded bytes may share a buffer with the whole message; keep only this frame's samples.
      const pcm = checked.pcm.buffer === audio.buffer ? checked.pcm.slice() : checked.pcm;
      return { kind: "audio", pcm, sampleRate };
    }
    case "text": {
      const problem = checkText(f.value.text, "text frame");
      return problem ? invalid(problem) : { kind: "text", text: f.value.text };
    }
    case "transcription": {
      const problem = checkText(f.value.text, "transcription") ?? (f.value.userId.length > MAX_USER_ID_CHARS ? "transcription user_id is too long" : undefined);
      return problem ? invalid(problem) : { kind: "transcription", text: f.value.text, userId: f.value.userId };
    }
    case "message":
      return decodeMessageData(f.value.data);
    case "interruption":
      return { kind: "interruption" };
    default:
      return invalid("empty frame: none of text, audio, transcription, message or interruption");
  }
}
