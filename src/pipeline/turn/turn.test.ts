import { describe, expect, it } from "vitest";
import { Conversation } from "../conversation.js";
import type { ChatMessage, LanguageModel } from "../../services/llm/language-model.js";
import { AddressDetector } from "./addressing.js";
import { createLlmFloorClassifier } from "./llm-floor-check.js";
import { endpointDelay } from "./endpointing.js";
import { InProcessFloor } from "./floor.js";
import { metaphone, soundsLike } from "./phonetic.js";
import { MeetingRoster } from "./roster.js";
import { decideTurn } from "./speak-decision.js";
import { DEFAULT_TURN_POLICY, resolveTurnPolicy, turnPolicyInputSchema } from "../../core/turn-policy.js";
import { contentWordCount, isBackchannel, isQuestion, soundsUnfinished } from "./utterance-text.js";

describe("phonetic keys", () => {
  it("gives names and their usual misspellings the same key", () => {
    expect(metaphone("Catherine")).toBe(metaphone("Kathryn"));
    expect(metaphone("Philip")).toBe(metaphone("Filip"));
    expect(metaphone("Nova")).toBe("NF");
    expect(soundsLike("sem", "sam")).toBe(true);
    expect(soundsLike("jaydon", "jayden")).toBe(true);
    expect(soundsLike("marcus", "markus")).toBe(true);
    expect(soundsLike("bob", "sam")).toBe(false);
    expect(soundsLike("table", "nova")).toBe(false);
  });
});

describe("addressing", () => {
  const detector = new AddressDetector(["Sam", "Meeting Facilitator", "Sammy"]);
  const others = ["Alice Chen", "Bob"];

  it.each([
    ["Sam, what do you think?", true],
    ["Hey Sam what is the deadline", true],
    ["That's the plan, right, Sam?", true],
    ["Okay. Sem, can you summarise?", true],
    ["what do you think sam", true],
    ["Meeting facilitator, where are we on time?", true],
    ["I told Sam about it yesterday.", false],
    ["Some of us think it is late.", false],
    ["Same here.", false],
  ])("%s → to the bot: %s", (text, expected) => {
    expect(detector.analyse(text, others).toBot).toBe(expected);
  });

  it("knows when another participant is called by name", () => {
    expect(detector.analyse("Bob, did you push the fix?", others).toOther).toBe("Bob");
    expect(detector.analyse("Alice what's the status", others).toOther).toBe("Alice Chen");
    expect(detector.analyse("Did you push it, Bob?", others).toOther).toBe("Bob");
    expect(detector.analyse("I pushed it with Bob yesterday.", others).toOther).toBeNull();
  });

  it("recognises questions to the room", () => {
    expect(detector.analyse("Does anyone know when the release is?", others).roomQuestion).toBe(true);
    expect(detector.analyse("Any thoughts?", others).roomQuestion).toBe(true);
    expect(detector.analyse("what does everyone think about the name", others).roomQuestion).toBe(true);
    expect(detector.analyse("Bob, any thoughts?", others).roomQuestion).toBe(false);
    expect(detector.analyse("I think everyone agreed.", others).roomQuestion).toBe(false);
  });

  it("returns the words around the name", () => {
    expect(detector.analyse("Thanks, Sam.", others).rest).toBe("thanks");
  });
});

describe("utterance text", () => {
  it("tells finished sentences from hanging ones", () => {
    expect(soundsUnfinished("I was thinking that we could")).toBe(true);
    expect(soundsUnfinished("I think we should ship it")).toBe(false);
    expect(soundsUnfinished("Sam, I was wondering whether")).toBe(true);
    expect(soundsUnfinished("so the problem is that")).toBe(true);
    expect(soundsUnfinished("we tried the cache and")).toBe(true);
    expect(soundsUnfinished("we tried the cache,")).toBe(true);
    expect(soundsUnfinished("What is the plan?")).toBe(false);
    expect(soundsUnfinished("Let me think...")).toBe(true);
    expect(endpointDelay("and then the", DEFAULT_TURN_POLICY.endpointing)).toEqual({ delayMs: 1200, reason: "unfinished" });
    expect(endpointDelay("What time is it?", DEFAULT_TURN_POLICY.endpointing)).toEqual({ delayMs: 0, reason: "complete" });
  });

  it("spots backchannels, questions and content words", () => {
    expect(isBackchannel("Mm-hm.")).toBe(true);
    expect(isBackchannel("yeah, right")).toBe(true);
    expect(isBackchannel("yeah I disagree")).toBe(false);
    expect(isQuestion("what time is it")).toBe(true);
    expect(isQuestion("it is late.")).toBe(false);
    expect(contentWordCount("yeah mm-hm")).toBe(0);
    expect(contentWordCount("yeah wait a second")).toBe(3);
  });
});

describe("turn policy", () => {
  it("layers persona and request over the defaults", () => {
    const policy = resolveTurnPolicy({ mode: "addressed", aliases: ["Sammy"], interruption: { min_words: 3 } }, { aliases: ["S"], interruption: { min_duration_ms: 800 } });
    expect(policy.mode).toBe("addressed");
    expect(policy.aliases).toEqual(["Sammy", "S"]);
    expect(policy.interruption).toMatchObject({ minWords: 3, minDurationMs: 800, enabled: true });
    expect(DEFAULT_TURN_POLICY.interruption.minDurationMs).toBe(500);
  });

  it("rejects unknown fields and out-of-range values, naming them", () => {
    const bad = turnPolicyInputSchema.safeParse({ mode: "sometimes", interruption: { min_words: -1 }, extra: 1 });
    expect(bad.success).toBe(false);
    const paths = bad.error?.issues.map((i) => i.path.join(".") || i.message) ?? [];
    expect(paths.join(" ")).toMatch(/mode/);
  });
});

describe("speak decision", () => {
  const detector = new AddressDetector(["Sam"]);
  const base = { policy: DEFAULT_TURN_POLICY, humans: 3, overBotSpeech: false, followUp: false, answeredRoomQuestionLast: false };
  const decide = (text: string, extra: Partial<typeof base> = {}) => decideTurn({ ...base, ...extra, address: detector.analyse(text, ["Alice", "Bob"]) });

  it("answers every turn with one person, and only given the floor in a group", () => {
    expect(decide("what is the plan", { humans: 1 })).toMatchObject({ speak: true, reason: "one_human" });
    expect(decide("what is the plan")).toMatchObject({ speak: false, reason: "not_addressed", uncertain: true });
    expect(decide("Sam, what is the plan?")).toMatchObject({ speak: true, reason: "addressed" });
    expect(decide("Bob, what is the plan?", { humans: 1 })).toMatchObject({ speak: false, reason: "addressed_to_other" });
    expect(decide("and for the backend?", { followUp: true })).toMatchObject({ speak: true, reason: "follow_up" });
    expect(decide("thanks, Sam")).toMatchObject({ speak: false, reason: "acknowledgement" });
    expect(decide("mm-hm", { overBotSpeech: true, humans: 1 })).toMatchObject({ speak: false, reason: "backchannel_over_reply" });
  });

  it("answers a room question once, and only when its role says so", () => {
    const q = "Does anyone know the release date?";
    expect(decide(q)).toMatchObject({ speak: false, reason: "room_question_not_my_role" });
    const policy = { ...DEFAULT_TURN_POLICY, answerRoomQuestions: true };
    expect(decide(q, { policy })).toMatchObject({ speak: true, reason: "room_question" });
    expect(decide("anyone else have thoughts?", { policy, followUp: true, answeredRoomQuestionLast: true })).toMatchObject({ speak: false });
  });

  it("follows the mode", () => {
    expect(decide("Sam?", { policy: { ...DEFAULT_TURN_POLICY, mode: "listen_only" } }).speak).toBe(false);
    expect(decide("lunch?", { policy: { ...DEFAULT_TURN_POLICY, mode: "always" } }).speak).toBe(true);
    expect(decide("what now", { humans: 1, policy: { ...DEFAULT_TURN_POLICY, mode: "addressed" } }).speak).toBe(false);
  });
});

describe("roster", () => {
  const at = (name: string, isSpeaking: boolean) => ({ name, id: null, isSpeaking, timestamp: 0 });

  it("attributes an utterance to whoever was flagged speaking for most of it", () => {
    const roster = new MeetingRoster({ selfNames: ["Sam"] });
    roster.update([at("Alice", true), at("Bob", false), at("Sam", false)], 1000);
    roster.update([at("Alice", false), at("Bob", true)], 1300);
    roster.update([at("Bob", false)], 3000);
    expect(roster.attribute(900, 3100)).toBe("Bob");
    expect(roster.attribute(900, 1250)).toBe("Alice");
    expect(roster.attribute(5000, 6000)).toBeNull();
    expect(roster.humanCount()).toBe(2);
    expect(roster.others().map((p) => p.name)).toEqual(["Alice", "Bob"]);
  });

  it("knows the bot's own entry by its name, or by lighting up while only the bot talks", () => {
    const roster = new MeetingRoster({ selfNames: ["Sam"] });
    roster.update([at("Alice", false), at("Sam (Bot)", false), at("Speaker 3", false)], 0);
    expect(roster.humanCount()).toBe(2);
    roster.heard("Alice");
    for (const t of [1000, 3000, 5000]) {
      roster.update([at("Speaker 3", true), at("Alice", true)], t);
      for (const span of roster.update([at("Speaker 3", false), at("Alice", false)], t + 500)) roster.looksLikeSelf(span.name);
    }
    expect(roster.humanCount()).toBe(1);
    expect(roster.others().map((p) => p.name)).toEqual(["Alice"]);
  });

  it("counts participants the meeting flags as bots as bots, not people", () => {
    const roster = new MeetingRoster({ selfNames: ["Sam"] });
    roster.update([at("Alice", false), { ...at("Alex", false), isBot: true }], 0);
    expect(roster.participants().map((p) => `${p.name}:${p.kind}`)).toEqual(["Alice:human", "Alex:bot"]);
    expect(roster.humanCount()).toBe(1);
  });

  it("counts one person until speaker events say otherwise", () => {
    expect(new MeetingRoster({ selfNames: ["Sam"] }).humanCount()).toBe(1);
  });
});

describe("LLM floor check", () => {
  it("asks a one-word question with the recent speaker-tagged turns and reads a yes", async () => {
    const conversation = new Conversation("system", 20);
    conversation.addUser("Alice", "Where are we on the release?");
    conversation.addAssistant("Two bugs left.");
    conversation.addUser("Bob", "What about the docs?");
    const seen: ChatMessage[][] = [];
    const llm = (reply: string): LanguageModel => ({
      name: "fake",
      model: "fake",
      async *stream(request) {
        seen.push([...request.messages]);
        yield { type: "text", text: reply };
      },
    });
    expect(await createLlmFloorClassifier(llm("Yes."), conversation, "Sam", "Product Manager")({ speaker: "Bob", text: "" }, new AbortController().signal)).toBe(true);
    expect(await createLlmFloorClassifier(llm("No"), conversation, "Sam", "Product Manager")({ speaker: "Bob", text: "" }, new AbortController().signal)).toBe(false);
    expect(seen[0]?.[1]?.content).toBe("Alice: Where are we on the release?\nSam: Two bugs left.\nBob: What about the docs?\n\nShould Sam speak now?");
  });
});

describe("in-process floor", () => {
  it("has one holder at a time and says when it is free", async () => {
    const floor = new InProcessFloor();
    let freed = 0;
    floor.onRelease(() => freed++);
    expect(await floor.tryAcquire("a")).toBe(true);
    expect(await floor.tryAcquire("b")).toBe(false);
    await floor.release("b");
    expect(await floor.holder()).toBe("a");
    await floor.release("a");
    expect(freed).toBe(1);
    expect(await floor.tryAcquire("b")).toBe(true);
  });
});
