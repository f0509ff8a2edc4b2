/**
 * The barge-in stage through the stage probe, on fake timers: which speech over the bot
 * interrupts it, and when an interrupted reply resumes.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { frame } from "../frames.js";
import { StageProbe } from "../testing/run-stage.js";
import { context, said } from "../testing/turn-fixtures.js";
import { BargeInStage } from "./barge-in.js";

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

describe("barge-in", () => {
  function setup() {
    const ctx = context();
    ctx.botSpeaking = true;
    const stage = new BargeInStage(ctx, 250);
    return { ctx, stage, probe: new StageProbe(stage) };
  }

  it("lets a short backchannel pass without stopping the bot", async () => {
    const { probe } = setup();
    await probe.send(frame("user-started-speaking"), frame("interim-transcription", { text: "mm-hm", speaker: null, language: null }));
    await vi.advanceTimersByTimeAsync(200);
    await probe.send(frame("user-stopped-speaking"), said("Mm-hm."));
    await vi.advanceTimersByTimeAsync(2000);
    expect(probe.types(["interruption"])).toEqual([]);
  });

  it("interrupts once speech has lasted the minimum duration", async () => {
    const { probe, stage } = setup();
    await probe.send(frame("user-started-speaking"));
    await vi.advanceTimersByTimeAsync(249);
    expect(probe.types(["interruption"])).toEqual([]);
    await vi.advanceTimersByTimeAsync(1);
    expect(probe.types(["interruption"])).toEqual(["interruption"]);
    expect(stage.lastInterruptionAt).toBeDefined();
  });

  it("interrupts at once on two words that are not backchannels", async () => {
    const { probe } = setup();
    await probe.send(frame("user-started-speaking"), frame("interim-transcription", { text: "wait, stop", speaker: null, language: null }));
    expect(probe.types(["interruption"])).toEqual(["interruption"]);
  });

  it("resumes the reply after an interruption with no words in it", async () => {
    const { probe } = setup();
    await probe.send(frame("user-started-speaking"));
    await vi.advanceTimersByTimeAsync(300);
    await probe.sendUpstream(frame("bot-spoken-text", { text: "First part.", turnId: 4, complete: false }), frame("bot-stopped-speaking"));
    await probe.send(frame("user-stopped-speaking"));
    await vi.advanceTimersByTimeAsync(1500);
    expect(probe.of("reply-resume")).toMatchObject([{ turnId: 4 }]);
  });

  it("does not resume when the interruption had words", async () => {
    const { probe } = setup();
    await probe.send(frame("user-started-speaking"));
    await vi.advanceTimersByTimeAsync(300);
    await probe.sendUpstream(frame("bot-spoken-text", { text: "First", turnId: 4, complete: false }));
    await probe.send(frame("user-stopped-speaking"), said("actually I have a question"));
    await vi.advanceTimersByTimeAsync(3000);
    expect(probe.of("reply-resume")).toEqual([]);
  });
});
