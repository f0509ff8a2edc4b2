/**
 * @module bots/registry/migrations
 * The registry's schema, as numbered steps. Each step runs once, in order, inside one transaction
 * with the row recording it in `schema_version`, so a crash mid-upgrade leaves the old schema whole.
 * Add a step at the end to change the schema; never edit a step that has shipped.
 */
import type { Database } from "better-sqlite3";

export interface Migration {
  version: number;
  description: string;
  up(db: Database): void;
}

export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    description: "bots table",
    // Status and pipeline are plain text checked when read, so a status added later never fails a write.
    up(db) {
      db.exec(`
        CREATE TABLE bots (
          client_id       TEXT PRIMARY KEY,
          provider_bot_id TEXT,
          provider        TEXT NOT NULL,
          meeting_url     TEXT NOT NULL,
          bot_name        TEXT NOT NULL,
          persona_key     TEXT NOT NULL,
          persona_json    TEXT NOT NULL,
          pipeline        TEXT NOT NULL,
          recorder        INTEGER NOT NULL CHECK (recorder IN (0, 1)),
          enable_tools    INTEGER NOT NULL CHECK (enable_tools IN (0, 1)),
          audio_frequency INTEGER NOT NULL CHECK (audio_frequency IN (16000, 24000)),
          status          TEXT NOT NULL,
          last_error      TEXT,
          api_key         TEXT,
          tenant          TEXT,
          created_at      TEXT NOT NULL,
          updated_at      TEXT NOT NULL,
          ended_at        TEXT
        );
        CREATE INDEX bots_provider_bot_id ON bots (provider_bot_id);
        CREATE INDEX bots_finished ON bots (ended_at) WHERE ended_at IS NOT NULL;
        CREATE INDEX bots_unfinished ON bots (created_at) WHERE ended_at IS NULL;
      `);
    },
  },
  {
    version: 2,
    description: "meeting group of each bot",
    // Rows from before the step read as null: their group is the default of their meeting URL.
    up(db) {
      db.exec("ALTER TABLE bots ADD COLUMN meeting_group TEXT");
    },
  },
];

/** The schema version a database file is at; 0 for a new file. */
export function schemaVersion(db: Database): number {
  const table = db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'schema_version'").get();
  if (!table) return 0;
  const row = db.prepare("SELECT MAX(version) AS version FROM schema_version").get() as { version: number | null };
  return row.version ?? 0;
}

/** Brings the file up to the newest step; refuses a file written by a newer server. */
export function migrate(db: Database, migrations: readonly Migration[] = MIGRATIONS): { from: number; to: number } {
  db.exec("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER PRIMARY KEY, description TEXT NOT NULL, applied_at TEXT NOT NULL)");
  const from = schemaVersion(db);
  const newest = migrations.at(-1)?.version ?? 0;
  if (from > newest) {
    throw new Error(`the bot registry is at schema version ${from}, newer than this server understands (${newest}): upgrade the server`);
  }
  const record = db.prepare("INSERT INTO schema_version (version, description, applied_at) VALUES (?, ?, ?)");
  for (const step of migrations.filter((candidate) => candidate.version > from)) {
    db.transaction(() => {
      step.up(db);
      record.run(step.version, step.description, new Date().toISOString());
    })();
  }
  return { from, to: Math.max(from, newest) };
}
