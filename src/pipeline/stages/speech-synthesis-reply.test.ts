/**
 * The speech synthesis stage on fake timers: when each piece of an answer reaches the TTS engine,
 * and that an answer's pieces share one synthesis context that is ended with the answer.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { SynthesisOptions, TextToSpeech } from "../../services/tts/text-to-speech.js";
import { frame } from "../frames.js";
import { StageProbe } from "../testing/run-stage.js";
import { TurnMetrics } from "../turn-metrics.js";
import { SpeechSynthesisStage } from "./speech-synthesis.js";

/** Records what it is asked to say, when, and in which context; answers 100 ms of audio after 80 ms. */
class RecordingTts implements TextToSpeech {
  readonly name = "recording";
  readonly said: { text: string; context: string; at: number }[] = [];
  readonly ended: { context: string; at: number }[] = [];

  async *synthesize(text: string, options: SynthesisOptions & { context: string }): AsyncIterable<Int16Array> {
    this.said.push({ text, context: options.context, at: Date.now() });
    await new Promise((resolve) => setTimeout(resolve, 80));
    if (!options.signal.aborted) yield new Int16Array(1600);
  }

  endReply(context: string): void {
    this.ended.push({ context, at: Date.now() });
  }
}

function setup() {
  const tts = new RecordingTts();
  const probe = new StageProbe(new SpeechSynthesisStage({ tts, outputRate: 16000, voiceId: undefined, gender: undefined, language: "en-US", metrics: new TurnMetrics() }));
  return { tts, probe };
}

/** Streams tokens 50 ms apart, as an LLM would, without waiting for the stage between them. */
async function stream(probe: StageProbe, turnId: number, tokens: string[]): Promise<void> {
  for (const text of tokens) {
    await probe.deliver(frame("llm-text", { text, turnId }));
    await vi.advanceTimersByTimeAsync(50);
  }
}

beforeEach(() => {
  vi.useFakeTimers({ now: 0 });
});
afterEach(() => {
  vi.useRealTimers();
});

describe("speech synthesis", () => {
  it("sends a long first clause to the engine before its sentence is finished", async () => {
    const { tts, probe } = setup();
    await stream(probe, 1, ["Well, the forecast for Paris ", "today looks mostly sunny and warm", ", with a light ", "breeze later on. ", "Take sunglasses."]);
    await probe.deliver(frame("llm-response-end", { turnId: 1, aborted: false }));
    await vi.advanceTimersByTimeAsync(500);
    expect(tts.said.map((s) => s.text)).toEqual(["Well, the forecast for Paris today looks mostly sunny and warm,", "with a light breeze later on.", "Take sunglasses."]);
    // The clause went out with the third token (at 100 ms), not with the sentence end (at 150 ms or later).
    expect(tts.said[0]?.at).toBe(100);
    expect(probe.types(["tts-started", "tts-audio", "tts-stopped"])).toEqual(["tts-started", "tts-audio", "tts-audio", "tts-audio", "tts-stopped"]);
  });

  it("keeps one context per answer and ends it with the answer", async () => {
    const { tts, probe } = setup();
    await stream(probe, 1, ["First sentence here. ", "Second one follows. ", "Third."]);
    await probe.deliver(frame("llm-response-end", { turnId: 1, aborted: false }));
    await vi.advanceTimersByTimeAsync(300);
    const first = new Set(tts.said.map((s) => s.context));
    expect(first.size).toBe(1);
    expect(tts.ended.map((e) => e.context)).toEqual([...first]);
    // Ended after its last piece was spoken, not before.
    expect(tts.ended[0]?.at).toBeGreaterThanOrEqual((tts.said.at(-1)?.at ?? 0) + 80);

    await stream(probe, 2, ["Next answer. "]);
    await probe.deliver(frame("llm-response-end", { turnId: 2, aborted: false }));
    await vi.advanceTimersByTimeAsync(300);
    expect(first.has(tts.said.at(-1)?.context ?? "")).toBe(false);
    expect(tts.ended).toHaveLength(2);
  });

  it("ends the answer's context on an interruption, and on cleanup", async () => {
    const { tts, probe } = setup();
    await stream(probe, 1, ["A sentence that is cut off. "]);
    await probe.deliver(frame("interruption"));
    expect(tts.ended).toHaveLength(1);
    await probe.deliver(frame("llm-response-end", { turnId: 1, aborted: true }));
    expect(tts.ended).toHaveLength(1);

    await stream(probe, 2, ["Another answer. "]);
    await probe.deliver(frame("end", { reason: "bot left" }));
    await vi.advanceTimersByTimeAsync(200);
    expect(tts.ended.map((e) => e.context)).toEqual([tts.said[0]?.context, tts.said[1]?.context]);
  });
});
