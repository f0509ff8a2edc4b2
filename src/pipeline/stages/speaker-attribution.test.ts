/**
 * The speaker-attribution stage through the stage probe, on fake timers: who said each
 * transcription, from the speaker events, diarization labels and the roster.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { frame } from "../frames.js";
import { StageProbe } from "../testing/run-stage.js";
import { context, roster, said } from "../testing/turn-fixtures.js";
import { DEFAULT_VAD } from "../../core/vad-defaults.js";
import { SpeakerAttributionStage } from "./speaker-attribution.js";

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

describe("speaker attribution", () => {
  it("names the participant flagged speaking for most of the utterance, minus the VAD's delays", async () => {
    const ctx = context();
    const probe = new StageProbe(new SpeakerAttributionStage(ctx, DEFAULT_VAD));
    await probe.send(frame("speakers-update", { speakers: roster("Alice") }));
    await vi.advanceTimersByTimeAsync(600);
    await probe.send(frame("speakers-update", { speakers: roster("Bob") }));
    await vi.advanceTimersByTimeAsync(250);
    await probe.send(frame("user-started-speaking"));
    await vi.advanceTimersByTimeAsync(2000);
    await probe.send(frame("speakers-update", { speakers: roster(null) }));
    await vi.advanceTimersByTimeAsync(300);
    await probe.send(frame("user-stopped-speaking"), said("it was me", "Alice"));
    expect(probe.of("transcription")[0]?.speaker).toBe("Bob");
    expect(ctx.roster.humanCount()).toBe(2);
  });

  it("learns whose voice a diarization label is, and uses it when no speaker event came", async () => {
    const ctx = context();
    const probe = new StageProbe(new SpeakerAttributionStage(ctx, DEFAULT_VAD));
    const heard = (text: string) => frame("transcription", { text, speaker: null, language: "en-US", diarization: "1" });
    await probe.send(frame("speakers-update", { speakers: roster("Bob") }), frame("user-started-speaking"));
    await vi.advanceTimersByTimeAsync(1000);
    await probe.send(frame("speakers-update", { speakers: roster(null) }), frame("user-stopped-speaking"), heard("first"));
    await vi.advanceTimersByTimeAsync(5000);
    await probe.send(frame("user-started-speaking"));
    await vi.advanceTimersByTimeAsync(1000);
    await probe.send(frame("user-stopped-speaking"), heard("second, with no speaker event"));
    expect(probe.of("transcription").map((t) => t.speaker)).toEqual(["Bob", "Bob"]);
  });

  it("takes an entry that only ever lights up while the bot talks for the bot itself", async () => {
    const ctx = context();
    const probe = new StageProbe(new SpeakerAttributionStage(ctx, DEFAULT_VAD));
    const names = ["Alice", "Meeting Bot 7"];
    await probe.send(frame("speakers-update", { speakers: roster(null, names) }));
    expect(ctx.roster.humanCount()).toBe(2);
    for (let i = 0; i < 3; i++) {
      await probe.sendUpstream(frame("bot-started-speaking"));
      await vi.advanceTimersByTimeAsync(100);
      await probe.send(frame("speakers-update", { speakers: roster("Meeting Bot 7", names) }));
      await vi.advanceTimersByTimeAsync(2000);
      await probe.send(frame("speakers-update", { speakers: roster(null, names) }));
      await probe.sendUpstream(frame("bot-stopped-speaking"));
      await vi.advanceTimersByTimeAsync(1000);
    }
    expect(ctx.roster.participants().map((p) => p.kind)).toEqual(["human", "self"]);
    expect(ctx.roster.humanCount()).toBe(1);
  });

  it("keeps the recogniser's guess, or the only person present, when nobody was flagged", async () => {
    const ctx = context();
    const probe = new StageProbe(new SpeakerAttributionStage(ctx, DEFAULT_VAD));
    await probe.send(frame("speakers-update", { speakers: roster(null, ["Alice"]) }), said("hello"));
    expect(probe.of("transcription")[0]?.speaker).toBe("Alice");
  });
});
