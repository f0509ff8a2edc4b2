/**
 * @module core/turn-records
 * What a bot reports about a meeting's turn-taking: its view of the participants and the decisions
 * it made to speak or stay silent.
 */
export type ParticipantKind = "human" | "bot" | "self";

export interface RosterParticipant {
  name: string;
  id: number | null;
  speaking: boolean;
  kind: ParticipantKind;
}

export interface DecisionRecord {
  /** Milliseconds since the epoch. */
  at: number;
  speaker: string | null;
  speak: boolean;
  reason: string;
  turnId: number | null;
}
