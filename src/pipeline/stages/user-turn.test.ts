/**
 * The user-turn stage through the stage probe, on fake timers: when a finished human turn is
 * answered, waited on, or left alone.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { Conversation } from "../conversation.js";
import { frame } from "../frames.js";
import { StageProbe } from "../testing/run-stage.js";
import { context, roster, said } from "../testing/turn-fixtures.js";
import type { TurnPolicy } from "../../core/turn-policy.js";
import { TurnMetrics } from "../turn-metrics.js";
import { UserTurnStage } from "./user-turn.js";

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
