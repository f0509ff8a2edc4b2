/**
 * The meeting simulator as a test: every scripted meeting played through the bot's real turn-taking
 * stages on fake timers, so the outcome does not depend on how busy the machine is. The bot must
 * answer what is put to it (by name, misheard or not, follow-ups, room questions when that is its
 * role), stay out of side talk, and never start talking over someone. With several bots of this
 * server in one meeting, a question to the room gets exactly one answer, the bot called by name
 * answers, bots stop answering each other at the cap, and two bots never talk at once.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { type MeetingResult, runMeeting } from "../src/testing/meeting-sim/run-meeting.js";
import { runOnFakeClock } from "../src/testing/meeting-sim/fake-clock-run.js";
import { SCENARIOS } from "../src/testing/meeting-sim/scenarios.js";
import { formatTable, summarise, summariseAll } from "../src/testing/meeting-sim/score.js";
import { SIM_DELAYS } from "../src/testing/meeting-sim/sim-engines.js";
import { type EchoRunResult, runEchoMeeting } from "../src/testing/meeting-sim/run-echo-meeting.js";
import { concatPcm } from "../src/audio/pcm.js";
import { SileroVadModel } from "../src/services/vad/silero-model.js";
import { loadSpeech } from "./fixtures/load-fixture.js";
import { DEFAULT_TURN_POLICY } from "../src/core/turn-policy.js";
import { GROUP_SCENARIOS, type GroupScenario } from "../src/testing/meeting-sim/group-scenarios.js";
import { type GroupMeetingResult, formatGroupTable } from "../src/testing/meeting-sim/group-score.js";
import { runGroupMeeting } from "../src/testing/meeting-sim/run-group-meeting.js";

function play(scenario: (typeof SCENARIOS)[number]): Promise<MeetingResult> {
  return runOnFakeClock(runMeeting(scenario), (ms) => vi.advanceTimersByTimeAsync(ms), scenario.name);
}

describe("meeting simulator", () => {
  const results: MeetingResult[] = [];
  beforeAll(async () => {
    vi.useFakeTimers();
    for (const scenario of SCENARIOS) results.push(await play(scenario));
    vi.useRealTimers();
  }, 120_000);
  afterAll(() => {
    vi.useRealTimers();
  });

  it("scripts at least 8 meetings and 40 labelled utterances", () => {
    expect(SCENARIOS.length).toBeGreaterThanOrEqual(8);
    expect(SCENARIOS.flatMap((s) => s.utterances).length).toBeGreaterThanOrEqual(40);
  });

  it("reaches a balanced accuracy of at least 0.95 and never answers side talk", () => {
    const total = summariseAll(results);
    if (total.balancedAccuracy < 0.95 || total.sideTalkReplies > 0) {
      const wrong = results.flatMap((m) => m.utterances.filter((u) => u.spoke !== (u.expect === "speak")).map((u) => `${m.scenario}: ${u.text} → ${u.decisions.map((d) => d.reason).join(",")}`));
      throw new Error(`${formatTable(results).join("\n")}\n${wrong.join("\n")}`);
    }
    expect(total.sideTalkReplies).toBe(0);
  });

  it("answers every addressed question and follow-up", () => {
    const owed = results.flatMap((m) => m.utterances).filter((u) => u.expect === "speak" && /addressed|follow-up|alias/.test(u.kind));
    expect(owed.length).toBeGreaterThan(10);
    expect(owed.filter((u) => !u.spoke).map((u) => u.text)).toEqual([]);
  });

  it("keeps bot speech over a person under 200 ms in every meeting, and lets backchannels pass", () => {
    for (const meeting of results) expect(summarise(meeting).botOverHumanMs, meeting.scenario).toBeLessThan(200);
    const backchannels = results.flatMap((m) => m.utterances).filter((u) => /backchannel over the reply/.test(u.kind));
    expect(backchannels.length).toBeGreaterThanOrEqual(2);
    // The only reply ever cut off is the one a cough interrupted: backchannels never cut the bot.
    for (const meeting of results.filter((m) => m.utterances.some((u) => /backchannel over the reply/.test(u.kind)))) {
      const coughs = meeting.utterances.filter((u) => u.kind === "cough over the reply").length;
      expect(meeting.transcript.filter((l) => /\[cut off\]/.test(l)).length, meeting.transcript.join("\n")).toBe(coughs);
    }
  });

  it("names the speaker of every decision and logs a reason for it", () => {
    for (const u of results.flatMap((m) => m.utterances).filter((u) => u.heard !== "")) {
      for (const d of u.decisions) {
        expect(d.speaker).toBe(u.speaker);
        expect(d.reason).toMatch(/^[a-z_]+$/);
      }
      expect(u.decisions.length, u.text).toBeGreaterThan(0);
    }
  });

  it("resumes a reply cut off by a cough, and keeps only what was heard", () => {
    const meeting = results.find((m) => m.utterances.some((u) => u.kind === "cough over the reply"));
    const lines = meeting?.transcript ?? [];
    const cut = lines.findIndex((l) => /\[cut off\]/.test(l));
    expect(cut, lines.join("\n")).toBeGreaterThan(0);
    expect(lines.slice(cut).some((l) => /reply resumed/.test(l)), lines.join("\n")).toBe(true);
    expect(lines.slice(cut + 1).some((l) => /Sam: .*end of the week\.$/.test(l)), lines.join("\n")).toBe(true);
  });

  it("answers one person as fast as the engines allow: the turn rules add no delay", () => {
    const onePerson = results.find((m) => m.scenario === "one person");
    const injected = SIM_DELAYS.sttFinalMs + SIM_DELAYS.llmFirstTokenMs + SIM_DELAYS.ttsFirstAudioMs;
    const latencies = onePerson?.utterances.filter((u) => u.expect === "speak" && !/long sentence/.test(u.kind)).map((u) => u.latencyMs) ?? [];
    expect(latencies.length).toBe(3);
    for (const latency of latencies) expect(latency).toBeLessThanOrEqual(injected + 30);
  });
});

describe("meeting simulator: the bot hears itself in the mix", () => {
  const runs: EchoRunResult[] = [];
  beforeAll(async () => {
    const vad = await SileroVadModel.load();
    const voices = { bot: concatPcm([await loadSpeech("weather-question"), await loadSpeech("time-question")]), person: await loadSpeech("interruption") };
    vi.useFakeTimers();
    try {
      for (const delayMs of [50, 150, 300]) {
        for (const gain of [0.3, 0.8]) {
          runs.push(await runEchoMeeting({ delayMs, gain, mode: "auto" }, voices, vad, (ms) => vi.advanceTimersByTimeAsync(ms)));
          runs.push(await runEchoMeeting({ delayMs, gain, mode: "auto", personAfterMs: 1500 }, voices, vad, (ms) => vi.advanceTimersByTimeAsync(ms)));
        }
      }
      runs.push(await runEchoMeeting({ delayMs: 150, gain: 0.8, mode: "off" }, voices, vad, (ms) => vi.advanceTimersByTimeAsync(ms)));
    } finally {
      vi.useRealTimers();
    }
  }, 180_000);

  const table = () => runs.map((r) => JSON.stringify(r)).join("\n");

  it("without echo suppression the bot's own voice interrupts it (the check below can fail)", () => {
    const off = runs.filter((r) => r.mode === "off");
    expect(off.length).toBe(1);
    expect(off.every((r) => r.ownVoiceSpeechStarts > 0 && r.selfInterruptions > 0), table()).toBe(true);
  });

  it("never interrupts itself at 50–300 ms echo delay and 0.3–0.8 gain, nor takes its voice for speech", () => {
    const auto = runs.filter((r) => r.mode === "auto");
    expect(auto.length).toBe(12);
    expect(auto.map((r) => r.selfInterruptions), table()).toEqual(auto.map(() => 0));
    expect(auto.map((r) => r.ownVoiceSpeechStarts), table()).toEqual(auto.map(() => 0));
    for (const r of auto) expect(Math.abs((r.echoDelayFoundMs ?? -1000) - r.delayMs), table()).toBeLessThanOrEqual(10);
  });

  it("still detects every person who talks over the bot, and stops it within a second", () => {
    const over = runs.filter((r) => r.mode === "auto" && r.personAfterMs !== undefined);
    expect(over.length).toBe(6);
    expect(over.map((r) => r.personInterrupted), table()).toEqual(over.map(() => true));
    for (const r of over) expect(r.stopMs ?? Number.POSITIVE_INFINITY, table()).toBeLessThan(1000);
  });
});

function playGroup(scenario: GroupScenario, options: { isolated?: boolean } = {}): Promise<GroupMeetingResult> {
  return runOnFakeClock(runGroupMeeting(scenario, options), (ms) => vi.advanceTimersByTimeAsync(ms), scenario.name);
}

describe("meeting simulator: several bots of one server", () => {
  const results: GroupMeetingResult[] = [];
  const isolated: GroupMeetingResult[] = [];
  const why = () => `${formatGroupTable(results).join("\n")}\n\n${results.map((r) => r.transcript.join("\n")).join("\n\n")}`;
  beforeAll(async () => {
    vi.useFakeTimers();
    for (const scenario of GROUP_SCENARIOS) results.push(await playGroup(scenario));
    for (const scenario of GROUP_SCENARIOS) isolated.push(await playGroup(scenario, { isolated: true }));
    vi.useRealTimers();
  }, 120_000);
  afterAll(() => {
    vi.useRealTimers();
  });

  it("scripts two and three bots with one or two people, greetings, names, bots naming bots and bots alone", () => {
    const shapes = GROUP_SCENARIOS.map((s) => `${s.bots.length}/${s.humans.length}`);
    for (const shape of ["2/1", "3/2", "3/1", "3/0"]) expect(shapes).toContain(shape);
    const kinds = GROUP_SCENARIOS.flatMap((s) => s.utterances.map((u) => u.kind));
    for (const kind of ["greeting to everyone", "question to the room", "addressed by name", "addressed by name, asks a bot"]) expect(kinds).toContain(kind);
  });

  it("answers every question to the room or greeting to everyone exactly once", () => {
    const room = results.flatMap((r) => r.utterances).filter((u) => u.expect === "one");
    expect(room.length).toBeGreaterThanOrEqual(5);
    expect(room.map((u) => u.answeredBy.length), why()).toEqual(room.map(() => 1));
  });

  it("lets the bot called by name answer, and nobody answer talk between people", () => {
    const rest = results.flatMap((r) => r.utterances).filter((u) => u.expect !== "one");
    expect(rest.map((u) => u.answeredBy.join(",") || "none"), why()).toEqual(rest.map((u) => u.expect));
  });

  it("picks the bot whose persona fits a room question", () => {
    const answerer = (text: string) => results.flatMap((r) => r.utterances).find((u) => u.text === text)?.answeredBy;
    expect(answerer("What do we know about the failing tests and builds?")).toEqual(["Alex"]);
    expect(answerer("Does anyone know what users said about the roadmap?")).toEqual(["Sam"]);
    expect(answerer("Any thoughts on the agenda?")).toEqual(["Riley"]);
  });

  it("caps bot-to-bot replies at bot_exchange_limit, then the bots fall silent with nobody speaking", () => {
    for (const r of results) {
      expect(r.botToBotReplies, why()).toBeLessThanOrEqual(DEFAULT_TURN_POLICY.botExchangeLimit);
      expect(r.tailRepliesPerMinute.at(-1), r.scenario).toBe(0);
    }
    const naming = results.filter((r) => r.utterances.some((u) => u.kind === "addressed by name, asks a bot"));
    expect(naming.map((r) => r.botToBotReplies)).toEqual(naming.map(() => DEFAULT_TURN_POLICY.botExchangeLimit));
    expect(results.find((r) => r.humans === 0)).toMatchObject({ greetings: 3, botToBotReplies: 0, tailRepliesPerMinute: [0, 0] });
  });

  it("never lets two bots speak at once", () => {
    for (const r of results) expect(r.botOverlapMs, r.scenario).toBe(0);
  });

  it("shows what the same meetings do with bots that do not know each other", () => {
    const room = isolated.flatMap((r) => r.utterances).filter((u) => u.expect === "one");
    expect(room.some((u) => u.answeredBy.length > 1)).toBe(true);
    expect(isolated.some((r) => r.botOverlapMs > 0)).toBe(true);
    expect(isolated.some((r) => (r.tailRepliesPerMinute.at(-1) ?? 0) > 0)).toBe(true);
  });
});
