import { describe, expect, it } from "vitest";
import { decodeStreamMessage, encodeStreamAudio, timestampToMs } from "./stream-codec.js";

const decode = (data: Buffer, isBinary: boolean) => decodeStreamMessage(data, isBinary, 16000);

describe("decodeStreamMessage", () => {
  it("reads binary frames as PCM, even from an odd byte offset", () => {
    const backing = Buffer.alloc(9);
    const slice = backing.subarray(1, 9);
    slice.writeInt16LE(-2, 0);
    slice.writeInt16LE(300, 6);
    const message = decode(slice, true);
    expect(message.kind).toBe("audio");
    if (message.kind === "audio") expect(Array.from(message.pcm)).toEqual([-2, 0, 0, 300]);
  });

  it("refuses odd, empty and overlong binary frames with a close code and reason", () => {
    expect(decode(Buffer.alloc(3), true)).toMatchObject({ kind: "invalid", violation: { code: 1007, reason: expect.stringContaining("whole 16-bit samples") } });
    expect(decode(Buffer.alloc(0), true)).toMatchObject({ kind: "invalid", violation: { code: 1007, reason: "empty audio frame" } });
    // 3 s of 16 kHz audio in one frame.
    expect(decode(Buffer.alloc(96_000), true)).toMatchObject({ kind: "invalid", violation: { code: 1009, reason: expect.stringContaining("longer than") } });
    expect(decodeStreamMessage(Buffer.alloc(320), true, 1)).toMatchObject({ kind: "invalid", violation: { code: 1007, reason: expect.stringContaining("sample rate 1 Hz") } });
  });

  it("reads the handshake and the roster from text frames", () => {
    const hs = decode(Buffer.from(JSON.stringify({ protocol_version: 1, bot_id: "b1", offset: 0, sample_rate: 16000 })), false);
    expect(hs).toEqual({ kind: "handshake", botId: "b1", sampleRate: 16000, protocolVersion: 1 });
    const roster = decode(
      Buffer.from(JSON.stringify([{ name: "Ada", id: 0, timestamp: 1_700_000_000_123, isSpeaking: true }, { name: "Bo", id: 2, timestamp: 1_700_000_000.5, isSpeaking: false, isBot: true }])),
      false,
    );
    expect(roster).toEqual({
      kind: "speakers",
      speakers: [
        { name: "Ada", id: 0, timestamp: 1_700_000_000_123, isSpeaking: true },
        { name: "Bo", id: 2, timestamp: 1_700_000_000_500, isSpeaking: false, isBot: true },
      ],
    });
  });

  it("refuses a handshake whose sample rate no resampler takes", () => {
    for (const sample_rate of [0, 1, 1e9, 16000.5]) {
      expect(decode(Buffer.from(JSON.stringify({ protocol_version: 1, sample_rate })), false)).toMatchObject({
        kind: "invalid",
        violation: { code: 1007, reason: expect.stringContaining("sample_rate") },
      });
    }
  });

  it("refuses text that is not JSON or a bad roster, and only ignores JSON objects of unknown kinds", () => {
    expect(decode(Buffer.from("not json"), false)).toMatchObject({ kind: "invalid", violation: { code: 1007, reason: "text frame is not JSON" } });
    expect(decode(Buffer.from('[{"name":5}]'), false)).toMatchObject({ kind: "invalid", violation: { code: 1007, reason: expect.stringMatching(/^speaker list: 0\.name/) } });
    expect(decode(Buffer.from("42"), false)).toMatchObject({ kind: "invalid", violation: { code: 1007 } });
    expect(decode(Buffer.from('{"protocol_version":"x"}'), false)).toMatchObject({ kind: "invalid", violation: { code: 1007 } });
    expect(decode(Buffer.from('{"hello":1}'), false)).toMatchObject({ kind: "ignored" });
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
