import { describe, expect, it } from "vitest";
import { FrameChunker } from "./frame-chunker.js";
import { PreRollBuffer } from "./pre-roll.js";
import { dbfs, float32ToInt16, int16ToFloat32, rms } from "./pcm.js";
import { createResampler, resampleClip } from "./resampler.js";

function sine(freq: number, rate: number, seconds: number, amplitude = 0.5): Int16Array {
  return float32ToInt16(Float32Array.from({ length: Math.round(rate * seconds) }, (_, i) => amplitude * Math.sin((2 * Math.PI * freq * i) / rate)));
}

/** Energy of the best-fitting sine at `freq` vs everything else, in dB. */
function snrAt(pcm: Int16Array, freq: number, rate: number): number {
  const x = int16ToFloat32(pcm);
  let c = 0;
  let s = 0;
  for (let i = 0; i < x.length; i++) {
    c += (x[i] ?? 0) * Math.cos((2 * Math.PI * freq * i) / rate);
    s += (x[i] ?? 0) * Math.sin((2 * Math.PI * freq * i) / rate);
  }
  c = (2 * c) / x.length;
  s = (2 * s) / x.length;
  let signal = 0;
  let noise = 0;
  for (let i = 0; i < x.length; i++) {
    const fit = c * Math.cos((2 * Math.PI * freq * i) / rate) + s * Math.sin((2 * Math.PI * freq * i) / rate);
    signal += fit * fit;
    noise += ((x[i] ?? 0) - fit) ** 2;
  }
  return 10 * Math.log10(signal / noise);
}

describe("resampler", () => {
  it("keeps a tone clean through 16k → 24k → 16k in 20 ms chunks", async () => {
    const up = await createResampler(16000, 24000);
    const down = await createResampler(24000, 16000);
    const input = sine(440, 16000, 1);
    const out: Int16Array[] = [];
    for (let i = 0; i < input.length; i += 320) out.push(down.process(up.process(input.subarray(i, i + 320))));
    const joined = Int16Array.from(out.flatMap((chunk) => Array.from(chunk)));
    expect(Math.abs(joined.length - input.length)).toBeLessThan(200);
    const middle = joined.subarray(2000, joined.length - 2000);
    expect(snrAt(middle, 440, 16000)).toBeGreaterThan(40);
    expect(rms(middle)).toBeCloseTo(rms(input.subarray(2000, input.length - 2000)), 2);
  });

  it("removes content above the new Nyquist frequency when going down", async () => {
    const high = sine(10_000, 48000, 0.5);
    const low = await resampleClip(high, 48000, 16000);
    expect(low.length).toBe(8000);
    expect(dbfs(low.subarray(500, 7500))).toBeLessThan(dbfs(high) - 40);
  });

  it("passes audio through untouched at equal rates", async () => {
    const same = await createResampler(16000, 16000);
    const pcm = sine(300, 16000, 0.02);
    expect(same.process(pcm)).toBe(pcm);
  });
});

describe("FrameChunker", () => {
  it("cuts any chunk sizes into fixed frames and keeps the remainder", () => {
    const chunker = new FrameChunker(4);
    expect(chunker.push(Int16Array.from([1, 2, 3]))).toEqual([]);
    const frames = chunker.push(Int16Array.from([4, 5, 6, 7, 8, 9]));
    expect(frames.map((f) => Array.from(f))).toEqual([[1, 2, 3, 4], [5, 6, 7, 8]]);
    expect(chunker.pendingSamples).toBe(1);
    expect(chunker.flush().map((f) => Array.from(f))).toEqual([[9, 0, 0, 0]]);
  });

  it("gives back the stream exactly, in frames that do not change when the caller reuses its buffer", () => {
    const chunker = new FrameChunker(512);
    const stream = Int16Array.from({ length: 20_000 }, (_, i) => (i * 7919) % 65536 - 32768);
    const reused = new Int16Array(700);
    const frames: Int16Array[] = [];
    for (let offset = 0, size = 1; offset < stream.length; offset += size, size = (size * 37) % 691 + 1) {
      const chunk = stream.subarray(offset, Math.min(stream.length, offset + size));
      reused.set(chunk);
      frames.push(...chunker.push(reused.subarray(0, chunk.length)));
      reused.fill(0);
    }
    frames.push(...chunker.flush());
    const joined = Int16Array.from(frames.flatMap((f) => Array.from(f)));
    expect(frames.every((f) => f.length === 512)).toBe(true);
    expect(Array.from(joined.subarray(0, stream.length))).toEqual(Array.from(stream));
    expect(joined.subarray(stream.length).every((v) => v === 0)).toBe(true);
  });
});

describe("PreRollBuffer", () => {
  it("gives back exactly the last samples it was given, oldest first, whatever the chunk sizes", () => {
    const stream = Int16Array.from({ length: 50_000 }, (_, i) => (i * 104_729) % 65536 - 32768);
    for (const capacity of [1, 320, 16000]) {
      const preRoll = new PreRollBuffer(capacity);
      let end = 0;
      let drainedAt = 0;
      for (let size = 3; end < stream.length; size = (size * 31) % 997 + 1) {
        preRoll.push(stream.subarray(end, Math.min(stream.length, end + size)));
        end = Math.min(stream.length, end + size);
        if (end % 7 === 0) {
          const [kept] = preRoll.drain();
          expect(Array.from(kept ?? [])).toEqual(Array.from(stream.subarray(Math.max(drainedAt, end - capacity), end)));
          expect(preRoll.drain()).toEqual([]);
          drainedAt = end;
        }
      }
      const [last] = preRoll.drain();
      expect(last?.length ?? 0).toBeLessThanOrEqual(capacity);
    }
  });

  it("keeps only the end of a chunk longer than itself", () => {
    const preRoll = new PreRollBuffer(4);
    preRoll.push(Int16Array.from([1, 2]));
    preRoll.push(Int16Array.from([3, 4, 5, 6, 7]));
    expect(preRoll.drain().map((c) => Array.from(c))).toEqual([[4, 5, 6, 7]]);
  });
});

describe("FrameChunker rest", () => {
  it("hands over the remainder unpadded and starts afresh", () => {
    const chunker = new FrameChunker(4);
    expect(chunker.push(Int16Array.from([1, 2, 3, 4, 5, 6])).map((f) => Array.from(f))).toEqual([[1, 2, 3, 4]]);
    expect(Array.from(chunker.takeRest())).toEqual([5, 6]);
    expect(chunker.takeRest().length).toBe(0);
    expect(chunker.push(Int16Array.from([7, 8, 9, 10])).map((f) => Array.from(f))).toEqual([[7, 8, 9, 10]]);
  });
});
