/**
 * @module pipeline/turn/roster
 * The people in the meeting as the bot knows them, from the provider's speaker events: who is
 * present, who is speaking now, and when each spoke recently. An utterance is attributed to the
 * participant flagged as speaking for most of its span (speaker events and the VAD's timing are
 * both on our clock: events are stamped when they arrive, on the same socket as the audio).
 *
 * Updates are merged, not replaced: some providers send only the participants whose state changed.
 * The bot's own entry (providers may list it) is kept apart and never counted as a person: it is
 * the entry named like the bot ("Sam", "Sam (bot)"), or one the provider keeps flagging as speaking
 * while only the bot talks and nobody is heard, and to which no utterance was ever attributed.
 * Counting the bot as a person would turn a one-to-one call into a group. Other bots (flagged by
 * the meeting, as the built-in rooms do, or known to the server as siblings) are not people either.
 */
import type { ParticipantKind, RosterParticipant } from "../../core/turn-records.js";
import type { Speaker } from "../frames.js";

interface Interval {
  start: number;
  end: number | null;
}

interface Entry {
  name: string;
  id: number | null;
  speaking: boolean;
  /** When `speaking` last changed, on our clock. */
  changedAt: number;
  intervals: Interval[];
}


/** Speech history kept per participant: enough to attribute any utterance still being decided. */
const HISTORY_MS = 120_000;
/** Times an entry must light up while only the bot talks before it is taken for the bot. */
const SELF_EVIDENCE = 3;

export interface ClosedInterval {
  name: string;
  start: number;
  end: number;
}

export interface RosterOptions {
  /** Names the bot goes by in the meeting; entries with these names are the bot itself. */
  selfNames: readonly string[];
  /** Tells other bots apart from people (the sibling bots of a server, for instance). */
  isBot?: (name: string) => boolean;
}

export type { ParticipantKind, RosterParticipant };

export class MeetingRoster {
  private readonly entries = new Map<string, Entry>();
  private readonly selfNames: Set<string>;
  private readonly selfEvidence = new Map<string, number>();
  /** Entries that said something we heard: people, whatever else they look like. */
  private readonly heardFrom = new Set<string>();
  /** Entries the meeting itself flagged as bots (the built-in rooms do). */
  private readonly flaggedBots = new Set<string>();
  private lastUpdateAt: number | undefined;

  constructor(private readonly options: RosterOptions) {
    this.selfNames = new Set(options.selfNames.map(normalise).filter(Boolean));
  }

  /** Merges one speaker event received at `at` (performance.now()); returns the speaking spans it closed. */
  update(speakers: readonly Speaker[], at: number): ClosedInterval[] {
    const closed: ClosedInterval[] = [];
    this.lastUpdateAt = at;
    for (const speaker of speakers) {
      const key = speaker.id !== null ? `#${speaker.id}` : `@${speaker.name}`;
      let entry = this.entries.get(key);
      if (!entry) {
        entry = { name: speaker.name, id: speaker.id, speaking: false, changedAt: at, intervals: [] };
        this.entries.set(key, entry);
      }
      entry.name = speaker.name;
      if (speaker.isBot === true) this.flaggedBots.add(normalise(speaker.name));
      if (speaker.isSpeaking && !entry.speaking) entry.intervals.push({ start: at, end: null });
      if (!speaker.isSpeaking && entry.speaking) {
        const open = entry.intervals.at(-1);
        if (open && open.end === null) {
          open.end = at;
          closed.push({ name: entry.name, start: open.start, end: at });
        }
      }
      if (entry.speaking !== speaker.isSpeaking) entry.changedAt = at;
      entry.speaking = speaker.isSpeaking;
      entry.intervals = entry.intervals.filter((i) => i.end === null || at - i.end < HISTORY_MS);
    }
    return closed;
  }

  /** This entry spoke while only the bot could be heard, and nothing was heard from it. */
  looksLikeSelf(name: string): void {
    const key = normalise(name);
    this.selfEvidence.set(key, (this.selfEvidence.get(key) ?? 0) + 1);
  }

  /** An utterance was attributed to this entry: it is a person (or another bot), never this one. */
  heard(name: string): void {
    this.heardFrom.add(normalise(name));
  }

  /** Whether any speaker event has arrived yet. */
  get known(): boolean {
    return this.lastUpdateAt !== undefined;
  }

  participants(): RosterParticipant[] {
    return [...this.entries.values()].map((e) => ({ name: e.name, id: e.id, speaking: e.speaking, kind: this.kindOf(e.name) }));
  }

  /** Everyone but the bot itself. */
  others(): RosterParticipant[] {
    return this.participants().filter((p) => p.kind !== "self");
  }

  /** People present besides the bot; 1 when no roster has arrived (a one-to-one call until told otherwise). */
  humanCount(): number {
    if (!this.known) return 1;
    return this.participants().filter((p) => p.kind === "human").length;
  }

  /** Whether a person (not the bot, not another bot) is flagged as speaking right now. */
  humanSpeaking(): boolean {
    return [...this.entries.values()].some((e) => e.speaking && this.kindOf(e.name) === "human");
  }

  /** When the most recent person still flagged as speaking started; null when nobody is flagged. */
  humanSpeakingSince(): number | null {
    let latest: number | null = null;
    for (const e of this.entries.values()) {
      if (e.speaking && this.kindOf(e.name) === "human") latest = Math.max(latest ?? e.changedAt, e.changedAt);
    }
    return latest;
  }

  /** The participant flagged as speaking for the largest part of [start, end]; null when none was. */
  attribute(start: number, end: number): string | null {
    return this.strongest(start, end)?.name ?? null;
  }

  /** Like `attribute`, with how long (ms) that participant was flagged during the span. */
  strongest(start: number, end: number): { name: string; overlap: number } | null {
    let best: { name: string; overlap: number } | null = null;
    for (const entry of this.entries.values()) {
      if (this.kindOf(entry.name) === "self") continue;
      let overlap = 0;
      for (const interval of entry.intervals) overlap += Math.max(0, Math.min(end, interval.end ?? end) - Math.max(start, interval.start));
      if (overlap > 0 && (!best || overlap > best.overlap)) best = { name: entry.name, overlap };
    }
    return best;
  }

  /** The only other person present, when there is exactly one. */
  soleHuman(): string | null {
    const humans = this.participants().filter((p) => p.kind === "human");
    return humans.length === 1 ? (humans[0]?.name ?? null) : null;
  }

  private kindOf(name: string): ParticipantKind {
    const key = normalise(name);
    if (this.selfNames.has(key) || [...this.selfNames].some((self) => key.startsWith(`${self} `))) return "self";
    if (!this.heardFrom.has(key) && (this.selfEvidence.get(key) ?? 0) >= SELF_EVIDENCE) return "self";
    return this.flaggedBots.has(key) || this.options.isBot?.(name) ? "bot" : "human";
  }
}

/** Case, punctuation and spacing do not tell names apart: "Sam (Bot)" → "sam bot". */
function normalise(name: string): string {
  return name
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, " ")
    .trim();
}
