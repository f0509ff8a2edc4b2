/**
 * @module bench/meeting-sim
 * The meeting simulator in real time: every scripted meeting at once, each through its own bot's
 * real turn-taking stages on the machine's real clock (the test suite plays the same meetings on
 * fake timers). Reports balanced accuracy, false speaks, missed turns, latency and overlap, once
 * with the rules alone and once with the LLM floor check, whose cost is counted; and the
 * transcript of one meeting with the reason logged for each decision.
 */
import { runAudioMeeting } from "../src/testing/meeting-sim/run-audio-meeting.js";
import { type MeetingResult, runMeeting } from "../src/testing/meeting-sim/run-meeting.js";
import { SCENARIOS, type Scenario } from "../src/testing/meeting-sim/scenarios.js";
import { type SimSummary, formatTable, summariseAll } from "../src/testing/meeting-sim/score.js";
import { type Stats, benchServer, stats } from "./harness.js";

export interface MeetingSimReport {
  meetings: number;
  utterances: number;
  rules: SimSummary;
  table: string[];
  withLlmCheck: { total: SimSummary; checks: number; promptTokensPerCheck: number | null; checkMs: Stats };
  /** The same meetings through the whole server: real audio, real VAD, the provider's protocol. */
  audio: { total: SimSummary; table: string[] } | null;
  transcript: { scenario: string; lines: string[] };
}

export async function measureMeetingSim(quick: boolean, transcriptOf = "talking over the bot"): Promise<MeetingSimReport> {
  // The quick smoke run plays one short meeting; both passes of the turn stages run side by side.
  const scenarios: Scenario[] = quick ? SCENARIOS.slice(0, 1) : SCENARIOS;
  const [rules, checked] = await Promise.all([
    Promise.all(scenarios.map((s) => runMeeting(s))),
    Promise.all(scenarios.map((s) => runMeeting(s, { llm_check: true }))),
  ]);
  const checks = checked.flatMap((r) => r.floorChecks);
  const shown = rules.find((r) => r.scenario === transcriptOf) ?? rules[0];
  return {
    meetings: rules.length,
    utterances: rules.reduce((n, r) => n + r.utterances.length, 0),
    rules: summariseAll(rules),
    table: formatTable(rules),
    withLlmCheck: {
      total: summariseAll(checked),
      checks: checks.length,
      // About four characters a token for English text.
      promptTokensPerCheck: checks.length ? Math.round(checks.reduce((n, c) => n + c.promptChars, 0) / checks.length / 4) : null,
      checkMs: stats(checks.map((c) => c.ms)),
    },
    audio: await measureAudio(scenarios),
    transcript: { scenario: shown?.scenario ?? "", lines: shown?.transcript ?? [] },
  };
}

/** The real-audio variant: three meetings at a time, each with its own server and provider emulators. */
async function measureAudio(scenarios: Scenario[]): Promise<MeetingSimReport["audio"]> {
  const results: MeetingResult[] = [];
  for (let i = 0; i < scenarios.length; i += 3) {
    results.push(...(await Promise.all(scenarios.slice(i, i + 3).map((s) => runAudioMeeting(s, benchServer)))));
  }
  return { total: summariseAll(results), table: formatTable(results) };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const report = await measureMeetingSim(false, process.argv[2]);
  for (const line of report.table) process.stdout.write(`${line}\n`);
  const llm = report.withLlmCheck;
  process.stdout.write(`\nWith llm_check: balanced accuracy ${llm.total.balancedAccuracy}, ${llm.checks} checks, ~${llm.promptTokensPerCheck} prompt tokens each, p50 ${llm.checkMs.p50} ms\n`);
  if (report.audio) process.stdout.write(`\nReal audio through the server:\n${report.audio.table.join("\n")}\n`);
  process.stdout.write(`\nTranscript of "${report.transcript.scenario}":\n${report.transcript.lines.join("\n")}\n`);
}
