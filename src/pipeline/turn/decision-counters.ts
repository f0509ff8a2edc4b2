/**
 * @module pipeline/turn/decision-counters
 * Counts of every turn-taking decision in this process, by outcome and reason, for `/metrics`:
 * `speak`/`silent` for each finished human turn, `held`/`dropped`/`resumed` for replies waiting on
 * the floor, `interrupt`/`ignored` for speech over the bot.
 */

export type DecisionOutcome = "speak" | "silent" | "held" | "dropped" | "resumed" | "interrupt" | "ignored";

const counts = new Map<string, { outcome: DecisionOutcome; reason: string; count: number }>();

export function countDecision(outcome: DecisionOutcome, reason: string): void {
  const key = `${outcome}:${reason}`;
  const entry = counts.get(key);
  if (entry) entry.count += 1;
  else counts.set(key, { outcome, reason, count: 1 });
}

export function decisionCounts(): { outcome: DecisionOutcome; reason: string; count: number }[] {
  return [...counts.values()].map((c) => ({ ...c }));
}
