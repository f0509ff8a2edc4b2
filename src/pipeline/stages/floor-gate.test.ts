/**
 * The floor gate through the stage probe, on fake timers: a ready reply waits for a free floor,
 * is dropped when the talk moved on or it waited too long, and is replayed after a false alarm.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { frame } from "../frames.js";
import { StageProbe } from "../testing/run-stage.js";
import { context, roster } from "../testing/turn-fixtures.js";
import { FloorGateStage, unheardSentences } from "./floor-gate.js";

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

describe("floor gate", () => {
  const audio = (turnId: number, text: string | null) => frame("tts-audio", { audio: new Int16Array(160), sampleRate: 16000, turnId, text });

  it("holds a ready reply while a person speaks and lets it out once the floor is free", async () => {
    const ctx = context();
    ctx.vadSpeaking = true;
    const probe = new StageProbe(new FloorGateStage(ctx));
    const sending = probe.send(frame("tts-started", { turnId: 1 }), audio(1, "Hi."), frame("tts-stopped", { turnId: 1 }));
    await vi.advanceTimersByTimeAsync(2000);
    expect(probe.types()).toEqual([]);
    ctx.vadSpeaking = false;
    ctx.changed();
    await vi.advanceTimersByTimeAsync(10);
    await sending;
    expect(probe.types()).toEqual(["tts-started", "tts-audio", "tts-stopped"]);
    expect(await ctx.floor.holder()).toBe("bot-1");
    await probe.sendUpstream(frame("bot-stopped-speaking"));
    expect(await ctx.floor.holder()).toBeNull();
  });

  it("waits for the speaker events too, unless they have gone stale", async () => {
    const ctx = context();
    ctx.roster.update(roster("Alice"), performance.now());
    const probe = new StageProbe(new FloorGateStage(ctx));
    const sending = probe.send(frame("tts-started", { turnId: 1 }));
    await vi.advanceTimersByTimeAsync(2900);
    expect(probe.types()).toEqual([]);
    await vi.advanceTimersByTimeAsync(200);
    await sending;
    expect(probe.types()).toEqual(["tts-started"]);
  });

  it("drops a held reply when someone else takes a turn", async () => {
    const ctx = context();
    ctx.replyDecided(7, 0);
    ctx.vadSpeaking = true;
    const probe = new StageProbe(new FloorGateStage(ctx));
    const sending = probe.send(frame("tts-started", { turnId: 7 }), audio(7, "Late."), frame("tts-stopped", { turnId: 7 }));
    await vi.advanceTimersByTimeAsync(500);
    ctx.humanTurns = 1;
    ctx.vadSpeaking = false;
    ctx.changed();
    await vi.advanceTimersByTimeAsync(10);
    await sending;
    expect(probe.types()).toEqual([]);
    expect(probe.upstream.filter((f) => f.type === "reply-dropped")).toMatchObject([{ turnId: 7, reason: "moved_on" }]);
  });

  it("drops a reply that waited longer than the hold limit", async () => {
    const ctx = context({ replyHoldMaxMs: 1000 });
    ctx.vadSpeaking = true;
    const probe = new StageProbe(new FloorGateStage(ctx));
    const sending = probe.send(frame("tts-started", { turnId: 2 }), audio(2, "Hm."));
    await vi.advanceTimersByTimeAsync(1200);
    await sending;
    expect(probe.types()).toEqual([]);
    expect(probe.upstream.map((f) => f.type)).toEqual(["reply-dropped"]);
  });

  it("replays a falsely interrupted reply from the sentence that was cut", async () => {
    const ctx = context();
    const probe = new StageProbe(new FloorGateStage(ctx));
    await probe.send(frame("tts-started", { turnId: 3 }), audio(3, "First one."), audio(3, null), audio(3, "Second one."), frame("tts-stopped", { turnId: 3 }));
    await probe.sendUpstream(frame("bot-spoken-text", { text: "First one. Second…", turnId: 3, complete: false }), frame("bot-stopped-speaking"));
    probe.clear();
    await probe.send(frame("reply-resume", { turnId: 3 }));
    expect(probe.types()).toEqual(["tts-started", "tts-audio", "tts-stopped"]);
    expect(probe.of("tts-audio")[0]?.text).toBe("Second one.");
  });

  it("finds the sentences not yet heard", () => {
    const s = [{ text: "A b." }, { text: "C d." }, { text: "E." }];
    expect(unheardSentences(s, "")).toEqual(s);
    expect(unheardSentences(s, "A b. C…")).toEqual(s.slice(1));
    expect(unheardSentences(s, "A b. C d.")).toEqual(s.slice(2));
  });
});
