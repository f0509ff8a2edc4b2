/**
 * The echo stage with the real audio output beside it, on fake timers: the output stage sends the
 * bot's speech at real-time pace and records it; a provider plays it back into the input at a delay
 * and the echo stage must silence it, let a person through, and cost nothing while the bot is quiet.
 */
import { afterEach, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { loadSpeech } from "../../../test/fixtures/load-fixture.js";
import { OutputReference } from "../../audio/echo/output-reference.js";
import { EchoReferenceSet } from "../../audio/echo/reference-set.js";
import { StreamClock } from "../../audio/echo/stream-clock.js";
import { concatPcm, rms } from "../../audio/pcm.js";
import type { EchoSuppressionMode } from "../../core/turn-policy.js";
import { EchoMix } from "../../testing/meeting-sim/echo-mix.js";
import { type Frame, frame } from "../frames.js";
import { StageProbe } from "../testing/run-stage.js";
import { TurnMetrics } from "../turn-metrics.js";
import { AudioOutputStage } from "./audio-output.js";
import { EchoSuppressionStage } from "./echo-suppression.js";

const RATE = 16000;
const CHUNK = 320;

let bot: Int16Array;
let person: Int16Array;
beforeAll(async () => {
  bot = concatPcm([await loadSpeech("weather-question"), await loadSpeech("time-question")]);
  person = await loadSpeech("interruption");
});
beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

async function setup(mode: EchoSuppressionMode, mix: EchoMix) {
  const parts: { echo: number; voices: number }[] = [];
  const clock = new StreamClock(RATE);
  const ownVoice = new OutputReference("own voice", RATE, clock);
  const references = new EchoReferenceSet([ownVoice]);
  const echo = new StageProbe(new EchoSuppressionStage({ clock, references, mode }));
  const output = new StageProbe(new AudioOutputStage(RATE, (pcm) => mix.botSent(pcm), new TurnMetrics(), mode === "auto" ? ownVoice : undefined));
  await echo.send(frame("start", { sampleRate: RATE }));
  await output.send(frame("start", { sampleRate: RATE }));
  /** Plays `ms` of meeting: 20 ms of input at a time, the output sending on its own timer. */
  const run = async (ms: number) => {
    const inputs: Int16Array[] = [];
    for (let t = 0; t < ms; t += 20) {
      const input = mix.next(CHUNK);
      inputs.push(input);
      parts.push({ ...mix.last });
      await echo.send(frame("input-audio", { audio: input, sampleRate: RATE }));
      await vi.advanceTimersByTimeAsync(20);
    }
    return inputs;
  };
  const speak = () => output.send(frame("tts-audio", { audio: bot, sampleRate: RATE, turnId: 1, text: "the reply" }), frame("tts-stopped", { turnId: 1 }));
  return { echo, output, run, speak, references, ownVoice, parts, stage: echo.processor as EchoSuppressionStage };
}

const audioOf = (frames: Frame[]) => frames.flatMap((f) => (f.type === "input-audio" ? [f.audio] : []));

describe("echo suppression stage", () => {
  it("silences the bot's own voice coming back 150 ms late, after finding the delay", async () => {
    const mix = new EchoMix({ delayMs: 150, gain: 0.5, noise: 20 });
    const { echo, run, speak, stage, ownVoice } = await setup("auto", mix);
    await run(500);
    echo.clear();
    await speak();
    const inputs = await run(bot.length / 16 + 600);
    const outputs = audioOf(echo.downstream);
    expect(outputs.length).toBe(inputs.length);
    expect(Math.abs((stage.delayMs(ownVoice) ?? 0) - 150)).toBeLessThanOrEqual(10);
    // After the first second, every 20 ms that holds a clear echo comes out as silence.
    const loud = inputs.map((input, i) => [rms(input), i] as const).filter(([level, i]) => level > 0.01 && i >= 50);
    expect(loud.length).toBeGreaterThan(50);
    const silenced = loud.filter(([, i]) => (outputs[i] ?? []).every((s) => s === 0));
    expect(silenced.length / loud.length).toBeGreaterThanOrEqual(0.95);
  });

  it("lets a person talking over the bot through", async () => {
    const mix = new EchoMix({ delayMs: 200, gain: 0.4, noise: 20 });
    const { echo, run, speak, parts } = await setup("auto", mix);
    await speak();
    await run(2000);
    echo.clear();
    parts.length = 0;
    mix.say(person);
    await run(1500);
    const outputs = audioOf(echo.downstream);
    // Where the person is clearly louder than the echo, the output is the person, not silence.
    const personLoud = parts.flatMap((p, i) => (p.voices > 0.02 && p.voices > 2 * p.echo ? [i] : []));
    expect(personLoud.length).toBeGreaterThan(20);
    const kept = personLoud.filter((i) => rms(outputs[i] ?? new Int16Array(1)) > 0.5 * (parts[i]?.voices ?? 0));
    expect(kept.length / personLoud.length).toBeGreaterThanOrEqual(0.95);
  });

  it("passes input through untouched while the bot is quiet, and entirely when off", async () => {
    const quiet = await setup("auto", new EchoMix({ delayMs: 150, gain: 0.5, noise: 20 }));
    await quiet.run(400);
    await quiet.speak();
    await quiet.run(bot.length / 16 + 1500);
    quiet.echo.clear();
    const later = await quiet.run(400);
    expect(audioOf(quiet.echo.downstream)).toEqual(later);
    expect(audioOf(quiet.echo.downstream).every((audio, i) => audio === later[i])).toBe(true);

    const off = await setup("off", new EchoMix({ delayMs: 150, gain: 0.5, noise: 20 }));
    await off.speak();
    const inputs = await off.run(1500);
    expect(audioOf(off.echo.downstream).every((audio, i) => audio === inputs[i])).toBe(true);
    expect(off.stage.stats).toBeUndefined();
    expect(off.ownVoice.end).toBe(Number.NEGATIVE_INFINITY);
  });

  it("releases its references once, whichever way the bot stops", async () => {
    const { echo, references } = await setup("auto", new EchoMix({ delayMs: 0, gain: 0 }));
    const close = vi.spyOn(references, "close");
    await echo.send(frame("end", { reason: "done" }));
    await echo.send(frame("cancel", { reason: "done" }));
    expect(close).toHaveBeenCalledTimes(1);
    await echo.send(frame("input-audio", { audio: new Int16Array(CHUNK), sampleRate: RATE }));
    expect(audioOf(echo.downstream)).toHaveLength(1);
  });
});
