/**
 * The synthesis stage through the stage probe, with a synthesiser that speaks each sentence as a
 * few timed chunks: sentences are spoken as soon as they are complete, cleaned of markup, a failed
 * one is skipped, and an interruption stops the sentence being made.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { type Frame, frame } from "../frames.js";
import { ChunkedTts, FAIL_MARK } from "../testing/fake-services.js";
import { StageProbe, sendWhileClockRuns } from "../testing/run-stage.js";
import { TurnMetrics } from "../turn-metrics.js";
import { SpeechSynthesisStage } from "./speech-synthesis.js";

const RATE = 24000;
const text = (t: string, turnId = 1) => frame("llm-text", { text: t, turnId });

function setup() {
  const tts = new ChunkedTts(3, 10);
  const stage = new SpeechSynthesisStage({ tts, outputRate: RATE, voiceId: undefined, gender: undefined, language: "en-US", metrics: new TurnMetrics() });
  return { tts, probe: new StageProbe(stage) };
}

/** Sends frames while the fake clock runs a second on, since the stage waits on it. */
const sendTimed = (probe: StageProbe, ...frames: Frame[]) => sendWhileClockRuns(probe, (ms) => vi.advanceTimersByTimeAsync(ms), 1000, ...frames);

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

describe("speech synthesis stage", () => {
  it("speaks each sentence once it is complete, then ends the turn", async () => {
    const { tts, probe } = setup();
    await sendTimed(probe, text("Hello there"), text(". How are"));
    expect(tts.calls.map((c) => c.text)).toEqual(["Hello there."]);
    await sendTimed(probe, text(" you today"), frame("llm-response-end", { turnId: 1, aborted: false }));
    expect(tts.calls.map((c) => c.text)).toEqual(["Hello there.", "How are you today"]);
    // One context per answer, named so bots sharing one engine never collide.
    expect(tts.calls.every((c) => c.context.endsWith("-turn-1") && c.context === tts.calls[0]?.context && c.sampleRate === RATE)).toBe(true);
    expect(probe.types()).toEqual(["tts-started", ...Array(6).fill("tts-audio"), "tts-stopped", "llm-response-end"]);
    expect(probe.of("tts-audio").map((f) => f.text)).toEqual(["Hello there.", null, null, "How are you today", null, null]);
    expect(probe.of("tts-audio").every((f) => f.sampleRate === RATE && f.audio.length === RATE / 100)).toBe(true);
  });

  it("speaks text cleaned of markup, and nothing for text with no words", async () => {
    const { tts, probe } = setup();
    await sendTimed(probe, text("**Sure**, see [the docs](https://example.com). "), text("*** \n"), frame("llm-response-end", { turnId: 1, aborted: false }));
    expect(tts.calls.map((c) => c.text)).toEqual(["Sure, see the docs."]);
  });

  it("skips a sentence the synthesiser could not say, reports it, and goes on", async () => {
    const { tts, probe } = setup();
    await sendTimed(probe, text(`First ${FAIL_MARK} sentence. Second sentence. `), frame("llm-response-end", { turnId: 1, aborted: false }));
    expect(tts.calls).toHaveLength(2);
    expect(probe.upstream.map((f) => f.type)).toEqual(["error"]);
    expect(probe.of("tts-audio").map((f) => f.text)).toEqual(["Second sentence.", null, null]);
    expect(probe.types(["tts-stopped"])).toEqual(["tts-stopped"]);
  });

  it("speaks a speak frame as a whole turn", async () => {
    const { tts, probe } = setup();
    await sendTimed(probe, frame("speak", { text: "Hi, I am Sam. I take notes.", turnId: 7 }));
    const context = tts.calls[0]?.context ?? "";
    expect(context).toMatch(/-turn-7$/);
    expect(tts.calls.map((c) => [c.text, c.context])).toEqual([
      ["Hi, I am Sam.", context],
      ["I take notes.", context],
    ]);
    expect(probe.types(["tts-started", "tts-stopped"])).toEqual(["tts-started", "tts-stopped"]);
  });

  it("an interruption aborts the sentence being made and forgets the unfinished text", async () => {
    const { tts, probe } = setup();
    const speaking = probe.send(text("A long first sentence. And the half of"));
    await vi.advanceTimersByTimeAsync(15);
    await probe.send(frame("interruption"));
    await vi.advanceTimersByTimeAsync(1000);
    await speaking;
    expect(tts.calls[0]?.aborted).toBe(true);
    expect(probe.of("tts-audio")).toHaveLength(1);
    expect(probe.types().at(-1)).toBe("interruption");
    // The rest of the interrupted answer is not spoken with the next one.
    await sendTimed(probe, text(" a new answer.", 2), frame("llm-response-end", { turnId: 2, aborted: false }));
    expect(tts.calls.map((c) => c.text)).toEqual(["A long first sentence.", "a new answer."]);
  });
});
