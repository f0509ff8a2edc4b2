/**
 * The VAD stage through the stage probe, on a loudness model in place of Silero: speech events sit
 * at their place among the audio frames, and a window that cannot be scored counts as silence.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { VadParams } from "../../services/vad/voice-activity.js";
import { frame } from "../frames.js";
import { LoudnessVadModel, pcm16k } from "../testing/fake-services.js";
import { StageProbe } from "../testing/run-stage.js";
import { TurnMetrics } from "../turn-metrics.js";
import { VoiceActivityStage } from "./voice-activity.js";

const PARAMS: VadParams = { threshold: 0.5, minSpeechMs: 96, minSilenceMs: 192, minVolume: 0.1 };
const audio = (ms: number, loud: boolean) => frame("input-audio", { audio: pcm16k(ms, loud), sampleRate: 16000 });

function setup() {
  const model = new LoudnessVadModel();
  const metrics = new TurnMetrics();
  const stage = new VoiceActivityStage(model, PARAMS, metrics);
  return { model, stage, probe: new StageProbe(stage) };
}

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

describe("voice activity stage", () => {
  it("announces speech start and stop between the audio frames where they happened", async () => {
    const { probe, stage } = setup();
    await probe.send(frame("start", { sampleRate: 16000 }), audio(256, false), audio(256, true));
    expect(stage.userSpeaking).toBe(true);
    await probe.send(audio(512, false));
    expect(stage.userSpeaking).toBe(false);
    expect(probe.types()).toEqual(["start", "input-audio", "user-started-speaking", "input-audio", "user-stopped-speaking", "input-audio"]);
  });

  it("lets a blip shorter than the minimum speech pass without an event", async () => {
    const { probe } = setup();
    await probe.send(audio(64, true), audio(512, false));
    expect(probe.types(["user-started-speaking", "user-stopped-speaking"])).toEqual([]);
    expect(probe.of("input-audio")).toHaveLength(2);
  });

  it("counts a window it could not score as silence and goes on with the next", async () => {
    const { probe, model } = setup();
    model.failNext = 8;
    await probe.send(audio(256, true));
    expect(probe.types(["user-started-speaking"])).toEqual([]);
    await probe.send(audio(256, true));
    expect(probe.types()).toEqual(["input-audio", "user-started-speaking", "input-audio"]);
    expect(model.scored).toBe(16);
    expect(probe.upstream).toEqual([]);
  });

  it("announces nothing more once it has stopped", async () => {
    const { probe } = setup();
    await probe.send(frame("end", { reason: "left" }), audio(512, true));
    expect(probe.types()).toEqual(["end", "input-audio"]);
  });
});
