/**
 * @module bots/cluster/cluster-bot-record
 * One bot as the cluster registry keeps it in a Redis hash: what the API node knew when it accepted
 * the request, and what the worker running it reports. Hash fields are strings; this module turns
 * them into a typed record and back, and into the public view `GET /bots` answers with.
 */
import { defaultMeetingGroup } from "../group/meeting-group-key.js";
import { z } from "zod";
import type { ResolvedPersona } from "../../core/bot-contracts.js";
import { type BotInfo, type BotRequest, botRequestSchema, botStatusSchema } from "../bot-request.js";
import { parsePersonaSnapshot } from "../registry/saved-bot.js";
import { NO_TENANT } from "./cluster-keys.js";

export interface ClusterBotRecord {
  botId: string;
  tenant: string | undefined;
  status: z.infer<typeof botStatusSchema>;
  /** The validated request, replayed for a relaunch on another worker. */
  request: BotRequest;
  meetingUrl: string;
  botName: string | undefined;
  personaKey: string | undefined;
  /** The persona exactly as the first worker resolved it, so a relaunched bot is the same bot. */
  persona: ResolvedPersona | undefined;
  provider: string | undefined;
  /** The caller's MeetingBaas key, kept to create and remove the bot on any worker. */
  apiKey: string | undefined;
  mayUseServerKey: boolean;
  /** The worker running the bot now (empty until one placed it). */
  worker: string | undefined;
  /** The stream id of the current placement, on the worker that runs it. */
  clientId: string | undefined;
  providerBotId: string | undefined;
  /** How many placements succeeded; a placement job for number n runs only once. */
  launches: number;
  leaveRequested: boolean;
  lastError: string | undefined;
  createdAt: string;
  updatedAt: string;
  endedAt: string | undefined;
}

/** One hand-over of the bot from a worker to another. */
export const botMoveSchema = z.object({
  from: z.string(),
  to: z.string(),
  at: z.string(),
  reason: z.enum(["failover", "drain"]),
  old_provider_bot_id: z.string().nullable(),
  new_provider_bot_id: z.string(),
});
export type BotMove = z.infer<typeof botMoveSchema>;

const text = (value: string | undefined) => (value === undefined || value === "" ? undefined : value);

/** Reads a record from its hash; a hash that is missing or damaged reads as no record at all. */
export function parseRecord(hash: Record<string, string>): ClusterBotRecord | undefined {
  const status = botStatusSchema.safeParse(hash.status);
  const request = parseJson(hash.request_json, botRequestSchema);
  if (!hash.bot_id || !status.success || !request || !hash.created_at) return undefined;
  return {
    botId: hash.bot_id,
    tenant: hash.tenant === NO_TENANT ? undefined : hash.tenant,
    status: status.data,
    request,
    meetingUrl: request.meeting_url,
    botName: text(hash.bot_name),
    personaKey: text(hash.persona_key),
    persona: parsePersonaSnapshot(text(hash.persona_json) ?? null) ?? undefined,
    provider: text(hash.provider),
    apiKey: text(hash.api_key),
    mayUseServerKey: hash.may_use_server_key === "1",
    worker: text(hash.worker),
    clientId: text(hash.client_id),
    providerBotId: text(hash.provider_bot_id),
    launches: Number.parseInt(hash.launches ?? "0", 10) || 0,
    leaveRequested: hash.leave_requested === "1",
    lastError: text(hash.last_error),
    createdAt: hash.created_at,
    updatedAt: hash.updated_at ?? hash.created_at,
    endedAt: text(hash.ended_at),
  };
}

function parseJson<T>(raw: string | undefined, schema: z.ZodType<T>): T | undefined {
  if (!raw) return undefined;
  try {
    const parsed = schema.safeParse(JSON.parse(raw));
    return parsed.success ? parsed.data : undefined;
  } catch {
    // Not JSON: the record is unreadable and treated as absent rather than half-read.
    return undefined;
  }
}

/** The fields an API node writes when it accepts a request. */
export function newRecordFields(input: {
  botId: string;
  tenant: string | undefined;
  request: BotRequest;
  apiKey: string | undefined;
  mayUseServerKey: boolean;
  now: string;
}): Record<string, string> {
  return {
    bot_id: input.botId,
    tenant: input.tenant ?? NO_TENANT,
    status: "joining",
    request_json: JSON.stringify(input.request),
    meeting_url: input.request.meeting_url,
    api_key: input.apiKey ?? "",
    may_use_server_key: input.mayUseServerKey ? "1" : "0",
    launches: "0",
    created_at: input.now,
    updated_at: input.now,
  };
}

export function isFinalStatus(status: ClusterBotRecord["status"]): boolean {
  return status === "ended" || status === "failed";
}

/** What `GET /bots` shows: the usual bot view plus where it runs and where it ran before. */
export interface ClusterBotInfo extends BotInfo {
  worker: string | null;
  provider_bot_id: string | null;
  moves: BotMove[];
}

export function clusterBotInfo(record: ClusterBotRecord, moves: BotMove[]): ClusterBotInfo {
  return {
    bot_id: record.botId,
    bot_name: record.botName ?? record.request.bot_name ?? "",
    status: record.status,
    speaking: false,
    persona: record.personaKey ?? "",
    meeting_url: record.meetingUrl,
    provider: record.provider ?? "",
    pipeline: record.request.pipeline,
    recorder: record.request.recorder,
    started_at: record.createdAt,
    ended_at: record.endedAt ?? null,
    last_error: record.lastError ?? null,
    // Turn latencies live with the pipeline on the worker; the registry carries no audio-rate data.
    metrics: { turns: [], stages: {} },
    roster: [],
    turn_decisions: [],
    meeting_group: record.request.meeting_group ?? defaultMeetingGroup(record.meetingUrl, record.provider ?? ""),
    siblings: [],
    participation: null,
    worker: record.worker ?? null,
    provider_bot_id: record.providerBotId ?? null,
    moves,
  };
}

export function parseMoves(raw: string[]): BotMove[] {
  return raw.flatMap((entry) => {
    const move = parseJson(entry, botMoveSchema);
    return move ? [move] : [];
  });
}
