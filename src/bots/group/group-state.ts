/**
 * @module bots/group/group-state
 * What one meeting group holds: its bots with their names and speaking spans, the floor, the claim
 * round, the bot-to-bot reply count, and (across processes) the siblings on other workers.
 */
import type { Floor } from "../../pipeline/turn/floor.js";
import type { ClaimStore, GroupClaims } from "./claim-store.js";
import type { GroupMember } from "./group-member.js";
import type { GroupSiblings } from "./sibling-store.js";

export { type GroupMember, type GroupMemberSpec, SPEAKING_HISTORY_MS, type SpeakingSpan } from "./group-member.js";

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
