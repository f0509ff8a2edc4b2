import { describe, expect, it } from "vitest";
import { decodePipecat, encodePipecatAudio, encodePipecatMessage } from "./pipecat-codec.js";
import {
  emptyPipecatFrame,
  pipecatAudioFrame,
  pipecatMessageFrame,
  pipecatTextFrame,
  pipecatTranscriptionFrame,
  toneBytes,
} from "./testing/pipecat-frames.js";

describe("decodePipecat", () => {
  it("reads back the audio and messages it encodes", () => {
    const pcm = Int16Array.from([1, -2, 300]);
    expect(decodePipecat(encodePipecatAudio(pcm, 16000))).toEqual({ kind: "audio", pcm, sampleRate: 16000 });
    expect(decodePipecat(encodePipecatMessage({ type: "admitted" }))).toEqual({ kind: "message", data: { type: "admitted" } });
  });

  it("treats an unset channel count as mono and mixes stereo down", () => {
    expect(decodePipecat(pipecatAudioFrame({ audio: new Uint8Array(Int16Array.from([5]).buffer), sampleRate: 24000, numChannels: 0 }))).toMatchObject({
      kind: "audio",
      sampleRate: 24000,
    });
    const stereo = decodePipecat(pipecatAudioFrame({ audio: new Uint8Array(Int16Array.from([100, 300]).buffer), sampleRate: 48000, numChannels: 2 }));
    expect(stereo.kind === "audio" && Array.from(stereo.pcm)).toEqual([200]);
  });

  it.each([
    ["sample rate 0", pipecatAudioFrame({ audio: toneBytes(0.02, 16000), sampleRate: 0 }), 1007, /sample rate 0 Hz/],
    ["sample rate 1", pipecatAudioFrame({ audio: toneBytes(0.02, 16000), sampleRate: 1 }), 1007, /sample rate 1 Hz/],
    ["a huge sample rate", pipecatAudioFrame({ audio: toneBytes(0.02, 16000), sampleRate: 4_294_967_295 }), 1007, /sample rate 4294967295 Hz/],
    ["an odd byte count", pipecatAudioFrame({ audio: new Uint8Array(641), sampleRate: 16000 }), 1007, /641 bytes is not whole 16-bit samples/],
    ["seven channels", pipecatAudioFrame({ audio: new Uint8Array(14), sampleRate: 16000, numChannels: 7 }), 1007, /7 audio channels/],
    ["no audio", pipecatAudioFrame({ audio: new Uint8Array(0), sampleRate: 16000 }), 1007, /empty audio frame/],
    ["5 s of audio in one frame", pipecatAudioFrame({ audio: toneBytes(5, 8000), sampleRate: 8000 }), 1009, /longer than 2 s/],
    ["garbage bytes", Uint8Array.from([0xff, 0xff, 0xff]), 1007, /not a Pipecat protobuf frame/],
    ["a frame of no kind", emptyPipecatFrame(), 1007, /empty frame/],
    ["message data that is not JSON", pipecatMessageFrame("{nope"), 1007, /not JSON/],
    ["message data that is a JSON array", pipecatMessageFrame("[1,2]"), 1007, /not a JSON object/],
    ["a 20,000-character text", pipecatTextFrame("a".repeat(20_000)), 1007, /longer than 10000/],
    ["a transcription with a huge user id", pipecatTranscriptionFrame("hi", "u".repeat(500)), 1007, /user_id is too long/],
  ])("refuses %s", (_what, bytes, code, reason) => {
    const message = decodePipecat(bytes);
    expect(message.kind).toBe("invalid");
    if (message.kind === "invalid") {
      expect(message.violation.code).toBe(code);
      expect(message.violation.reason).toMatch(reason);
    }
  });

  it("keeps only the frame's own samples, not the message buffer around them", () => {
    const message = decodePipecat(pipecatAudioFrame({ audio: toneBytes(0.01, 16000), sampleRate: 16000 }));
    expect(message.kind === "audio" && message.pcm.buffer.byteLength).toBe(320);
  });
});
