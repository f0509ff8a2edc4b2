/**
 * @module testing/meeting-sim/group-score
 * What a group meeting is judged on: which bots answered each person's line (a question to the
 * room must get exactly one answer), how many replies the bots gave each other, how many replies
 * began in each minute after the last person stopped talking (it must fall to 0 within the
 * bot-to-bot cap), and whether two bots ever spoke at once.
 */
import type { GroupScenario, GroupUtterance } from "./group-scenarios.js";
import type { SimBotRun, SimReply } from "./sim-bot.js";

export interface UtteranceSpan {
  utterance: GroupUtterance;
  start: number;
  end: number;
}

export interface GroupRun {
  scenario: GroupScenario;
  start: number;
  bots: SimBotRun[];
  spans: UtteranceSpan[];
  lines: { at: number; text: string }[];
}

export interface GroupUtteranceResult extends GroupUtterance {
  answeredBy: string[];
}

export interface GroupMeetingResult {
  scenario: string;
  bots: number;
  humans: number;
  utterances: GroupUtteranceResult[];
  /** Replies to another bot's turn. */
  botToBotReplies: number;
  greetings: number;
  /** Replies begun in each minute after the last person stopped (from the start when nobody spoke). */
  tailRepliesPerMinute: number[];
  /** Time two bots were heard at once. */
  botOverlapMs: number;
  /** Silent decisions by reason, over all bots. */
  silentReasons: Record<string, number>;
  transcript: string[];
}

const normalise = (text: string) => text.toLowerCase().replace(/[^a-z0-9 ]/g, "").replace(/\s+/g, " ").trim();

export function scoreGroupMeeting(run: GroupRun, tailFrom: number): GroupMeetingResult {
  const botNames = new Set(run.scenario.bots.map((b) => b.name));
  const replies = run.bots.flatMap((bot) => bot.replies.map((reply) => ({ bot: bot.spec.name, reply })));
  const utterances = run.spans.map(({ utterance, start }) => ({
    ...utterance,
    answeredBy: replies
      .filter(({ reply }) => answers(reply, utterance, start) && ownerOf(reply, run) === utterance)
      .map(({ bot }) => bot),
  }));
  const minutes = Math.ceil(run.scenario.tailMs / 60_000);
  const tail = Array.from({ length: minutes }, () => 0);
  for (const { reply } of replies) {
    if (!reply.decision || reply.at < tailFrom) continue;
    const minute = Math.floor((reply.at - tailFrom) / 60_000);
    if (minute < minutes) tail[minute] = (tail[minute] ?? 0) + 1;
  }
  const silentReasons: Record<string, number> = {};
  for (const d of run.bots.flatMap((b) => b.decisions)) if (!d.speak) silentReasons[d.reason] = (silentReasons[d.reason] ?? 0) + 1;
  return {
    scenario: run.scenario.name,
    bots: run.bots.length,
    humans: run.scenario.humans.length,
    utterances,
    botToBotReplies: replies.filter(({ reply }) => reply.decision?.speaker != null && botNames.has(reply.decision.speaker)).length,
    greetings: replies.filter(({ reply }) => !reply.decision).length,
    tailRepliesPerMinute: tail,
    botOverlapMs: overlapMs(run.bots.map((b) => b.replies)),
    silentReasons,
    transcript: run.lines.sort((a, b) => a.at - b.at).map((l) => `[${(l.at / 1000).toFixed(1).padStart(6)} s] ${l.text}`),
  };
}

function answers(reply: SimReply, utterance: GroupUtterance, start: number): boolean {
  const d = reply.decision;
  if (!d || d.speaker !== utterance.speaker || d.at < start) return false;
  const said = normalise(utterance.text);
  const decided = normalise(d.text);
  return said.includes(decided) || decided.includes(said);
}

/** The latest line by the same person, begun before the decision, that the reply could answer. */
function ownerOf(reply: SimReply, run: GroupRun): GroupUtterance | undefined {
  return run.spans.findLast((s) => reply.decision !== undefined && answers(reply, s.utterance, s.start))?.utterance;
}

function overlapMs(perBot: SimReply[][]): number {
  let total = 0;
  for (let i = 0; i < perBot.length; i++) {
    for (let j = i + 1; j < perBot.length; j++) {
      for (const a of perBot[i] ?? []) {
        for (const b of perBot[j] ?? []) total += Math.max(0, Math.min(a.end ?? a.at, b.end ?? b.at) - Math.max(a.at, b.at));
      }
    }
  }
  return Math.round(total);
}

/** A Markdown table of the group meetings. */
export function formatGroupTable(results: GroupMeetingResult[]): string[] {
  const lines = [
    "| meeting | bots / people | room questions: answers each | addressed: right bot | bot-to-bot replies | replies per minute with no person speaking | bots at once ms |",
    "|---|---|---|---|---|---|---|",
  ];
  for (const r of results) {
    const room = r.utterances.filter((u) => u.expect === "one");
    const named = r.utterances.filter((u) => u.expect !== "one" && u.expect !== "none");
    lines.push(
      `| ${r.scenario} | ${r.bots} / ${r.humans} | ${room.map((u) => u.answeredBy.length).join(", ") || "–"} | ${named.filter((u) => u.answeredBy.join() === u.expect).length}/${named.length} | ${r.botToBotReplies} | ${r.tailRepliesPerMinute.join(", ")} | ${r.botOverlapMs} |`,
    );
  }
  return lines;
}
