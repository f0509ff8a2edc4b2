/**
 * @module bots/group/group-member
 * One bot of a meeting group as its siblings see it: its names and when it was speaking.
 */

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
