/**
 * @module bots/cluster/cluster-meetings
 * `GET /meetings` on a cluster API node: the meeting groups of a tenant's bots, read from the
 * registry (any worker may run any sibling), with each bot's status and worker and the floor holder
 * read from the Redis floor the workers share. A group is keyed as on the workers (tenant and group
 * name); only bots that take part in groups (the built-in pipeline, not recorders) and have not
 * finished are listed.
 */
import type { Redis } from "ioredis";
import type { MeetingInfo } from "../bot-manager.js";
import type { BotStatus } from "../bot-request.js";
import { groupKey } from "../group/meeting-group-key.js";
import { floorRedisKey } from "../group/redis-floor.js";
import { type ClusterBotRecord, clusterBotInfo, isFinalStatus } from "./cluster-bot-record.js";
import type { ClusterRegistry } from "./cluster-registry.js";

export interface ClusterMeetingBot {
  bot_id: string;
  bot_name: string;
  speaking: boolean;
  status: BotStatus;
  worker: string | null;
}

export interface ClusterMeetingInfo extends MeetingInfo {
  bots: ClusterMeetingBot[];
}

/** The groups with an unfinished bot of `tenant` (every group without one), in the order their first bot was sent. */
export async function clusterMeetings(redis: Redis, registry: ClusterRegistry, tenant: string | undefined): Promise<ClusterMeetingInfo[]> {
  const groups = new Map<string, { name: string; records: ClusterBotRecord[] }>();
  for (const record of await registry.records(tenant)) {
    if (isFinalStatus(record.status) || record.request.pipeline !== "builtin" || record.request.recorder) continue;
    const name = clusterBotInfo(record, []).meeting_group;
    const key = groupKey(record.tenant, name);
    const group = groups.get(key) ?? { name, records: [] };
    group.records.push(record);
    groups.set(key, group);
  }
  if (groups.size === 0) return [];
  const holders = await redis.mget(...[...groups.keys()].map(floorRedisKey));
  return [...groups.values()].map((group, i) => {
    const holder = holders[i] ?? null;
    return {
      meeting_group: group.name,
      // The registry carries no audio: who is speaking is known on the worker only.
      bots: group.records.map((r) => ({ bot_id: r.botId, bot_name: r.botName ?? r.request.bot_name ?? "", speaking: false, status: r.status, worker: r.worker ?? null })),
      // The floor names a placement's client id; one no bot of the group has now is a bot gone or moved.
      floor_holder: holder === null ? null : (group.records.find((r) => r.clientId === holder)?.botId ?? "elsewhere"),
    };
  });
}
