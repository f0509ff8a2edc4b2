/**
 * Echo handling on its own: the bot's real speech played back into the input at a delay, through a
 * plain gain or a small room (a few reflections), with noise, and a person talking over it.
 */
import { DEFAULT_VAD } from "../../core/vad-defaults.js";
import { beforeAll, describe, expect, it } from "vitest";
import { loadSpeech } from "../../../test/fixtures/load-fixture.js";
import { SileroVadModel } from "../../services/vad/silero-model.js";
import { VadAnalyzer, type VadTransition } from "../../services/vad/vad-analyzer.js";
import { concatPcm } from "../pcm.js";
import { EchoChannel, type EchoReference } from "./echo-channel.js";
import { EchoSuppressor } from "./echo-suppressor.js";
import { ReferenceRing } from "./reference-ring.js";
import { StreamClock } from "./stream-clock.js";

const RATE = 16000;
const CHUNK = 320;

function referenceOf(pcm: Int16Array, at = 0): EchoReference {
  const ring = new ReferenceRing(1 << 17);
  ring.write(pcm, at, 1 / 32768);
  return { name: "bot", get end() { return ring.end; }, read: (out, from, count) => ring.read(out, from, count) };
}

/** Deterministic white noise of the given peak amplitude (in samples). */
function noise(length: number, amplitude: number, seed = 7): Float32Array {
  let state = seed;
  return Float32Array.from({ length }, () => {
    state = (state * 1103515245 + 12345) >>> 0;
    return (state / 2 ** 32 - 0.5) * 2 * amplitude;
  });
}

/** The bot's voice as it comes back: `delay` samples late, through a gain or a small room. */
function echoOf(bot: Int16Array, delay: number, gain: number, room: boolean, length: number): Float32Array {
  const at = (k: number) => (k >= 0 && k < bot.length ? (bot[k] ?? 0) : 0);
  return Float32Array.from({ length }, (_, k) =>
    room ? gain * (0.6 * at(k - delay) + 0.3 * at(k - delay - 1) + 0.35 * at(k - delay - 40) - 0.25 * at(k - delay - 97) + 0.15 * at(k - delay - 180)) : gain * at(k - delay),
  );
}

interface Chunk {
  input: Int16Array;
  output: Int16Array;
  echoEnergy: number;
  otherEnergy: number;
}

/** Plays the parts summed into the suppressor in 20 ms chunks. */
function play(suppressor: EchoSuppressor, parts: Float32Array[], noisePart: Float32Array): Chunk[] {
  const length = noisePart.length;
  const chunks: Chunk[] = [];
  for (let p = 0; p < length; p += CHUNK) {
    const input = new Int16Array(Math.min(CHUNK, length - p));
    let echoEnergy = 0;
    let otherEnergy = 0;
    for (let i = 0; i < input.length; i++) {
      const echo = parts[0]?.[p + i] ?? 0;
      const other = (parts[1]?.[p + i] ?? 0) + (noisePart[p + i] ?? 0);
      input[i] = Math.round(echo + other);
      echoEnergy += echo * echo;
      otherEnergy += other * other;
    }
    chunks.push({ input, output: suppressor.process(input, p), echoEnergy, otherEnergy });
  }
  return chunks;
}

const silenced = (c: Chunk) => c.output !== c.input && c.output.every((s) => s === 0);

describe("reference ring and stream clock", () => {
  it("keeps writes on the stream clock, with silence in gaps and outside what it holds", () => {
    const ring = new ReferenceRing(8);
    expect(ring.end).toBe(Number.NEGATIVE_INFINITY);
    ring.write(Int16Array.from([1, 2]), 10);
    ring.write(Int16Array.from([3]), 12);
    ring.write(Int16Array.from([4]), 14);
    const out = new Float32Array(7);
    ring.read(out, 9);
    expect(Array.from(out)).toEqual([0, 1, 2, 3, 0, 4, 0]);
    ring.write(Int16Array.from([5]), 11);
    expect(ring.end).toBe(12);
    ring.write(Int16Array.from([9, 9, 9, 9, 9, 9, 9, 9, 9]), 12);
    // Eight samples are held: the first of the nine is gone.
    ring.read(out, 12, 3);
    expect(Array.from(out.subarray(0, 3))).toEqual([0, 9, 9]);
  });

  it("extrapolates between inbound chunks, at most 40 ms", () => {
    let now = 0;
    const clock = new StreamClock(RATE, () => now);
    expect(clock.estimate()).toBe(0);
    clock.advance(320);
    now = 10;
    expect(clock.estimate()).toBe(320 + 160);
    now = 500;
    expect(clock.estimate()).toBe(320 + 640);
  });
});

describe("echo suppression", () => {
  let bot: Int16Array;
  let human: Int16Array;
  let vad: SileroVadModel;
  beforeAll(async () => {
    bot = concatPcm([await loadSpeech("weather-question"), await loadSpeech("time-question"), await loadSpeech("account-question")]);
    human = await loadSpeech("interruption");
    vad = await SileroVadModel.load();
  });

  for (const [delayMs, gain, room] of [
    [50, 0.3, false],
    [150, 0.8, false],
    [300, 0.5, false],
    [150, 0.3, true],
    [300, 0.8, true],
  ] as const) {
    it(`finds a ${delayMs} ms echo at gain ${gain}${room ? " through a room" : ""} and silences at least 95 % of it`, () => {
      const delay = (delayMs * RATE) / 1000;
      const reference = referenceOf(bot);
      const suppressor = new EchoSuppressor({ references: () => [reference] });
      const length = bot.length + delay + RATE;
      const chunks = play(suppressor, [echoOf(bot, delay, gain, room, length)], noise(length, 30));
      expect(Math.abs((suppressor.delayMs(reference) ?? -1000) - delayMs)).toBeLessThanOrEqual(10);
      // Chunks where the echo stands 10 dB above the noise.
      const echoChunks = chunks.filter((c) => c.echoEnergy > 10 * c.otherEnergy);
      expect(echoChunks.length).toBeGreaterThan(100);
      expect(echoChunks.filter(silenced).length / echoChunks.length).toBeGreaterThanOrEqual(0.95);
    });
  }

  it("cancels at least 15 dB of a room echo once it has converged", () => {
    const delay = 150 * 16;
    const reference = referenceOf(bot);
    const channel = new EchoChannel(reference);
    const length = bot.length + delay;
    const echo = echoOf(bot, delay, 0.5, true, length);
    const hiss = noise(length, 3);
    const input = new Float32Array(CHUNK);
    const out = new Float32Array(CHUNK);
    let inputEnergy = 0;
    let leftEnergy = 0;
    for (let p = 0; p + CHUNK <= length; p += CHUNK) {
      for (let i = 0; i < CHUNK; i++) input[i] = ((echo[p + i] ?? 0) + (hiss[p + i] ?? 0)) / 32768;
      channel.process(input, p, CHUNK, out);
      if (p < delay + 2 * RATE) continue;
      for (let i = 0; i < CHUNK; i++) {
        inputEnergy += (input[i] ?? 0) ** 2;
        leftEnergy += (out[i] ?? 0) ** 2;
      }
    }
    const erle = 10 * Math.log10(inputEnergy / leftEnergy);
    expect(erle).toBeGreaterThanOrEqual(15);
    expect(channel.cancelling).toBe(true);
  });

  it("lets a person talking over the echo through, with the echo taken out, and the VAD hears them", async () => {
    const delay = 150 * 16;
    const reference = referenceOf(bot);
    const suppressor = new EchoSuppressor({ references: () => [reference] });
    const length = bot.length + delay + RATE;
    const humanAt = 3 * RATE;
    const person = Float32Array.from({ length }, (_, k) => (k >= humanAt && k - humanAt < human.length ? (human[k - humanAt] ?? 0) : 0));
    const chunks = play(suppressor, [echoOf(bot, delay, 0.5, true, length), person], noise(length, 30));
    const overlap = chunks.filter((c) => c.otherEnergy > 2 * c.echoEnergy && c.otherEnergy > 1e6);
    expect(overlap.length).toBeGreaterThan(50);
    expect(overlap.filter(silenced).length / overlap.length).toBeLessThanOrEqual(0.05);
    const events = await vadEvents(vad, chunks.map((c) => c.output));
    const starts = events.filter((e) => e.event === "speech-start").map((e) => e.streamMs);
    expect(starts.length).toBeGreaterThan(0);
    expect(starts.every((ms) => ms > humanAt / 16)).toBe(true);
  });

  it("leaves the VAD nothing to hear when the input is echo alone", async () => {
    const delay = 300 * 16;
    const reference = referenceOf(bot);
    const suppressor = new EchoSuppressor({ references: () => [reference] });
    const length = bot.length + delay + RATE;
    const chunks = play(suppressor, [echoOf(bot, delay, 0.8, true, length)], noise(length, 30));
    expect(await vadEvents(vad, chunks.map((c) => c.input))).not.toEqual([]);
    expect(await vadEvents(vad, chunks.map((c) => c.output))).toEqual([]);
  });

  it("learns nothing and changes nothing when the mix holds no echo of the bot", () => {
    const reference = referenceOf(bot);
    const suppressor = new EchoSuppressor({ references: () => [reference] });
    const length = bot.length;
    const person = Float32Array.from({ length }, (_, k) => human[k % human.length] ?? 0);
    const chunks = play(suppressor, [new Float32Array(length), person], noise(length, 30));
    expect(suppressor.stats.processedChunks).toBe(chunks.length);
    // Where the person speaks, every sample passes unchanged (background noise alone may be gated).
    const voiced = chunks.filter((c) => c.otherEnergy > 1e6);
    expect(voiced.length).toBeGreaterThan(100);
    expect(voiced.filter((c) => c.output.some((s, i) => s !== c.input[i])).length).toBe(0);
    expect(suppressor.cancelling(reference)).toBe(false);
    // Digital silence, as providers send between speakers, comes back as silence.
    const quiet = new Int16Array(CHUNK);
    expect(suppressor.process(quiet, length).every((s) => s === 0)).toBe(true);
  });

  it("passes input through untouched when no reference played within the last second", () => {
    const reference = referenceOf(bot.subarray(0, RATE), 0);
    const suppressor = new EchoSuppressor({ references: () => [reference] });
    const chunk = new Int16Array(CHUNK).fill(100);
    expect(suppressor.process(chunk, RATE / 2)).not.toBe(chunk);
    expect(suppressor.process(chunk, 2 * RATE)).toBe(chunk);
    expect(new EchoSuppressor({ references: () => [] }).process(chunk, 0)).toBe(chunk);
    expect(suppressor.stats).toMatchObject({ chunks: 2, processedChunks: 1 });
  });
});

async function vadEvents(model: SileroVadModel, chunks: Int16Array[]): Promise<VadTransition[]> {
  const events: VadTransition[] = [];
  const analyzer = new VadAnalyzer(model, DEFAULT_VAD, (t) => events.push(t));
  for (const chunk of chunks) void analyzer.push(chunk);
  await analyzer.settled();
  return events;
}
