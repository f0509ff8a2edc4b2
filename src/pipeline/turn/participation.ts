/**
 * @module pipeline/turn/participation
 * How much one bot takes part, over the last 10 minutes: its replies, its talk time and everyone
 * else's (what its VAD heard, siblings included). A bot over budget holds back on questions to the
 * room so that no bot dominates a meeting. The talk share is judged only once a minute of talk has
 * been heard: a single answer at the start of a meeting is all of the talk so far.
 */
import type { TurnPolicy } from "../../core/turn-policy.js";

export const PARTICIPATION_WINDOW_MS = 600_000;
/** Talk heard before the share counts. */
export const MIN_OBSERVED_TALK_MS = 60_000;

interface Span {
  start: number;
  end: number | null;
}

export interface ParticipationSnapshot {
  turns10Min: number;
  /** The bot's share of all talk heard in the window, 0 to 1. */
  talkShare: number;
  selfTalkMs: number;
  othersTalkMs: number;
}

export class ParticipationMeter {
  private readonly self: Span[] = [];
  private readonly others: Span[] = [];
  private readonly turns: number[] = [];

  constructor(private readonly windowMs = PARTICIPATION_WINDOW_MS) {}

  selfSpeaking(on: boolean, at: number): void {
    mark(this.self, on, at);
  }

  othersSpeaking(on: boolean, at: number): void {
    mark(this.others, on, at);
  }

  /** The bot began a reply. */
  turnTaken(at: number): void {
    this.turns.push(at);
  }

  snapshot(now: number): ParticipationSnapshot {
    const from = now - this.windowMs;
    prune(this.self, from);
    prune(this.others, from);
    while ((this.turns[0] ?? now) < from) this.turns.shift();
    const selfTalkMs = total(this.self, from, now);
    const othersTalkMs = total(this.others, from, now);
    const all = selfTalkMs + othersTalkMs;
    return { turns10Min: this.turns.length, talkShare: all > 0 ? Math.round((selfTalkMs / all) * 1000) / 1000 : 0, selfTalkMs, othersTalkMs };
  }

  /** Whether the bot has had more than its share; only judged when `othersPresent` (a one-to-one call has no budget). */
  overBudget(now: number, budget: TurnPolicy["participation"], othersPresent: number): boolean {
    if (othersPresent < 2) return false;
    const s = this.snapshot(now);
    if (s.turns10Min >= budget.maxTurnsPer10Min) return true;
    return s.selfTalkMs + s.othersTalkMs >= MIN_OBSERVED_TALK_MS && s.talkShare > budget.maxTalkShare;
  }
}

function mark(spans: Span[], on: boolean, at: number): void {
  const last = spans.at(-1);
  if (on && (!last || last.end !== null)) spans.push({ start: at, end: null });
  if (!on && last && last.end === null) last.end = at;
}

function prune(spans: Span[], from: number): void {
  while (spans.length && (spans[0]?.end ?? Number.POSITIVE_INFINITY) < from) spans.shift();
}

function total(spans: Span[], from: number, now: number): number {
  let sum = 0;
  for (const s of spans) sum += Math.max(0, Math.min(now, s.end ?? now) - Math.max(from, s.start));
  return Math.round(sum);
}
