/**
 * @module bots/group/sibling-store
 * Siblings in other processes: when bots of one meeting run on several workers, each worker learns
 * the others' bots (names, speaking spans) and shares the bot-to-bot reply count through Redis
 * (see redis-siblings). Without a store a group knows only the bots of its own process.
 */
import type { GroupMember, GroupMemberSpec } from "./group-member.js";

/** What one meeting group shares with its siblings in other processes. */
export interface GroupSiblings {
  /** A bot of this process joined the group: the other processes learn its names. */
  joined(spec: GroupMemberSpec): void;
  /** A bot of this process left: the other processes forget it. */
  left(holder: string): void;
  /** A bot of this process started or stopped speaking at `at` (performance.now() clock). */
  speaking(holder: string, on: boolean, at: number): void;
  /** The group's bots in other processes as last heard, spans on this process's clock; never waits on Redis. */
  remote(): GroupMember[];
  /** A person took a turn: the shared bot-to-bot count starts again. */
  humanTurn(): void;
  /** Counts one bot-to-bot reply under `limit` for the whole group; `local` answers when Redis cannot. */
  takeBotExchange(limit: number, local: () => boolean): Promise<boolean>;
}

export interface SiblingStore {
  siblingsFor(key: string): GroupSiblings;
  /** No bot of this process is in the group any more. */
  forget(key: string): void;
  /** Frees connections and timers; safe to call more than once. */
  close(): Promise<void>;
}
