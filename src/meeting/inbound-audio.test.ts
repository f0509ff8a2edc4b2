import { describe, expect, it } from "vitest";
import { checkPcmFrame, downmixStereo, sampleRateProblem } from "./inbound-audio.js";

const pcmBytes = (...samples: number[]) => new Uint8Array(Int16Array.from(samples).buffer);

describe("sampleRateProblem", () => {
  it("takes whole rates from 8 to 48 kHz and names anything else", () => {
    for (const rate of [8000, 16000, 22050, 24000, 44100, 48000]) expect(sampleRateProblem(rate)).toBeUndefined();
    for (const rate of [0, 1, 7999, 48001, 4_294_967_295, 16000.5, Number.NaN, -16000]) {
      expect(sampleRateProblem(rate)).toMatch(/^sample rate .* Hz is outside 8000-48000 Hz$/);
    }
  });
});

describe("checkPcmFrame", () => {
  it("returns mono samples of a valid frame", () => {
    const checked = checkPcmFrame(pcmBytes(1, -2, 3), { sampleRate: 16000, channels: 1 });
    expect(checked.ok && Array.from(checked.pcm)).toEqual([1, -2, 3]);
  });

  it("mixes stereo down to mono", () => {
    const checked = checkPcmFrame(pcmBytes(100, 300, -50, -150), { sampleRate: 48000, channels: 2 });
    expect(checked.ok && Array.from(checked.pcm)).toEqual([200, -100]);
    expect(Array.from(downmixStereo(Int16Array.from([32767, 32767, -32768, -32768])))).toEqual([32767, -32768]);
  });

  it("copies a frame that starts at an odd byte offset", () => {
    const backing = new Uint8Array(5);
    backing.set(pcmBytes(7, 8), 1);
    const checked = checkPcmFrame(backing.subarray(1), { sampleRate: 16000, channels: 1 });
    expect(checked.ok && Array.from(checked.pcm)).toEqual([7, 8]);
  });

  it.each([
    [{ sampleRate: 0, channels: 1 }, pcmBytes(1), 1007, /sample rate 0 Hz/],
    [{ sampleRate: 1, channels: 1 }, pcmBytes(1), 1007, /sample rate 1 Hz/],
    [{ sampleRate: 96_000_000, channels: 1 }, pcmBytes(1), 1007, /sample rate 96000000 Hz/],
    [{ sampleRate: 16000, channels: 3 }, pcmBytes(1, 2, 3), 1007, /3 audio channels/],
    [{ sampleRate: 16000, channels: 0 }, pcmBytes(1), 1007, /0 audio channels/],
    [{ sampleRate: 16000, channels: 1 }, new Uint8Array(0), 1007, /empty audio frame/],
    [{ sampleRate: 16000, channels: 1 }, new Uint8Array(3), 1007, /3 bytes is not whole 16-bit samples/],
    [{ sampleRate: 16000, channels: 2 }, new Uint8Array(6), 1007, /6 bytes is not whole 16-bit samples for 2/],
    [{ sampleRate: 8000, channels: 1 }, new Uint8Array(8000 * 2 * 3), 1009, /3\.00 s is longer than 2 s/],
  ])("refuses %o with close code %i", (format, bytes, code, reason) => {
    const checked = checkPcmFrame(bytes, format);
    expect(checked.ok).toBe(false);
    if (!checked.ok) {
      expect(checked.violation.code).toBe(code);
      expect(checked.violation.reason).toMatch(reason);
    }
  });
});
