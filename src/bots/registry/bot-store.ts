/**
 * @module bots/registry/bot-store
 * The bot registry on disk: one SQLite file (better-sqlite3, WAL) that survives a crash or SIGKILL,
 * so a restarted server can resume or remove every bot it had in a meeting. Writes are synchronous
 * and small: on launch, when the provider's id is known, on each status change.
 *
 * The file holds each bot's MeetingBaas key and stream id: it is created readable by its owner only
 * (0600). One server owns the file at a time (an exclusive lock), so two servers sharing a DATA_DIR
 * can never recover each other's bots.
 */
import { chmodSync, closeSync, existsSync, mkdirSync, openSync } from "node:fs";
import { dirname } from "node:path";
import Database, { type Database as SqliteDatabase, SqliteError } from "better-sqlite3";
import { type BotStatus, botStatusSchema } from "../bot-request.js";
import { defaultMeetingGroup } from "../group/meeting-group-key.js";
import { migrate } from "./migrations.js";
import { FINAL_STATUSES, type NewSavedBot, type SavedBot, parsePersonaSnapshot } from "./saved-bot.js";

/** Finished bots kept for status queries; older ones are deleted. */
export const KEEP_FINISHED = 500;

/** A path that keeps the registry in memory only: nothing survives a restart. */
export const IN_MEMORY = ":memory:";

interface BotRow {
  client_id: string;
  provider_bot_id: string | null;
  provider: string;
  meeting_url: string;
  bot_name: string;
  persona_key: string;
  persona_json: string;
  pipeline: string;
  recorder: number;
  enable_tools: number;
  audio_frequency: number;
  status: string;
  last_error: string | null;
  api_key: string | null;
  tenant: string | null;
  meeting_group: string | null;
  created_at: string;
  updated_at: string;
  ended_at: string | null;
}

export interface BotStoreOptions {
  keepFinished?: number;
  /** How long to wait for a lock held by another process before giving up (ms). */
  lockTimeoutMs?: number;
}

export class BotStore {
  private readonly keepFinished: number;

  private constructor(
    private readonly db: SqliteDatabase,
    readonly path: string,
    options: BotStoreOptions,
  ) {
    this.keepFinished = options.keepFinished ?? KEEP_FINISHED;
  }

  /** Opens (creating and migrating when needed) the registry at `path`. */
  static open(path: string, options: BotStoreOptions = {}): BotStore {
    if (path !== IN_MEMORY) createPrivateFile(path);
    const db = new Database(path, { timeout: options.lockTimeoutMs ?? 2000 });
    try {
      // Exclusive locking: the first write below takes the lock and this connection keeps it.
      db.pragma("locking_mode = EXCLUSIVE");
      db.pragma("journal_mode = WAL");
      db.pragma("synchronous = NORMAL");
      migrate(db);
    } catch (error) {
      db.close();
      if (error instanceof SqliteError && error.code.startsWith("SQLITE_BUSY")) {
        throw new Error(`the bot registry ${path} is in use by another Speaking Bots server: stop it, or give this one its own DATA_DIR`);
      }
      throw error;
    }
    if (path !== IN_MEMORY) restrictSidecarFiles(path);
    return new BotStore(db, path, options);
  }

  saveLaunch(bot: NewSavedBot): void {
    const now = new Date().toISOString();
    this.db
      .prepare(
        `INSERT INTO bots (client_id, provider, meeting_url, bot_name, persona_key, persona_json, pipeline, recorder, enable_tools,
           audio_frequency, status, api_key, tenant, meeting_group, created_at, updated_at)
         VALUES (@clientId, @provider, @meetingUrl, @botName, @personaKey, @personaJson, @pipeline, @recorder, @enableTools,
           @audioFrequency, 'joining', @apiKey, @tenant, @meetingGroup, @now, @now)`,
      )
      .run({
        clientId: bot.clientId,
        provider: bot.provider,
        meetingUrl: bot.meetingUrl,
        botName: bot.botName,
        personaKey: bot.persona.key,
        personaJson: JSON.stringify(bot.persona),
        pipeline: bot.pipeline,
        recorder: bot.recorder ? 1 : 0,
        enableTools: bot.enableTools ? 1 : 0,
        audioFrequency: bot.audioFrequency,
        apiKey: bot.apiKey ?? null,
        tenant: bot.tenant ?? null,
        meetingGroup: bot.meetingGroup,
        now,
      });
  }

  saveProviderId(clientId: string, providerBotId: string): void {
    this.db.prepare("UPDATE bots SET provider_bot_id = ?, updated_at = ? WHERE client_id = ?").run(providerBotId, new Date().toISOString(), clientId);
  }

  /** Records a status; a final one also stamps the end time and prunes the oldest finished bots. */
  saveStatus(clientId: string, status: BotStatus, lastError: string | null): void {
    const now = new Date().toISOString();
    const final = FINAL_STATUSES.includes(status);
    this.db
      .prepare("UPDATE bots SET status = ?, last_error = COALESCE(?, last_error), updated_at = ?, ended_at = CASE WHEN ? THEN COALESCE(ended_at, ?) END WHERE client_id = ?")
      .run(status, lastError, now, final ? 1 : 0, now, clientId);
    if (final) this.prune();
  }

  /** Bots that had not finished when the last server stopped, oldest first. */
  unfinished(): SavedBot[] {
    return this.rows("SELECT * FROM bots WHERE ended_at IS NULL ORDER BY created_at, rowid");
  }

  /** A bot by its public (provider) id or its client id. */
  find(botId: string): SavedBot | undefined {
    return this.rows("SELECT * FROM bots WHERE provider_bot_id = ? OR client_id = ? ORDER BY created_at DESC LIMIT 1", botId, botId)[0];
  }

  /** Finished bots the provider had accepted, newest first. */
  recentFinished(limit = this.keepFinished): SavedBot[] {
    return this.rows("SELECT * FROM bots WHERE ended_at IS NOT NULL AND provider_bot_id IS NOT NULL ORDER BY ended_at DESC, rowid DESC LIMIT ?", limit);
  }

  close(): void {
    if (this.db.open) this.db.close();
  }

  private prune(): void {
    this.db
      .prepare(
        `DELETE FROM bots WHERE ended_at IS NOT NULL AND client_id NOT IN
           (SELECT client_id FROM bots WHERE ended_at IS NOT NULL ORDER BY ended_at DESC, rowid DESC LIMIT ?)`,
      )
      .run(this.keepFinished);
  }

  private rows(sql: string, ...params: unknown[]): SavedBot[] {
    return (this.db.prepare(sql).all(...params) as BotRow[]).map(fromRow);
  }
}

function fromRow(row: BotRow): SavedBot {
  const status = botStatusSchema.safeParse(row.status);
  const pipeline = row.pipeline === "builtin" || row.pipeline === "pipecat" ? row.pipeline : undefined;
  return {
    clientId: row.client_id,
    providerBotId: row.provider_bot_id,
    provider: row.provider,
    meetingUrl: row.meeting_url,
    botName: row.bot_name,
    personaKey: row.persona_key,
    // A bot whose engine kind this server does not know cannot be rebuilt, like one without a persona.
    persona: pipeline ? parsePersonaSnapshot(row.persona_json) : null,
    pipeline: pipeline ?? "builtin",
    recorder: row.recorder === 1,
    enableTools: row.enable_tools === 1,
    audioFrequency: row.audio_frequency === 24000 ? 24000 : 16000,
    // An unknown status on a live row is treated as leaving: recovery then makes the bot leave.
    status: status.success ? status.data : row.ended_at ? "failed" : "leaving",
    lastError: row.last_error,
    apiKey: row.api_key,
    tenant: row.tenant,
    meetingGroup: row.meeting_group ?? defaultMeetingGroup(row.meeting_url, row.provider),
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    endedAt: row.ended_at,
  };
}

/** Creates the file owner-only before SQLite opens it, and tightens one left by an older version. */
function createPrivateFile(path: string): void {
  mkdirSync(dirname(path), { recursive: true });
  closeSync(openSync(path, "a", 0o600));
  chmodSync(path, 0o600);
}

/** SQLite gives its -wal and -shm files the database's mode; older ones are tightened too. */
function restrictSidecarFiles(path: string): void {
  for (const sidecar of [`${path}-wal`, `${path}-shm`]) if (existsSync(sidecar)) chmodSync(sidecar, 0o600);
}

/** The part of the store the bot manager writes to and reads finished bots from. */
export type BotRegistry = Pick<BotStore, "saveLaunch" | "saveProviderId" | "saveStatus" | "find" | "recentFinished">;
