/**
 * @module testing/meeting-sim/score
 * Scores simulated meetings: "speak" is the positive class, so balanced accuracy is the mean of the
 * share of should-speak turns answered and the share of stay-silent turns left alone (answering
 * every turn scores 0.5). Also false speaks, missed turns, latency and overlap with people.
 */
import { percentile } from "../../util/percentile.js";
import type { MeetingResult } from "./run-meeting.js";

export interface SimSummary {
  scenario: string;
  utterances: number;
  shouldSpeak: number;
  answered: number;
  shouldStaySilent: number;
  keptSilent: number;
  falseSpeak: number;
  missed: number;
  sideTalkReplies: number;
  balancedAccuracy: number;
  latencyP50Ms: number | null;
  latencyMaxMs: number | null;
  botOverHumanMs: number;
  humanOverBotMs: number;
}

function summariseMany(name: string, meetings: MeetingResult[]): SimSummary {
  const all = meetings.flatMap((m) => m.utterances);
  const positives = all.filter((u) => u.expect === "speak");
  const negatives = all.filter((u) => u.expect === "silent");
  const answered = positives.filter((u) => u.spoke).length;
  const keptSilent = negatives.filter((u) => !u.spoke).length;
  const tpr = positives.length ? answered / positives.length : null;
  const tnr = negatives.length ? keptSilent / negatives.length : null;
  const rates = [tpr, tnr].filter((r): r is number => r !== null);
  const latencies = all.map((u) => u.latencyMs).filter((v): v is number => v !== null);
  return {
    scenario: name,
    utterances: all.length,
    shouldSpeak: positives.length,
    answered,
    shouldStaySilent: negatives.length,
    keptSilent,
    falseSpeak: negatives.length - keptSilent,
    missed: positives.length - answered,
    sideTalkReplies: negatives.filter((u) => u.spoke && /side talk|addressed to another/.test(u.kind)).length,
    balancedAccuracy: Math.round((rates.reduce((a, b) => a + b, 0) / Math.max(1, rates.length)) * 1000) / 1000,
    latencyP50Ms: percentile(latencies, 0.5),
    latencyMaxMs: latencies.length ? Math.max(...latencies) : null,
    botOverHumanMs: Math.max(0, ...meetings.map((m) => m.botOverHumanMs)),
    humanOverBotMs: meetings.reduce((sum, m) => sum + m.humanOverBotMs, 0),
  };
}

export function summarise(meeting: MeetingResult): SimSummary {
  return summariseMany(meeting.scenario, [meeting]);
}

/** All meetings together; overlap is the worst single meeting's. */
export function summariseAll(meetings: MeetingResult[]): SimSummary {
  return summariseMany("all meetings", meetings);
}

const cell = (v: number | string | null) => (v === null ? "–" : String(v));

/** A Markdown table: one row per meeting and a total row. */
export function formatTable(meetings: MeetingResult[]): string[] {
  const rows = [...meetings.map(summarise), summariseAll(meetings)];
  const lines = [
    "| meeting | utterances | should speak: answered | should stay silent: kept silent | false speak | missed | balanced accuracy | latency p50 / max ms | bot over a person ms | person over bot ms |",
    "|---|---|---|---|---|---|---|---|---|---|",
  ];
  for (const r of rows) {
    const name = r.scenario === "all meetings" ? "**all meetings**" : r.scenario;
    lines.push(
      `| ${name} | ${r.utterances} | ${r.answered}/${r.shouldSpeak} | ${r.keptSilent}/${r.shouldStaySilent} | ${r.falseSpeak} | ${r.missed} | ${r.balancedAccuracy.toFixed(3)} | ${cell(r.latencyP50Ms)} / ${cell(r.latencyMaxMs)} | ${r.botOverHumanMs} | ${r.humanOverBotMs} |`,
    );
  }
  return lines;
}
