/**
 * @module bots/group/claim-store
 * Where the claim rounds of the meeting groups are held: in this process (the default), or in Redis
 * when bots of one meeting may run in several processes (see redis-claims). A round picks the one
 * bot that answers a person's turn several of them would take.
 */
import { ClaimRounds } from "../../pipeline/turn/claim-rounds.js";
import type { TurnClaim } from "../../pipeline/turn/sibling-group.js";

/** The claim rounds of one meeting group, as its bots enter them. */
export interface GroupClaims {
  /** `holder` is in the group now: rounds may wait for its entry. */
  joined(holder: string): void;
  /** Enters a claim on the utterance heard ending at `heardAt` (performance.now() clock); true when it wins. */
  enter(holder: string, claim: TurnClaim, heardAt: number): Promise<boolean>;
  /** `holder` will not answer the utterance heard ending at `heardAt`. */
  pass(holder: string, heardAt: number): void;
  /** `holder` left the group: a round that waited only for it settles now. */
  left(holder: string): void;
}

export interface ClaimStore {
  /** The rounds of one group; `members` counts its bots in this process. */
  roundsFor(key: string, members: () => number): GroupClaims;
  /** No bot of this process is in the group any more. */
  forget(key: string): void;
  /** Frees connections and timers; safe to call more than once. */
  close(): Promise<void>;
}

/** Rounds in this process: every sibling is here, so the utterance is the one the round is open for. */
class InProcessGroupClaims implements GroupClaims {
  constructor(private readonly rounds: ClaimRounds) {}

  joined(): void {}

  enter(holder: string, claim: TurnClaim): Promise<boolean> {
    return this.rounds.enter(holder, claim);
  }

  pass(holder: string): void {
    this.rounds.pass(holder);
  }

  left(): void {
    this.rounds.flush();
  }
}

export class InProcessClaimStore implements ClaimStore {
  constructor(private readonly windowMs: number) {}

  roundsFor(_key: string, members: () => number): GroupClaims {
    return new InProcessGroupClaims(new ClaimRounds(members, this.windowMs));
  }

  forget(): void {}

  async close(): Promise<void> {}
}
