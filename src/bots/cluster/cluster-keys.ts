/**
 * @module bots/cluster/cluster-keys
 * Every Redis key and BullMQ queue name the cluster uses, in one place, so the layout of the data is
 * readable at a glance and no two modules spell a key differently.
 */

/** BullMQ keeps its own keys under this prefix, apart from the registry's. */
export const QUEUE_PREFIX = "sb-queue";
/** Jobs that place a bot on a worker: first launch, relaunch after a worker died, hand-over on drain. */
export const PLACEMENT_QUEUE = "placements";

/** Placements for bots in the built-in rooms one worker holds: only that worker reads its queue. */
export function roomPlacementQueueOf(workerId: string): string {
  return `placements-${workerId}`;
}

/** The commands one worker takes (leave a bot): only that worker reads its queue. */
export function commandQueueOf(workerId: string): string {
  return `commands-${workerId}`;
}

export const keys = {
  /** Hash: one bot's record (status, tenant, persona, meeting, worker, provider ids, timestamps). */
  bot: (botId: string) => `sb:bot:${botId}`,
  /** List: JSON entries, one per move of the bot from one worker to another. */
  moves: (botId: string) => `sb:bot:${botId}:moves`,
  /** Sorted set (score: creation time) of every bot id, newest last. */
  allBots: "sb:bots",
  /** Sorted set of one tenant's bot ids. */
  tenantBots: (tenant: string) => `sb:tenant:${encodeURIComponent(tenant)}:bots`,
  /** Set of one tenant's bots that have not finished, for the per-tenant cap. */
  tenantActive: (tenant: string) => `sb:tenant:${encodeURIComponent(tenant)}:active`,
  /** Set of every worker id that registered and has not been retired. */
  workers: "sb:workers",
  /** Hash: a worker's public base URL, capacity, current load and whether it takes bots. */
  worker: (workerId: string) => `sb:worker:${workerId}`,
  /** String with a short expiry, renewed by each heartbeat: gone means the worker is dead. */
  alive: (workerId: string) => `sb:worker:${workerId}:alive`,
  /** Set of the bots a worker runs now. */
  workerBots: (workerId: string) => `sb:worker:${workerId}:bots`,
  /** String: the worker holding a built-in room (its people and bots live in that worker's memory). */
  room: (room: string) => `sb:room:${room}`,
  /** Set of the rooms pinned to a worker, so they can be unpinned when it stops. */
  workerRooms: (workerId: string) => `sb:worker:${workerId}:rooms`,
} as const;

/** The tenant of bots sent without an API key (a server without keys). */
export const NO_TENANT = "";

/** Finished records are kept this long for status queries, then Redis drops them. */
export const FINISHED_RECORD_TTL_SECONDS = 7 * 24 * 3600;

/** Public bot ids are UUIDs minted by an API node; anything else is unknown without asking Redis. */
const BOT_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

export function isClusterBotId(value: string): boolean {
  return BOT_ID.test(value);
}
