/**
 * @module meeting/pipecat/testing/pipecat-frames
 * Builds Pipecat protobuf frames exactly as a Pipecat pipeline (or someone pretending to be one)
 * would send them, including ones our codec must refuse: any sample rate, channel count or payload.
 */
import { create, toBinary } from "@bufbuild/protobuf";
import { FrameSchema } from "../gen/frames_pb.js";

export interface RawAudioFrame {
  audio: Uint8Array;
  sampleRate: number;
  numChannels?: number;
}

export function pipecatAudioFrame(frame: RawAudioFrame): Uint8Array {
  const value = { id: 1n, name: "AudioRawFrame", audio: frame.audio, sampleRate: frame.sampleRate, numChannels: frame.numChannels ?? 1 };
  return toBinary(FrameSchema, create(FrameSchema, { frame: { case: "audio", value } }));
}

/** `seconds` of a 440 Hz tone at `sampleRate`, as the bytes of one frame. */
export function toneBytes(seconds: number, sampleRate: number, amplitude = 9000): Uint8Array {
  const pcm = Int16Array.from({ length: Math.round(seconds * sampleRate) }, (_, i) => Math.round(amplitude * Math.sin((2 * Math.PI * 440 * i) / sampleRate)));
  return new Uint8Array(pcm.buffer);
}

export function pipecatTextFrame(text: string): Uint8Array {
  return toBinary(FrameSchema, create(FrameSchema, { frame: { case: "text", value: { id: 1n, name: "TextFrame", text } } }));
}

export function pipecatTranscriptionFrame(text: string, userId: string): Uint8Array {
  return toBinary(FrameSchema, create(FrameSchema, { frame: { case: "transcription", value: { id: 1n, name: "TranscriptionFrame", text, userId, timestamp: "" } } }));
}

export function pipecatMessageFrame(data: string): Uint8Array {
  return toBinary(FrameSchema, create(FrameSchema, { frame: { case: "message", value: { data } } }));
}

/** A `Frame` with none of its cases set: valid protobuf, meaningless to the bridge. */
export function emptyPipecatFrame(): Uint8Array {
  return toBinary(FrameSchema, create(FrameSchema, {}));
}
