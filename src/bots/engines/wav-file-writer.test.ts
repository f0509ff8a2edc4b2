import { mkdtemp, readFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { WavFileWriter } from "./wav-file-writer.js";

describe("WavFileWriter", () => {
  it("writes a valid WAV whose samples are those appended, in order", async () => {
    const dir = await mkdtemp(join(tmpdir(), "wav-"));
    const errors: Error[] = [];
    const writer = new WavFileWriter(join(dir, "a.wav"), 16000, (error) => errors.push(error));
    const first = Int16Array.from([1, -2, 3]);
    const second = new Int16Array(new Int16Array([9, 100, -100, 32767]).buffer, 2, 3);
    writer.write(first);
    writer.write(second);
    await writer.close();
    const bytes = await readFile(join(dir, "a.wav"));
    expect(bytes.toString("ascii", 0, 4)).toBe("RIFF");
    expect(bytes.readUInt32LE(24)).toBe(16000);
    expect(bytes.readUInt32LE(40)).toBe(12);
    const samples = new Int16Array(bytes.buffer.slice(bytes.byteOffset + 44, bytes.byteOffset + 56));
    expect(Array.from(samples)).toEqual([1, -2, 3, 100, -100, 32767]);
    expect(writer.durationSeconds).toBeCloseTo(6 / 16000);
    expect(errors).toEqual([]);
  });

  it("reports a file it cannot write once, drops later samples, and rejects on close", async () => {
    const errors: Error[] = [];
    const writer = new WavFileWriter(join(tmpdir(), "no-such-dir-for-wav", "a.wav"), 16000, (error) => errors.push(error));
    writer.write(Int16Array.from([1, 2]));
    await expect(writer.close()).rejects.toThrow(/ENOENT/);
    writer.write(Int16Array.from([3]));
    expect(errors).toHaveLength(1);
  });
});
