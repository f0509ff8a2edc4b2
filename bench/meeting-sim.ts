/**
 * @module bench/meeting-sim
 * The meeting simulator in real time: every scripted meeting at once, each through its own bot's
 * real turn-taking stages on the machine's real clock (the test suite plays the same meetings on
 * fake timers). Prints the table of balanced accuracy, false speaks, missed turns, latency and
 * overlap, and the transcript of one meeting with the reason logged for each decision.
 */
import { type MeetingResult, runMeeting } from "../src/testing/meeting-sim/run-meeting.js";
import { SCENARIOS } from "../src/testing/meeting-sim/scenarios.js";
import { type SimSummary, formatTable, summariseAll } from "../src/testing/meeting-sim/score.js";

export interface MeetingSimReport {
  meetings: number;
  utterances: number;
  total: SimSummary;
  table: string[];
  transcript: { scenario: string; lines: string[] };
}

export async function measureMeetingSim(transcriptOf = "talking over the bot"): Promise<MeetingSimReport> {
  const results: MeetingResult[] = await Promise.all(SCENARIOS.map((s) => runMeeting(s)));
  const shown = results.find((r) => r.scenario === transcriptOf) ?? results[0];
  return {
    meetings: results.length,
    utterances: results.reduce((n, r) => n + r.utterances.length, 0),
    total: summariseAll(results),
    table: formatTable(results),
    transcript: { scenario: shown?.scenario ?? "", lines: shown?.transcript ?? [] },
  };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const report = await measureMeetingSim(process.argv[2]);
  for (const line of report.table) process.stdout.write(`${line}\n`);
  process.stdout.write(`\nTranscript of "${report.transcript.scenario}":\n${report.transcript.lines.join("\n")}\n`);
}
