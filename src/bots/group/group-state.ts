/**
 * @module bots/group/group-state
 * What one meeting group holds: its bots with their names and speaking spans, the floor, the claim
 * round, the bot-to-bot reply count, and (across processes) the siblings on other workers.
 */
import type { Floor } from "../../pipeline/turn/floor.js";
import type { ClaimStore, GroupClaims } from "./claim-store.js";
import type { GroupSiblings } from "./sibling-store.js";

/** Speaking history kept per bot: enough to attribute any utterance still being decided. */
export const SPEAKING_HISTORY_MS = 120_000;

export interface GroupMemberSpec {
  /** The bot's holder id on the floor (its client id). */
  holderId: string;
  displayName: string;
  /** Every name the bot answers to: display name, persona name, aliases. */
  names: string[];
}

export interface SpeakingSpan {
  start: number;
  end: number | null;
}

export interface GroupMember {
  spec: GroupMemberSpec;
  normalisedNames: string[];
  spans: SpeakingSpan[];
}

export class GroupState {
  readonly members = new Map<string, GroupMember>();
  readonly rounds: GroupClaims;
  /** Bot-to-bot replies since a person last took a turn. */
  botExchanges = 0;

  constructor(
    readonly key: string,
    readonly tenant: string | undefined,
    readonly name: string,
    readonly floor: Floor,
    claims: ClaimStore,
    /** The group's bots in other processes; none when every sibling runs here. */
    readonly remote?: GroupSiblings,
  ) {
    this.rounds = claims.roundsFor(key, () => this.members.size);
  }
}
