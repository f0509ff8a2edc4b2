import { describe, expect, it } from "vitest";
import { decodeStreamMessage, encodeStreamAudio, timestampToMs } from "./stream-codec.js";

describe("decodeStreamMessage", () => {
  it("reads binary frames as PCM, even from an odd byte offset", () => {
    const backing = Buffer.alloc(9);
    const slice = backing.subarray(1, 9);
    slice.writeInt16LE(-2, 0);
    slice.writeInt16LE(300, 6);
    const message = decodeStreamMessage(slice, true);
    expect(message.kind).toBe("audio");
    if (message.kind === "audio") expect(Array.from(message.pcm)).toEqual([-2, 0, 0, 300]);
  });

  it("rejects odd, empty and oversized binary frames with a reason", () => {
    expect(decodeStreamMessage(Buffer.alloc(3), true)).toMatchObject({ kind: "invalid", reason: expect.stringContaining("odd") });
    expect(decodeStreamMessage(Buffer.alloc(0), true)).toMatchObject({ kind: "invalid" });
    expect(decodeStreamMessage(Buffer.alloc(200_000), true)).toMatchObject({ kind: "invalid", reason: expect.stringContaining("exceeds") });
  });

  it("reads the handshake and the roster from text frames", () => {
    const hs = decodeStreamMessage(Buffer.from(JSON.stringify({ protocol_version: 1, bot_id: "b1", offset: 0, sample_rate: 16000 })), false);
    expect(hs).toEqual({ kind: "handshake", botId: "b1", sampleRate: 16000, protocolVersion: 1 });
    const roster = decodeStreamMessage(
      Buffer.from(JSON.stringify([{ name: "Ada", id: 0, timestamp: 1_700_000_000_123, isSpeaking: true }, { name: "Bo", id: 2, timestamp: 1_700_000_000.5, isSpeaking: false }])),
      false,
    );
    expect(roster).toEqual({
      kind: "speakers",
      speakers: [
        { name: "Ada", id: 0, timestamp: 1_700_000_000_123, isSpeaking: true },
        { name: "Bo", id: 2, timestamp: 1_700_000_000_500, isSpeaking: false },
      ],
    });
  });

  it("calls anything else invalid", () => {
    expect(decodeStreamMessage(Buffer.from("not json"), false)).toMatchObject({ kind: "invalid", reason: "text frame is not JSON" });
    expect(decodeStreamMessage(Buffer.from('{"hello":1}'), false)).toMatchObject({ kind: "invalid" });
    expect(decodeStreamMessage(Buffer.from('[{"name":5}]'), false)).toMatchObject({ kind: "invalid" });
  });
});

describe("encodeStreamAudio", () => {
  it("shares memory with the samples", () => {
    const pcm = new Int16Array([1, 2, 3, 4]).subarray(1, 3);
    const bytes = encodeStreamAudio(pcm);
    expect(bytes.length).toBe(4);
    expect(bytes.readInt16LE(0)).toBe(2);
    expect(timestampToMs(2)).toBe(2000);
  });
});
