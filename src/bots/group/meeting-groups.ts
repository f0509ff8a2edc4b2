/**
 * @module bots/group/meeting-groups
 * The bots of this process by meeting group (per tenant: one tenant's bots never share a floor with
 * another's, whatever group they name). A group knows its bots, every name each answers to, when
 * each is speaking (marked from the bot's own output, so exact), the floor they share, the claim
 * round for room questions and the bot-to-bot reply count. Each bot sees its group through a
 * `GroupMembership` (the pipeline's `SiblingGroup`).
 */
import { CLAIM_WINDOW_MS } from "../../pipeline/turn/claim-rounds.js";
import type { Floor } from "../../pipeline/turn/floor.js";
import { type ClaimStore, InProcessClaimStore } from "./claim-store.js";
import { type FloorStore, InProcessFloorStore } from "./floor-store.js";
import { GroupMembership } from "./group-membership.js";
import { type GroupMemberSpec, GroupState } from "./group-state.js";
import { groupKey } from "./meeting-group-key.js";
import { normaliseName } from "./sibling-names.js";
import type { SiblingStore } from "./sibling-store.js";

export interface GroupView {
  meetingGroup: string;
  members: { holderId: string; displayName: string; speaking: boolean }[];
  floor: Floor;
}

export type { GroupMemberSpec };

export interface MeetingGroupsOptions {
  floors?: FloorStore;
  /** Where claim rounds are held; in this process by default, with `claimWindowMs`. */
  claims?: ClaimStore;
  claimWindowMs?: number;
  /** Where bots learn their siblings in other processes (Redis); none: only this process's bots. */
  siblings?: SiblingStore;
}

export class MeetingGroups {
  private readonly groups = new Map<string, GroupState>();
  private readonly floors: FloorStore;
  private readonly claims: ClaimStore;
  private readonly siblings: SiblingStore | undefined;

  constructor(options: MeetingGroupsOptions = {}) {
    this.siblings = options.siblings;
    this.floors = options.floors ?? new InProcessFloorStore();
    this.claims = options.claims ?? new InProcessClaimStore(options.claimWindowMs ?? CLAIM_WINDOW_MS);
  }

  /** Adds a bot to its group (created on first use); leave through the membership. */
  join(tenant: string | undefined, meetingGroup: string, spec: GroupMemberSpec): GroupMembership {
    const key = groupKey(tenant, meetingGroup);
    let group = this.groups.get(key);
    if (!group) {
      group = new GroupState(key, tenant, meetingGroup, this.floors.floorFor(key), this.claims, this.siblings?.siblingsFor(key));
      this.groups.set(key, group);
    }
    const names = [...new Set([spec.displayName, ...spec.names].map(normaliseName).filter(Boolean))];
    group.members.set(spec.holderId, { spec, normalisedNames: names, spans: [] });
    group.rounds.joined(spec.holderId);
    group.remote?.joined(spec);
    return new GroupMembership(group, spec.holderId, (left) => this.left(left));
  }

  /** Every group with a bot of `tenant` (all groups without one), members in joining order. */
  list(tenant?: string): GroupView[] {
    return [...this.groups.values()]
      .filter((g) => tenant === undefined || g.tenant === tenant)
      .map((g) => ({
        meetingGroup: g.name,
        floor: g.floor,
        members: [...g.members.values()].map((m) => ({ holderId: m.spec.holderId, displayName: m.spec.displayName, speaking: m.spans.at(-1)?.end === null })),
      }));
  }

  /** Frees the floors, claim rounds and sibling store (Redis connections, timers); safe to call more than once. */
  async close(): Promise<void> {
    await Promise.all([this.floors.close(), this.claims.close(), this.siblings?.close()]);
  }

  private left(group: GroupState): void {
    if (group.members.size > 0 || this.groups.get(group.key) !== group) return;
    this.groups.delete(group.key);
    this.floors.forget(group.key);
    this.claims.forget(group.key);
    this.siblings?.forget(group.key);
  }
}
