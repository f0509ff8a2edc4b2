/**
 * The output stage through the stage probe, on fake timers: the bot's voice leaves in 20 ms frames
 * at real-time pace with a 60 ms lead, stops within one frame on an interruption, and reports what
 * was really heard.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { frame } from "../frames.js";
import { StageProbe } from "../testing/run-stage.js";
import { TurnMetrics } from "../turn-metrics.js";
import { AudioOutputStage } from "./audio-output.js";

const RATE = 16000;
const FRAME = 320;
const voice = (ms: number, turnId: number, text: string | null) =>
  frame("tts-audio", { audio: new Int16Array((RATE * ms) / 1000).fill(500), sampleRate: RATE, turnId, text });

function setup() {
  const sent: Int16Array[] = [];
  const stage = new AudioOutputStage(RATE, (pcm) => sent.push(pcm), new TurnMetrics());
  return { sent, stage, probe: new StageProbe(stage) };
}

const upstreamTypes = (probe: StageProbe) => probe.upstream.map((f) => f.type);

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

describe("audio output stage", () => {
  it("sends 20 ms frames at real-time pace after a three-frame lead", async () => {
    const { probe, sent, stage } = setup();
    await probe.send(frame("tts-started", { turnId: 1 }), voice(200, 1, "Hello there."));
    expect(sent).toHaveLength(3);
    expect(sent.every((pcm) => pcm.length === FRAME)).toBe(true);
    expect(stage.speaking).toBe(true);
    expect(upstreamTypes(probe)).toEqual(["bot-started-speaking"]);
    await vi.advanceTimersByTimeAsync(20);
    expect(sent).toHaveLength(4);
    await vi.advanceTimersByTimeAsync(100);
    expect(sent).toHaveLength(9);
    await vi.advanceTimersByTimeAsync(1000);
    expect(sent).toHaveLength(10);
    // The reply has not ended yet, so the bot is still speaking (waiting for more audio).
    expect(stage.speaking).toBe(true);
  });

  it("reports the whole reply as heard once its audio has played out", async () => {
    const { probe, stage } = setup();
    await probe.send(voice(100, 1, "Hello there."), voice(100, 1, "How are you?"), frame("tts-stopped", { turnId: 1 }));
    await vi.advanceTimersByTimeAsync(1000);
    expect(stage.speaking).toBe(false);
    expect(upstreamTypes(probe)).toEqual(["bot-started-speaking", "bot-spoken-text", "bot-stopped-speaking"]);
    expect(probe.upstream[1]).toMatchObject({ type: "bot-spoken-text", text: "Hello there. How are you?", turnId: 1, complete: true });
  });

  it("falls silent within one frame on an interruption and reports only the words heard", async () => {
    const { probe, sent } = setup();
    await probe.send(voice(200, 1, "one two three four five six seven eight nine ten"), frame("tts-stopped", { turnId: 1 }));
    await vi.advanceTimersByTimeAsync(40);
    const before = sent.length;
    expect(before).toBe(5);
    await probe.send(frame("interruption"));
    await vi.advanceTimersByTimeAsync(1000);
    expect(sent).toHaveLength(before);
    expect(probe.types()).toEqual(["interruption"]);
    expect(upstreamTypes(probe)).toEqual(["bot-started-speaking", "bot-spoken-text", "bot-stopped-speaking"]);
    expect(probe.upstream[1]).toMatchObject({ text: "one two three four five…", complete: false });
  });

  it("stops its clock on end and leaves no timer", async () => {
    const { probe, sent } = setup();
    await probe.send(voice(200, 1, "Long reply."));
    expect(vi.getTimerCount()).toBe(1);
    await probe.send(frame("end", { reason: "left" }));
    expect(vi.getTimerCount()).toBe(0);
    const count = sent.length;
    await vi.advanceTimersByTimeAsync(1000);
    expect(sent).toHaveLength(count);
    expect(probe.types()).toEqual(["end"]);
  });
});
