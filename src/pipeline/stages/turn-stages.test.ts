/**
 * The turn-taking stages one at a time, through the stage probe, on fake timers: every timing rule
 * is checked on the test's clock, never the machine's.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { Conversation } from "../conversation.js";
import { type Speaker, frame } from "../frames.js";
import { StageProbe } from "../testing/run-stage.js";
import { TurnContext } from "../turn/turn-context.js";
import { DEFAULT_TURN_POLICY, type TurnPolicy } from "../../core/turn-policy.js";
import { TurnMetrics } from "../turn-metrics.js";
import { BargeInStage } from "./barge-in.js";
import { FloorGateStage, unheardSentences } from "./floor-gate.js";
import { SpeakerAttributionStage } from "./speaker-attribution.js";
import { UserTurnStage } from "./user-turn.js";
import { DEFAULT_VAD } from "../../core/vad-defaults.js";

const roster = (speaking: string | null, names = ["Alice", "Bob"]): Speaker[] =>
  names.map((name, i) => ({ name, id: i + 1, isSpeaking: name === speaking, timestamp: 0 }));

function context(policy: Partial<TurnPolicy> = {}): TurnContext {
  return new TurnContext({ policy: { ...DEFAULT_TURN_POLICY, ...policy }, botName: "Sam", personaName: "Interviewer", holderId: "bot-1" });
}

const said = (text: string, speaker: string | null = null) => frame("transcription", { text, speaker, language: "en-US" });

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

describe("user turn", () => {
  function setup(policy: Partial<TurnPolicy> = {}) {
    const ctx = context(policy);
    const conversation = new Conversation("system", 50);
    const probe = new StageProbe(new UserTurnStage(conversation, new TurnMetrics(), ctx));
    return { ctx, conversation, probe };
  }

  it("answers a finished sentence at once when one person is present, as before", async () => {
    const { probe, conversation } = setup();
    await probe.send(frame("user-started-speaking"), frame("user-stopped-speaking"), said("What time is it in Tokyo?", "Alice"));
    expect(probe.types(["turn-decision", "llm-run"])).toEqual(["turn-decision", "llm-run"]);
    expect(probe.of("turn-decision")[0]).toMatchObject({ speak: true, reason: "one_human", speaker: "Alice" });
    expect(conversation.messages().at(-1)).toEqual({ role: "user", content: "Alice: What time is it in Tokyo?" });
  });

  it("waits longer after a sentence left hanging, and takes the rest as the same turn", async () => {
    const { probe, conversation } = setup();
    await probe.send(frame("user-started-speaking"), frame("user-stopped-speaking"), said("so the thing about the release is that"));
    await vi.advanceTimersByTimeAsync(1000);
    expect(probe.types(["llm-run"])).toEqual([]);
    await probe.send(frame("user-started-speaking"));
    await vi.advanceTimersByTimeAsync(2000);
    expect(probe.types(["llm-run"])).toEqual([]);
    await probe.send(frame("user-stopped-speaking"), said("we need another week."));
    expect(probe.types(["llm-run"])).toEqual(["llm-run"]);
    expect(conversation.messages().at(-1)?.content).toBe("so the thing about the release is that we need another week.");
  });

  it("gives up on a hanging sentence after the incomplete delay", async () => {
    const { probe } = setup();
    await probe.send(frame("user-started-speaking"), frame("user-stopped-speaking"), said("I was going to say that"));
    await vi.advanceTimersByTimeAsync(1199);
    expect(probe.types(["llm-run"])).toEqual([]);
    await vi.advanceTimersByTimeAsync(1);
    expect(probe.types(["llm-run"])).toEqual(["llm-run"]);
  });

  it("in a group, answers its name and follow-ups, and stays out of side talk", async () => {
    const { probe, ctx, conversation } = setup();
    ctx.roster.update(roster(null), 0);
    const turn = async (speaker: string, text: string) => {
      probe.clear();
      await probe.send(frame("user-started-speaking"), frame("user-stopped-speaking"), said(text, speaker));
      return probe.of("turn-decision")[0];
    };
    expect(await turn("Alice", "Bob, did you push the fix?")).toMatchObject({ speak: false, reason: "addressed_to_other" });
    expect(await turn("Bob", "Yes, this morning.")).toMatchObject({ speak: false, reason: "not_addressed" });
    const asked = await turn("Alice", "Sem, what's left on the release?");
    expect(asked).toMatchObject({ speak: true, reason: "addressed" });
    await probe.sendUpstream(frame("bot-spoken-text", { text: "Two bugs.", turnId: asked?.turnId ?? -1, complete: true }));
    await vi.advanceTimersByTimeAsync(3000);
    expect(await turn("Alice", "And who owns them?")).toMatchObject({ speak: true, reason: "follow_up" });
    expect(await turn("Bob", "I can take one.")).toMatchObject({ speak: false, reason: "not_addressed" });
    expect(await turn("Alice", "Great, thanks.")).toMatchObject({ speak: false });
    expect(conversation.messages().filter((m) => m.role === "user").map((m) => String(m.content).split(":")[0])).toEqual(["Alice", "Bob", "Alice", "Alice", "Bob", "Alice"]);
  });

  it("asks the LLM only when the rules are unsure, and follows its answer", async () => {
    const ctx = context({ llmCheck: true });
    ctx.roster.update(roster(null), 0);
    const asked: string[] = [];
    const answers = [true, false];
    const stage = new UserTurnStage(new Conversation("system", 50), new TurnMetrics(), ctx, {
      classifier: async (utterance) => {
        asked.push(utterance.text);
        return answers.shift() ?? false;
      },
    });
    const probe = new StageProbe(stage);
    await probe.send(frame("user-stopped-speaking"), said("What is the release date?", "Alice"));
    await probe.send(frame("user-stopped-speaking"), said("Where is the doc?", "Bob"));
    await probe.send(frame("user-stopped-speaking"), said("Bob, lunch?", "Alice"));
    await probe.send(frame("user-stopped-speaking"), said("Sam, ready?", "Bob"));
    expect(asked).toEqual(["What is the release date?", "Where is the doc?"]);
    expect(probe.of("turn-decision").map((d) => d.reason)).toEqual(["llm_yes", "llm_no", "addressed_to_other", "addressed"]);
  });

  it("keeps a reply through a backchannel, and stops it when someone else takes a real turn first", async () => {
    const { probe, ctx } = setup();
    ctx.roster.update(roster(null), 0);
    await probe.send(frame("user-stopped-speaking"), said("Sam, what's the status?", "Alice"));
    await probe.send(frame("user-stopped-speaking"), said("Mm-hm.", "Bob"));
    expect(probe.types(["interruption", "llm-run"])).toEqual(["llm-run"]);
    expect(ctx.movedOnSince(probe.of("llm-run")[0]?.turnId ?? -1)).toBe(false);
    await probe.send(frame("user-stopped-speaking"), said("I think we are late anyway.", "Bob"));
    expect(probe.types(["interruption", "llm-run"])).toEqual(["llm-run", "interruption"]);
    expect(ctx.lastAnswer).toBeUndefined();
  });

  it("never speaks in listen_only mode", async () => {
    const { probe } = setup({ mode: "listen_only" });
    await probe.send(frame("user-stopped-speaking"), said("Sam, are you there?", "Alice"));
    expect(probe.of("turn-decision")[0]).toMatchObject({ speak: false, reason: "listen_only" });
    expect(probe.types(["llm-run"])).toEqual([]);
  });
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
