/**
 * @module services/tts/local/flite-library
 * Runs Debian's `flite` (US English voices compiled in) as a short-lived process per sentence and
 * reads the WAV it writes to stdout. A sentence takes about 50–90 ms, off the event loop. (Calling
 * libflite in-process through an FFI worker thread crashed the host process under load, so the
 * process boundary is deliberate.)
 */
import { execFile, execFileSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fliteDurationStretch } from "../speech-speed.js";

export const FLITE_VOICES = ["awb", "slt", "rms", "kal16"] as const;
export type FliteVoice = (typeof FLITE_VOICES)[number];

export interface FliteApi {
  /** Synthesises a whole sentence; returns mono PCM and its rate. */
  synthesize(text: string, voice: FliteVoice, signal?: AbortSignal, speed?: number): Promise<{ pcm: Int16Array; sampleRate: number }>;
}

let missing: string | undefined | null = null;

/** What is missing for the local synthesiser, or undefined when it can run. */
export function fliteMissing(): string | undefined {
  if (missing === null) {
    try {
      execFileSync("flite", ["-lv"], { stdio: "pipe", timeout: 5000 });
      missing = undefined;
    } catch {
      missing = "flite (apt-get install flite)";
    }
  }
  return missing;
}

/** Reads a mono 16-bit PCM WAV held in memory. */
export function parseWav(bytes: Buffer): { pcm: Int16Array; sampleRate: number } {
  if (bytes.toString("ascii", 0, 4) !== "RIFF" || bytes.toString("ascii", 8, 12) !== "WAVE") throw new Error("not a WAV file");
  let offset = 12;
  let sampleRate = 0;
  while (offset + 8 <= bytes.length) {
    const id = bytes.toString("ascii", offset, offset + 4);
    const size = bytes.readUInt32LE(offset + 4);
    if (id === "fmt ") sampleRate = bytes.readUInt32LE(offset + 12);
    if (id === "data") {
      const end = Math.min(bytes.length, offset + 8 + size);
      const data = Buffer.from(bytes.subarray(offset + 8, end - ((end - offset - 8) % 2)));
      return { pcm: new Int16Array(data.buffer, data.byteOffset, data.length / 2), sampleRate };
    }
    offset += 8 + size + (size % 2);
  }
  throw new Error("WAV file has no data chunk");
}

export const flite: FliteApi = {
  async synthesize(text, voice, signal, speed) {
    const file = join(tmpdir(), `speaking-bots-flite-${randomBytes(8).toString("hex")}.wav`);
    try {
      await new Promise<void>((resolve, reject) => {
        const pace = speed !== undefined && speed !== 1 ? ["--setf", `duration_stretch=${fliteDurationStretch(speed)}`] : [];
        execFile("flite", [...pace, "-voice", voice, "-t", text, "-o", file], { timeout: 30_000, signal }, (error) => (error ? reject(error) : resolve()));
      });
      return parseWav(await readFile(file));
    } finally {
      // force: a synthesis that failed may have left no file behind.
      await rm(file, { force: true });
    }
  },
};
