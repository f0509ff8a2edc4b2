/**
 * @module pipeline/turn/claim-rounds
 * Gathers the claims of a meeting's bots on one person's turn and picks who answers. Every bot
 * hears the turn through its own recogniser, so their entries arrive a little apart: the first
 * opens a round, the round closes once every bot of the group has entered (a claim, or null for
 * "not me") or after `windowMs`, whichever comes first, and each entry then learns whether it won.
 * A bot that enters twice in one round (its recogniser cut the turn in two) keeps its latest claim;
 * a pass never withdraws a claim. A bot whose recogniser was slower than the window enters after
 * its round closed: if that round gave the turn to someone and this bot had not entered it, the
 * late claim is for the same turn and loses.
 */
import { pickClaim } from "./claims.js";
import type { TurnClaim } from "./sibling-group.js";

/** How long a round waits for the slowest bot's recogniser. */
export const CLAIM_WINDOW_MS = 600;
/** How long after a round closed a claim from a bot absent from it still counts as late for it. */
export const LATE_CLAIM_MS = 3000;

interface Round {
  entries: Map<string, TurnClaim | null>;
  waiting: { holder: string; resolve: (won: boolean) => void }[];
  timer: NodeJS.Timeout;
  winner: string | null | undefined;
}

export class ClaimRounds {
  private open: Round | undefined;
  private lastClosed: { round: Round; at: number } | undefined;

  /** `members`: how many bots the group has now; a round never waits for more entries than that. */
  constructor(
    private readonly members: () => number,
    private readonly windowMs = CLAIM_WINDOW_MS,
  ) {}

  /** Enters `holder`'s claim; resolves true when it is the one to answer. */
  enter(holder: string, claim: TurnClaim): Promise<boolean> {
    const last = this.lastClosed;
    if (!this.open && last && last.round.winner && !last.round.entries.has(holder) && performance.now() - last.at < LATE_CLAIM_MS) {
      last.round.entries.set(holder, claim);
      return Promise.resolve(false);
    }
    const round = this.open ?? this.openRound();
    round.entries.set(holder, claim);
    const outcome = new Promise<boolean>((resolve) => round.waiting.push({ holder, resolve }));
    this.closeIfComplete(round);
    return outcome;
  }

  /** `holder` will not answer this turn (a claim it made earlier in the round stands). */
  pass(holder: string): void {
    const last = this.lastClosed;
    if (!this.open && last && !last.round.entries.has(holder) && performance.now() - last.at < LATE_CLAIM_MS) {
      last.round.entries.set(holder, null);
      return;
    }
    const round = this.open ?? this.openRound();
    if (!round.entries.has(holder)) round.entries.set(holder, null);
    this.closeIfComplete(round);
  }

  private closeIfComplete(round: Round): void {
    if (round.entries.size >= this.members()) this.close(round);
  }

  /** Settles a round in progress at once (a bot left; the server stops). */
  flush(): void {
    if (this.open) this.close(this.open);
  }

  private openRound(): Round {
    const round: Round = { entries: new Map(), waiting: [], timer: setTimeout(() => this.close(round), this.windowMs), winner: undefined };
    this.open = round;
    return round;
  }

  private close(round: Round): void {
    clearTimeout(round.timer);
    if (this.open === round) this.open = undefined;
    this.lastClosed = { round, at: performance.now() };
    const claims = [...round.entries.values()].filter((c): c is TurnClaim => c !== null);
    round.winner = pickClaim(claims);
    for (const { holder, resolve } of round.waiting) resolve(holder === round.winner);
    round.waiting = [];
  }
}
