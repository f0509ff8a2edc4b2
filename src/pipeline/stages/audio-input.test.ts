/**
 * The input stage through the stage probe: meeting audio at the stream's rate comes out at 16 kHz,
 * and its resampler lives from start to the first end or cancel.
 */
import { afterEach, describe, expect, it, vi } from "vitest";
import { frame } from "../frames.js";
import { StageProbe } from "../testing/run-stage.js";
import { AudioInputStage } from "./audio-input.js";

/** A 440 Hz tone of `ms` at `rate`. */
function tone(ms: number, rate: number): Int16Array {
  const out = new Int16Array((rate * ms) / 1000);
  for (let i = 0; i < out.length; i++) out[i] = Math.round(8000 * Math.sin((2 * Math.PI * 440 * i) / rate));
  return out;
}

const input = (audio: Int16Array, sampleRate: number) => frame("input-audio", { audio, sampleRate });
const samplesOut = (probe: StageProbe) => probe.of("input-audio").reduce((n, f) => n + f.audio.length, 0);

afterEach(() => {
  vi.restoreAllMocks();
});

describe("audio input stage", () => {
  it("turns 24 kHz meeting audio into 16 kHz frames of two thirds the samples", async () => {
    const probe = new StageProbe(new AudioInputStage(24000));
    await probe.send(frame("start", { sampleRate: 24000 }));
    for (let i = 0; i < 50; i++) await probe.send(input(tone(20, 24000), 24000));
    const frames = probe.of("input-audio");
    expect(frames.every((f) => f.sampleRate === 16000)).toBe(true);
    // One second in; the converter may hold back a few samples of its filter.
    expect(samplesOut(probe)).toBeGreaterThan(16000 - 200);
    expect(samplesOut(probe)).toBeLessThanOrEqual(16000);
    const loudest = Math.max(...frames.flatMap((f) => Array.from(f.audio)).map(Math.abs));
    expect(loudest).toBeGreaterThan(7000);
  });

  it("passes 16 kHz audio through as it is", async () => {
    const probe = new StageProbe(new AudioInputStage(16000));
    const audio = tone(20, 16000);
    await probe.send(frame("start", { sampleRate: 16000 }), input(audio, 16000));
    expect(probe.of("input-audio")[0]?.audio).toBe(audio);
  });

  it("drops audio before start and after end, and passes other frames on", async () => {
    const probe = new StageProbe(new AudioInputStage(24000));
    await probe.send(input(tone(20, 24000), 24000));
    await probe.send(frame("start", { sampleRate: 24000 }), frame("user-started-speaking"), frame("end", { reason: "left" }));
    await probe.send(input(tone(20, 24000), 24000));
    expect(probe.types()).toEqual(["start", "user-started-speaking", "end"]);
  });

  it("destroys its resampler once, whether the bot ends, is cancelled, or both", async () => {
    const warn = vi.spyOn(console, "warn");
    const error = vi.spyOn(console, "error");
    const log = vi.spyOn(console, "log");
    const probe = new StageProbe(new AudioInputStage(24000));
    await probe.send(frame("start", { sampleRate: 24000 }), frame("end", { reason: "left" }));
    await probe.send(frame("cancel", { reason: "failed" }));
    const printed = [...warn.mock.calls, ...error.mock.calls, ...log.mock.calls].flat().join(" ");
    expect(printed).not.toMatch(/destroy/i);
    expect(probe.types()).toEqual(["start", "end", "cancel"]);
  });
});
