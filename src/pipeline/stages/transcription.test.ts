/**
 * The transcription stage through the stage probe, with a recording recogniser: what reaches the
 * session (pre-roll, speech, utterance ends), what comes out as text, and how a failed session is
 * reopened on the test's clock.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { ProviderError } from "../../core/errors.js";
import { type Speaker, frame } from "../frames.js";
import { RecordingSpeechToText, pcm16k } from "../testing/fake-services.js";
import { StageProbe } from "../testing/run-stage.js";
import { TranscriptionStage } from "./transcription.js";

const audio = (ms: number, loud = true) => frame("input-audio", { audio: pcm16k(ms, loud), sampleRate: 16000 });
const roster = (speaking: string | null): Speaker[] => ["Alice", "Bob"].map((name, i) => ({ name, id: i + 1, isSpeaking: name === speaking, timestamp: 0 }));

async function started() {
  const stt = new RecordingSpeechToText();
  const probe = new StageProbe(new TranscriptionStage(stt, "en-US", ["Sam"]));
  await probe.send(frame("start", { sampleRate: 16000 }));
  await vi.advanceTimersByTimeAsync(0);
  const session = stt.last;
  if (!session) throw new Error("no session opened");
  return { stt, probe, session };
}

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

describe("transcription stage", () => {
  it("opens one 16 kHz session with the bot's names, and keeps the meeting's audio (no later stage listens to it)", async () => {
    const { stt, probe, session } = await started();
    expect(stt.opens).toBe(1);
    expect(session.options).toEqual({ sampleRate: 16000, language: "en-US", keyterms: ["Sam"] });
    await probe.send(audio(20));
    await probe.send(frame("user-started-speaking"));
    expect(probe.of("input-audio")).toEqual([]);
    expect(probe.of("user-started-speaking")).toHaveLength(1);
  });

  it("sends the recogniser speech only, with the last second before it, in 60 ms chunks, and ends each utterance", async () => {
    const { probe, session } = await started();
    for (let i = 0; i < 75; i++) await probe.send(audio(20, false));
    expect(session.samplesWritten).toBe(0);
    await probe.send(frame("user-started-speaking"));
    // The second of pre-roll in whole 960-sample chunks; the 640 samples left wait for more speech.
    expect(session.samplesWritten).toBe(15360);
    expect(session.written.every((w) => w.length === 960)).toBe(true);
    await probe.send(audio(500), frame("user-stopped-speaking"));
    // What was left goes out before the utterance ends.
    expect(session.samplesWritten).toBe(16000 + 8000);
    expect(session.finalized).toBe(1);
    await probe.send(audio(300, false));
    expect(session.samplesWritten).toBe(24000);
  });

  it("turns final text into a transcription from the speaker flagged speaking, interim text into an interim one", async () => {
    const { probe, session } = await started();
    await probe.send(frame("speakers-update", { speakers: roster("Bob") }));
    session.handlers.onTranscript({ text: "what is the", final: false, language: "en-US" });
    session.handlers.onTranscript({ text: "  ", final: true, language: "en-US" });
    session.handlers.onTranscript({ text: " what is the weather ", final: true, language: "en-US", speakerLabel: "1" });
    await probe.processor.idle();
    expect(probe.of("interim-transcription")).toMatchObject([{ text: "what is the", speaker: "Bob" }]);
    expect(probe.of("transcription")).toMatchObject([{ text: "what is the weather", speaker: "Bob", language: "en-US", diarization: "1" }]);
  });

  it("reports a failed session, holds speech meanwhile, and reopens it after 0.5 s, then 1 s", async () => {
    const { stt, probe, session } = await started();
    stt.failOpens = 1;
    session.handlers.onError(new ProviderError("recording", "connection closed", { retryable: true }));
    await vi.advanceTimersByTimeAsync(0);
    expect(probe.upstream.map((f) => f.type)).toEqual(["error"]);
    expect(session.closed).toEqual({});
    await probe.send(frame("user-started-speaking"), audio(200));
    await vi.advanceTimersByTimeAsync(499);
    expect(stt.opens).toBe(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(stt.opens).toBe(2);
    expect(probe.upstream.map((f) => f.type)).toEqual(["error", "error"]);
    await vi.advanceTimersByTimeAsync(999);
    expect(stt.opens).toBe(2);
    await vi.advanceTimersByTimeAsync(1);
    expect(stt.opens).toBe(3);
    // The held speech reaches the new session (the last 20 ms wait to fill a 60 ms chunk).
    expect(stt.last?.samplesWritten).toBe(2880);
  });

  it("closes its session on end, discarding queued work, and leaves no reopen timer", async () => {
    const { probe, session } = await started();
    session.handlers.onError(new ProviderError("recording", "connection closed", { retryable: true }));
    await vi.advanceTimersByTimeAsync(0);
    expect(vi.getTimerCount()).toBe(1);
    await probe.send(frame("end", { reason: "left" }));
    expect(vi.getTimerCount()).toBe(0);

    const second = await started();
    await second.probe.send(frame("cancel", { reason: "failed" }));
    expect(second.session.closed).toEqual({ discard: true });
  });
});
