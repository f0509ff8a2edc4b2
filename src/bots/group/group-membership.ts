/**
 * @module bots/group/group-membership
 * One bot's view of its meeting group: what its turn stages ask about the siblings (names, who was
 * speaking when), and what they tell the group (its own voice, claims, bot-to-bot replies). With a
 * sibling store the group also holds the bots of other processes.
 */
import type { SiblingGroup, SiblingSpeech, TurnClaim } from "../../pipeline/turn/sibling-group.js";
import type { Floor } from "../../pipeline/turn/floor.js";
import { type GroupMember, type GroupState, SPEAKING_HISTORY_MS } from "./group-state.js";
import { normaliseName, sameName } from "./sibling-names.js";

export class GroupMembership implements SiblingGroup {
  private gone = false;

  constructor(
    private readonly group: GroupState,
    readonly holderId: string,
    private readonly onLeave: (group: GroupState) => void,
  ) {}

  get floor(): Floor {
    return this.group.floor;
  }

  get meetingGroup(): string {
    return this.group.name;
  }

  /** The other bots of the group, in joining order. */
  siblings(): { holderId: string; displayName: string }[] {
    return this.others().map((m) => ({ holderId: m.spec.holderId, displayName: m.spec.displayName }));
  }

  siblingNames(): string[] {
    return [...new Set(this.others().flatMap((m) => [m.spec.displayName, ...m.spec.names]))];
  }

  siblingNamed(name: string): string | null {
    const heard = normaliseName(name);
    return this.others().find((m) => m.normalisedNames.some((known) => sameName(heard, known)))?.spec.displayName ?? null;
  }

  siblingSpeaking(start: number, end: number): SiblingSpeech | null {
    let best: SiblingSpeech | null = null;
    for (const member of this.others()) {
      let overlapMs = 0;
      for (const span of member.spans) overlapMs += Math.max(0, Math.min(end, span.end ?? end) - Math.max(start, span.start));
      if (overlapMs > 0 && (!best || overlapMs > best.overlapMs)) best = { name: member.spec.displayName, overlapMs };
    }
    return best;
  }

  speaking(on: boolean, at: number): void {
    const me = this.group.members.get(this.holderId);
    if (!me) return;
    const last = me.spans.at(-1);
    const starts = on && (!last || last.end !== null);
    const stops = !on && last !== undefined && last.end === null;
    if (starts) me.spans.push({ start: at, end: null });
    if (stops) last.end = at;
    me.spans = me.spans.filter((s) => s.end === null || at - s.end < SPEAKING_HISTORY_MS);
    if (starts || stops) this.group.remote?.speaking(this.holderId, on, at);
  }

  settle(claim: TurnClaim, heardAt = performance.now()): Promise<boolean> {
    if (this.gone) return Promise.resolve(false);
    return this.group.rounds.enter(this.holderId, claim, heardAt);
  }

  pass(heardAt = performance.now()): void {
    if (!this.gone) this.group.rounds.pass(this.holderId, heardAt);
  }

  humanTurn(): void {
    this.group.botExchanges = 0;
    this.group.remote?.humanTurn();
  }

  /** Counted in this process, or for the whole group across processes (this process's count when Redis fails). */
  takeBotExchange(limit: number): boolean | Promise<boolean> {
    const local = () => {
      if (this.group.botExchanges >= limit) return false;
      this.group.botExchanges += 1;
      return true;
    };
    return this.group.remote ? this.group.remote.takeBotExchange(limit, local) : local();
  }

  /**
   * Takes the bot out of its group; a round waiting for it settles now, and a floor it still holds
   * is given back: a bot that failed mid-reply never saw its pipeline end, and would otherwise keep
   * its siblings silent. Idempotent; rejects only if a shared (Redis) floor cannot be reached.
   */
  async leave(): Promise<void> {
    if (this.gone) return;
    this.gone = true;
    this.group.members.delete(this.holderId);
    this.group.rounds.left(this.holderId);
    this.group.remote?.left(this.holderId);
    this.onLeave(this.group);
    await this.group.floor.release(this.holderId);
  }

  /** The other bots of the group: this process's, then those of other processes as last heard. */
  private others(): GroupMember[] {
    const here = [...this.group.members.values()].filter((m) => m.spec.holderId !== this.holderId);
    return this.group.remote ? [...here, ...this.group.remote.remote()] : here;
  }
}
