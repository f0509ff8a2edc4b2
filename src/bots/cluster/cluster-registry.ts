/**
 * @module bots/cluster/cluster-registry
 * The bot registry of a cluster, in Redis (ioredis): API nodes create records and read them, the
 * worker running a bot reports its status, and placements (launch, relaunch, hand-over) are
 * committed atomically. Every record carries its tenant; readers filter by it.
 */
import type { Redis } from "ioredis";
import type { ResolvedPersona } from "../../core/bot-contracts.js";
import type { BotRequest, BotStatus } from "../bot-request.js";
import {
  type BotMove,
  type ClusterBotInfo,
  type ClusterBotRecord,
  clusterBotInfo,
  isFinalStatus,
  newRecordFields,
  parseMoves,
  parseRecord,
} from "./cluster-bot-record.js";
import { FINISHED_RECORD_TTL_SECONDS, NO_TENANT, keys } from "./cluster-keys.js";
import { CLOSE_RECORD, COMMIT_PLACEMENT, CREATE_WITHIN_CAP, NOTE_PENDING, REPORT_STATUS } from "./registry-scripts.js";

/** The most records `GET /bots` returns, newest last. */
const LIST_LIMIT = 500;
const MAX_REASON_CHARS = 500;

export interface NewClusterBot {
  botId: string;
  tenant: string | undefined;
  request: BotRequest;
  apiKey: string | undefined;
  mayUseServerKey: boolean;
}

export interface PlacementCommit {
  botId: string;
  launch: number;
  worker: string;
  clientId: string;
  providerBotId: string;
  /** The worker the bot leaves behind, and why (absent for a first launch). */
  move?: { from: string; reason: BotMove["reason"]; oldProviderBotId: string | undefined };
}

export class ClusterRegistry {
  constructor(
    private readonly redis: Redis,
    private readonly now: () => Date = () => new Date(),
  ) {}

  /** Creates the record, unless the tenant already runs `maxActive` unfinished bots; false then. */
  async create(bot: NewClusterBot, maxActive: number = Number.MAX_SAFE_INTEGER): Promise<boolean> {
    const now = this.now();
    const tenant = bot.tenant ?? NO_TENANT;
    const fields = Object.entries(newRecordFields({ ...bot, now: now.toISOString() })).flat();
    const created = await this.redis.eval(
      CREATE_WITHIN_CAP,
      4,
      keys.bot(bot.botId),
      keys.allBots,
      keys.tenantBots(tenant),
      keys.tenantActive(tenant),
      String(maxActive),
      String(now.getTime()),
      bot.botId,
      ...fields,
    );
    return created === 1;
  }

  async get(botId: string): Promise<ClusterBotRecord | undefined> {
    return parseRecord(await this.redis.hgetall(keys.bot(botId)));
  }

  /** The public view of one bot, or undefined when it is unknown or another tenant's. */
  async describe(botId: string, tenant: string | undefined): Promise<ClusterBotInfo | undefined> {
    const [record, moves] = await Promise.all([this.get(botId), this.redis.lrange(keys.moves(botId), 0, -1)]);
    return record && ownedBy(record, tenant) ? clusterBotInfo(record, parseMoves(moves)) : undefined;
  }

  /** The newest bots of a tenant (every bot without one), oldest first. */
  async list(tenant: string | undefined): Promise<ClusterBotInfo[]> {
    const found = await this.records(tenant);
    if (found.length === 0) return [];
    const pipeline = this.redis.pipeline();
    for (const record of found) pipeline.lrange(keys.moves(record.botId), 0, -1);
    const replies = (await pipeline.exec()) ?? [];
    return found.map((record, i) => clusterBotInfo(record, parseMoves((replies[i]?.[1] ?? []) as string[])));
  }

  /** The newest records of a tenant (every record without one), oldest first. */
  async records(tenant: string | undefined): Promise<ClusterBotRecord[]> {
    const index = tenant === undefined ? keys.allBots : keys.tenantBots(tenant);
    const ids = await this.redis.zrange(index, -LIST_LIMIT, -1);
    if (ids.length === 0) return [];
    const pipeline = this.redis.pipeline();
    for (const id of ids) pipeline.hgetall(keys.bot(id));
    const replies = (await pipeline.exec()) ?? [];
    const found: ClusterBotRecord[] = [];
    const expired: string[] = [];
    ids.forEach((id, i) => {
      const record = parseRecord((replies[i]?.[1] ?? {}) as Record<string, string>);
      if (!record) expired.push(id);
      else if (ownedBy(record, tenant)) found.push(record);
    });
    // Finished records expire on their own; their index entries are dropped when first seen gone.
    if (expired.length > 0) await this.redis.multi().zrem(index, ...expired).zrem(keys.allBots, ...expired).exec();
    return found;
  }

  /** Bots of this tenant that have not finished, for the per-tenant cap. */
  async activeCount(tenant: string | undefined): Promise<number> {
    return this.redis.scard(keys.tenantActive(tenant ?? NO_TENANT));
  }

  /** Marks that the bot must leave; true the first time. Placements check it before and after launching. */
  async requestLeave(botId: string): Promise<boolean> {
    return (await this.redis.hsetnx(keys.bot(botId), "leave_requested", "1")) === 1;
  }

  /** A placement being created: its stream id, persona and provider, before the provider answered. */
  async notePendingLaunch(botId: string, launch: { clientId: string; provider: string; botName: string; persona: ResolvedPersona }): Promise<void> {
    await this.redis.hset(keys.bot(botId), {
      pending_client_id: launch.clientId,
      pending_provider_bot_id: "",
      pending_status: "",
      provider: launch.provider,
      bot_name: launch.botName,
      persona_key: launch.persona.key,
      persona_json: JSON.stringify(launch.persona),
    });
  }

  async notePendingProviderId(botId: string, clientId: string, providerBotId: string): Promise<void> {
    await this.redis.eval(NOTE_PENDING, 1, keys.bot(botId), "pending_provider_bot_id", providerBotId, clientId);
  }

  /** The provider id of a placement that was being created (by a worker that may have died since). */
  async pendingProviderId(botId: string): Promise<string | undefined> {
    return (await this.redis.hget(keys.bot(botId), "pending_provider_bot_id")) || undefined;
  }

  /** Whether the placement was committed (false: another run of the same job already did it, or the bot finished). */
  async commitPlacement(commit: PlacementCommit): Promise<boolean> {
    const move = commit.move
      ? JSON.stringify({
          from: commit.move.from,
          to: commit.worker,
          at: this.now().toISOString(),
          reason: commit.move.reason,
          old_provider_bot_id: commit.move.oldProviderBotId ?? null,
          new_provider_bot_id: commit.providerBotId,
        } satisfies BotMove)
      : "";
    const done = await this.redis.eval(
      COMMIT_PLACEMENT,
      4,
      keys.bot(commit.botId),
      keys.moves(commit.botId),
      keys.workerBots(commit.worker),
      keys.workerBots(commit.move?.from ?? commit.worker),
      String(commit.launch),
      commit.worker,
      commit.clientId,
      commit.providerBotId,
      this.now().toISOString(),
      move,
      commit.botId,
    );
    return done === 1;
  }

  /** A status report from the placement with stream id `clientId` on `worker`. */
  async reportStatus(report: { botId: string; tenant: string | undefined; worker: string; clientId: string; status: BotStatus; lastError: string | null }): Promise<void> {
    await this.redis.eval(
      REPORT_STATUS,
      4,
      keys.bot(report.botId),
      keys.moves(report.botId),
      keys.workerBots(report.worker),
      keys.tenantActive(report.tenant ?? NO_TENANT),
      report.clientId,
      report.status,
      (report.lastError ?? "").slice(0, MAX_REASON_CHARS),
      this.now().toISOString(),
      isFinalStatus(report.status) ? "1" : "0",
      String(FINISHED_RECORD_TTL_SECONDS),
      report.botId,
    );
  }

  /** Finishes a bot that no worker runs any more; false when it had already finished. */
  async close(record: Pick<ClusterBotRecord, "botId" | "tenant" | "worker">, status: "ended" | "failed", reason: string): Promise<boolean> {
    const done = await this.redis.eval(
      CLOSE_RECORD,
      4,
      keys.bot(record.botId),
      keys.moves(record.botId),
      keys.workerBots(record.worker ?? "none"),
      keys.tenantActive(record.tenant ?? NO_TENANT),
      status,
      reason.slice(0, MAX_REASON_CHARS),
      this.now().toISOString(),
      String(FINISHED_RECORD_TTL_SECONDS),
      record.botId,
    );
    return done === 1;
  }

  /** The bots a worker runs, by the registry's account. */
  async botsOf(workerId: string): Promise<string[]> {
    return this.redis.smembers(keys.workerBots(workerId));
  }

  /** Drops a bot from a worker's set when the record says it runs elsewhere (or nowhere). */
  async forgetOn(workerId: string, botId: string): Promise<void> {
    await this.redis.srem(keys.workerBots(workerId), botId);
  }
}

function ownedBy(record: ClusterBotRecord, tenant: string | undefined): boolean {
  return tenant === undefined || record.tenant === tenant;
}
