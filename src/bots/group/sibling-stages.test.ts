/**
 * The turn stages of two bots in one meeting group, through the stage probe on fake timers: the
 * floor gate tells the group when its bot's voice is out, and the other bot's speaker attribution
 * gives what it hears then to that sibling even with no speaker event at all, while a person
 * flagged by the provider keeps their own words. Words of a sibling never barge in.
 */
import { DEFAULT_VAD } from "../../core/vad-defaults.js";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { DEFAULT_TURN_POLICY } from "../../core/turn-policy.js";
import { frame } from "../../pipeline/frames.js";
import { BargeInStage } from "../../pipeline/stages/barge-in.js";
import { FloorGateStage } from "../../pipeline/stages/floor-gate.js";
import { SpeakerAttributionStage } from "../../pipeline/stages/speaker-attribution.js";
import { StageProbe } from "../../pipeline/testing/run-stage.js";
import { TurnContext } from "../../pipeline/turn/turn-context.js";
import { MeetingGroups } from "./meeting-groups.js";

const VAD = DEFAULT_VAD;

function twoBots() {
  const groups = new MeetingGroups();
  const context = (holderId: string, botName: string) =>
    new TurnContext({ policy: DEFAULT_TURN_POLICY, botName, personaName: botName, holderId, group: groups.join(undefined, "g", { holderId, displayName: botName, names: [] }) });
  return { sam: context("c-sam", "Sam"), alex: context("c-alex", "Alex") };
}

beforeEach(() => vi.useFakeTimers());
afterEach(() => vi.useRealTimers());

describe("sibling bots' stages", () => {
  it("attributes speech heard while a sibling spoke to the sibling, without speaker events", async () => {
    const { sam, alex } = twoBots();
    const samGate = new StageProbe(new FloorGateStage(sam));
    const alexEars = new StageProbe(new SpeakerAttributionStage(alex, VAD));
    await alexEars.send(frame("speakers-update", { speakers: [{ name: "Alice", id: 1, isSpeaking: false, timestamp: 0 }] }));

    await samGate.sendUpstream(frame("bot-started-speaking"));
    await vi.advanceTimersByTimeAsync(120 + VAD.minSpeechMs);
    await alexEars.send(frame("user-started-speaking"));
    await vi.advanceTimersByTimeAsync(2000);
    await samGate.sendUpstream(frame("bot-stopped-speaking"));
    await vi.advanceTimersByTimeAsync(120 + VAD.minSilenceMs);
    await alexEars.send(frame("user-stopped-speaking"), frame("transcription", { text: "What do you think, Alex?", speaker: null, language: "en-US" }));
    expect(alexEars.of("transcription").at(-1)?.speaker).toBe("Sam");
    expect(alex.roster.participants().map((p) => `${p.name}:${p.kind}`)).toEqual(["Alice:human"]);
    expect(alex.roster.humanCount()).toBe(1);

    // A person the provider flags, with no sibling speaking, keeps their words.
    await vi.advanceTimersByTimeAsync(1000);
    await alexEars.send(frame("speakers-update", { speakers: [{ name: "Alice", id: 1, isSpeaking: true, timestamp: 0 }] }));
    await vi.advanceTimersByTimeAsync(VAD.minSpeechMs);
    await alexEars.send(frame("user-started-speaking"));
    await vi.advanceTimersByTimeAsync(1500);
    await alexEars.send(frame("speakers-update", { speakers: [{ name: "Alice", id: 1, isSpeaking: false, timestamp: 0 }] }));
    await vi.advanceTimersByTimeAsync(VAD.minSilenceMs);
    await alexEars.send(frame("user-stopped-speaking"), frame("transcription", { text: "Thanks both.", speaker: null, language: "en-US" }));
    expect(alexEars.of("transcription").at(-1)?.speaker).toBe("Alice");
  });

  it("never lets a sibling's late words interrupt the bot", async () => {
    const { alex } = twoBots();
    const bargeIn = new StageProbe(new BargeInStage(alex, VAD.minSpeechMs));
    await bargeIn.sendUpstream(frame("bot-started-speaking"));
    alex.botSpeaking = true;
    await bargeIn.send(frame("transcription", { text: "so that is the whole plan then", speaker: "Sam", language: "en-US" }));
    expect(bargeIn.upstream.filter((f) => f.type === "interruption")).toEqual([]);
    await bargeIn.send(frame("transcription", { text: "wait a moment please", speaker: "Alice", language: "en-US" }));
    expect(bargeIn.upstream.filter((f) => f.type === "interruption").length + bargeIn.types(["interruption"]).length).toBe(1);
  });
});
