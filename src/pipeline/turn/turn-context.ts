/**
 * @module pipeline/turn/turn-context
 * What the turn-taking stages of one bot share: the policy, the roster, the floor, whether a person
 * is speaking (the VAD and the speaker events must agree that nobody is), and the bot's last answer
 * (for follow-ups). Stages update it as frames pass and are told when it changes.
 */
import type { DecisionRecord } from "../../core/turn-records.js";
import { AddressDetector } from "./addressing.js";
import { type Floor, InProcessFloor } from "./floor.js";
import { MeetingRoster } from "./roster.js";
import { contentWords } from "./claims.js";
import { ParticipationMeter } from "./participation.js";
import type { SiblingGroup } from "./sibling-group.js";
import type { TurnPolicy } from "../../core/turn-policy.js";

/**
 * A speaker event saying someone talks is believed for this long after it arrived or after the VAD
 * last heard anything; providers sometimes never send the matching "stopped", and a stuck flag
 * must not keep the bot quiet for good.
 */
export const SPEAKER_FLAG_TRUST_MS = 3000;

export interface LastAnswer {
  speaker: string | null;
  turnId: number;
  roomQuestion: boolean;
  /** The human turn count when the answer was decided. */
  humanTurn: number;
  /** When the bot decided to give it. */
  decidedAt: number;
  /** When the bot finished saying it (or was cut off); null while it is still to come or playing. */
  endedAt: number | null;
  /** Someone other than `speaker` has taken a turn since. */
  otherSpokeSince: boolean;
}

/** Replies remembered for the floor gate: the human turn count each was decided at. */
const KEPT_REPLIES = 32;
/** Decisions kept for GET /bots/{id}. */
const KEPT_DECISIONS = 20;

/** One turn decision as the API shows it. */
export type { DecisionRecord };

export interface TurnContextOptions {
  policy: TurnPolicy;
  /** The bot's display name in the meeting. */
  botName: string;
  /** The persona's name, which also calls the bot. */
  personaName: string;
  /** The holder id this bot uses on the floor. */
  holderId: string;
  floor?: Floor;
  isBot?: (name: string) => boolean;
  /** The other bots of this server in the meeting; their floor replaces `floor`. */
  group?: SiblingGroup;
  /** What the persona is about (its description), for the relevance of room questions. */
  personaText?: string;
}

export class TurnContext {
  readonly policy: TurnPolicy;
  readonly roster: MeetingRoster;
  readonly detector: AddressDetector;
  readonly floor: Floor;
  readonly holderId: string;
  readonly botNames: string[];
  readonly group: SiblingGroup | undefined;
  readonly participation = new ParticipationMeter();
  /** The persona's content words (name and description), matched against room questions. */
  readonly personaWords: ReadonlySet<string>;
  vadSpeaking = false;
  lastVadActivityAt = Number.NEGATIVE_INFINITY;
  botSpeaking = false;
  /** Finished human turns so far; a reply decided before the latest one is out of date. */
  humanTurns = 0;
  lastAnswer: LastAnswer | undefined;
  private readonly replies = new Map<number, number>();
  private readonly decisions: DecisionRecord[] = [];
  private readonly listeners = new Set<() => void>();

  constructor(options: TurnContextOptions) {
    this.policy = options.policy;
    this.holderId = options.holderId;
    this.botNames = [...new Set([options.botName, options.personaName, ...options.policy.aliases].map((n) => n.trim()).filter(Boolean))];
    const { group, isBot } = options;
    this.group = group;
    this.roster = new MeetingRoster({ selfNames: [options.botName], isBot: (name) => (group?.siblingNamed(name) ?? null) !== null || (isBot?.(name) ?? false) });
    this.detector = new AddressDetector(this.botNames);
    this.floor = group?.floor ?? options.floor ?? new InProcessFloor();
    this.personaWords = contentWords(`${options.personaName} ${options.personaText ?? ""}`);
  }

  /** A person is speaking: the VAD hears speech, or a fresh speaker event says so. */
  humanSpeaking(now: number): boolean {
    if (this.vadSpeaking) return true;
    const since = this.roster.humanSpeakingSince();
    if (since === null) return false;
    return now - since < SPEAKER_FLAG_TRUST_MS || now - this.lastVadActivityAt < SPEAKER_FLAG_TRUST_MS;
  }

  /** Records that reply `turnId` answers the state of the talk after `humanTurn` turns. */
  replyDecided(turnId: number, humanTurn: number): void {
    this.replies.set(turnId, humanTurn);
    if (this.replies.size > KEPT_REPLIES) this.replies.delete(this.replies.keys().next().value as number);
  }

  /** Whether a person has taken a turn since reply `turnId` was decided (false for replies to nobody). */
  movedOnSince(turnId: number): boolean {
    const at = this.replies.get(turnId);
    return at !== undefined && this.humanTurns > at;
  }

  recordDecision(record: DecisionRecord): void {
    this.decisions.push(record);
    if (this.decisions.length > KEPT_DECISIONS) this.decisions.shift();
  }

  /** The last decisions, oldest first. */
  recentDecisions(): DecisionRecord[] {
    return this.decisions.map((d) => ({ ...d }));
  }

  /** Tells every listener that something they may be waiting on has changed. */
  changed(): void {
    for (const listener of [...this.listeners]) listener();
  }

  onChange(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}
