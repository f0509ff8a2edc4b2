/**
 * @module meeting/pipecat/pipecat-codec
 * Pipecat's protobuf frames (proto/frames.proto) as the bridge uses them: meeting PCM out as
 * `AudioRawFrame`s, and the pipeline's audio, text, transcriptions and interruptions back in.
 */
import { create, fromBinary, toBinary } from "@bufbuild/protobuf";
import { FrameSchema } from "./gen/frames_pb.js";

export type PipecatMessage =
  | { kind: "audio"; pcm: Int16Array; sampleRate: number; channels: number }
  | { kind: "text"; text: string }
  | { kind: "transcription"; text: string; userId: string }
  | { kind: "message"; data: string }
  | { kind: "interruption" }
  | { kind: "invalid"; reason: string };

let nextId = 1n;

export function encodePipecatAudio(pcm: Int16Array, sampleRate: number): Uint8Array {
  const audio = new Uint8Array(pcm.buffer, pcm.byteOffset, pcm.byteLength);
  return toBinary(FrameSchema, create(FrameSchema, { frame: { case: "audio", value: { id: nextId++, name: "AudioRawFrame", audio, sampleRate, numChannels: 1 } } }));
}

export function encodePipecatMessage(data: unknown): Uint8Array {
  return toBinary(FrameSchema, create(FrameSchema, { frame: { case: "message", value: { data: JSON.stringify(data) } } }));
}

export function decodePipecat(bytes: Uint8Array): PipecatMessage {
  let frame: ReturnType<typeof fromBinary<typeof FrameSchema>>;
  try {
    frame = fromBinary(FrameSchema, bytes);
  } catch (error) {
    return { kind: "invalid", reason: `not a Pipecat protobuf frame: ${error instanceof Error ? error.message : String(error)}` };
  }
  const f = frame.frame;
  switch (f.case) {
    case "audio": {
      const { audio, sampleRate, numChannels } = f.value;
      if (audio.length % 2 !== 0) return { kind: "invalid", reason: "audio frame has an odd number of bytes" };
      const copy = audio.slice();
      return { kind: "audio", pcm: new Int16Array(copy.buffer, 0, copy.length / 2), sampleRate, channels: numChannels || 1 };
    }
    case "text":
      return { kind: "text", text: f.value.text };
    case "transcription":
      return { kind: "transcription", text: f.value.text, userId: f.value.userId };
    case "message":
      return { kind: "message", data: f.value.data };
    case "interruption":
      return { kind: "interruption" };
    default:
      return { kind: "invalid", reason: "empty frame" };
  }
}
