/**
 * The bot registry on a real SQLite file: what is written survives closing and reopening, the file
 * is private, finished bots are pruned to a bound, the schema steps run once and in order, and a
 * second server cannot open a registry that is in use.
 */
import { chmodSync, mkdtempSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { ResolvedPersona } from "../../core/bot-contracts.js";
import { BotStore } from "./bot-store.js";
import { MIGRATIONS, type Migration, migrate, schemaVersion } from "./migrations.js";
import type { NewSavedBot } from "./saved-bot.js";

const persona: ResolvedPersona = {
  key: "interviewer",
  name: "Interviewer",
  systemPrompt: "You interview people.\n## Not a heading of ours",
  entryMessage: "Hello, I am listening.",
  voiceId: undefined,
  gender: "female",
  language: "en-US",
  image: undefined,
  chosenBy: "requested persona",
};

function launch(clientId: string, overrides: Partial<NewSavedBot> = {}): NewSavedBot {
  return {
    clientId,
    provider: "meetingbaas",
    meetingUrl: "https://meet.google.com/abc-defg-hij",
    botName: "Interviewer",
    persona,
    pipeline: "builtin",
    recorder: false,
    enableTools: true,
    audioFrequency: 16000,
    apiKey: "key-of-the-caller",
    tenant: undefined,
    meetingGroup: "meet.google.com/abc-defg-hij",
    ...overrides,
  };
}

describe("BotStore", () => {
  let dir: string;
  let path: string;
  let store: BotStore | undefined;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), "bot-store-"));
    path = join(dir, "nested", "bots.sqlite");
  });
  afterEach(() => {
    store?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it("creates a private WAL file and keeps what was written across a reopen", () => {
    store = BotStore.open(path);
    expect(statSync(path).mode & 0o777).toBe(0o600);
    store.saveLaunch(launch("client-a", { tenant: "acme", audioFrequency: 24000, pipeline: "pipecat", meetingGroup: "Weekly sync" }));
    store.saveProviderId("client-a", "provider-a");
    store.saveStatus("client-a", "in_call", null);
    store.saveLaunch(launch("client-b", { apiKey: undefined }));
    expect(statSync(`${path}-wal`).mode & 0o777).toBe(0o600);
    store.close();

    store = BotStore.open(path);
    const [a, b] = store.unfinished();
    expect(a).toMatchObject({
      clientId: "client-a",
      providerBotId: "provider-a",
      provider: "meetingbaas",
      personaKey: "interviewer",
      persona,
      pipeline: "pipecat",
      recorder: false,
      enableTools: true,
      audioFrequency: 24000,
      status: "in_call",
      lastError: null,
      apiKey: "key-of-the-caller",
      tenant: "acme",
      meetingGroup: "Weekly sync",
      endedAt: null,
    });
    expect(b).toMatchObject({ clientId: "client-b", providerBotId: null, status: "joining", apiKey: null, tenant: null });
    store.close();
    const direct = new Database(path, { readonly: true });
    expect(direct.pragma("journal_mode", { simple: true })).toBe("wal");
    direct.close();
  });

  it("stamps the end of a finished bot and answers for it by either id", () => {
    store = BotStore.open(path);
    store.saveLaunch(launch("client-a"));
    store.saveProviderId("client-a", "provider-a");
    store.saveStatus("client-a", "failed", "the meeting provider never opened the audio stream");
    store.saveLaunch(launch("client-never-accepted"));
    store.saveStatus("client-never-accepted", "failed", "meetingbaas rejected the bot");

    expect(store.unfinished()).toEqual([]);
    const byProvider = store.find("provider-a");
    expect(byProvider).toMatchObject({ clientId: "client-a", status: "failed", lastError: "the meeting provider never opened the audio stream" });
    expect(byProvider?.endedAt).toEqual(expect.any(String));
    expect(store.find("client-a")?.providerBotId).toBe("provider-a");
    expect(store.find("nobody")).toBeUndefined();
    // A launch the provider refused has no public id and is not listed.
    expect(store.recentFinished().map((bot) => bot.clientId)).toEqual(["client-a"]);
  });

  it("keeps only the newest finished bots and never prunes a live one", () => {
    store = BotStore.open(path, { keepFinished: 3 });
    store.saveLaunch(launch("live"));
    store.saveProviderId("live", "provider-live");
    for (let i = 1; i <= 6; i += 1) {
      store.saveLaunch(launch(`done-${i}`));
      store.saveProviderId(`done-${i}`, `provider-${i}`);
      store.saveStatus(`done-${i}`, "ended", null);
    }
    expect(store.recentFinished().map((bot) => bot.providerBotId)).toEqual(["provider-6", "provider-5", "provider-4"]);
    expect(store.find("provider-1")).toBeUndefined();
    expect(store.unfinished().map((bot) => bot.clientId)).toEqual(["live"]);
  });

  it("reads an unreadable persona snapshot as none, so the bot is not rebuilt from half a persona", () => {
    store = BotStore.open(path);
    store.saveLaunch(launch("broken"));
    store.saveLaunch(launch("odd-engine"));
    store.close();
    const direct = new Database(path);
    direct.prepare("UPDATE bots SET persona_json = '{\"key\":' WHERE client_id = 'broken'").run();
    direct.prepare("UPDATE bots SET pipeline = 'something-new', status = 'paused' WHERE client_id = 'odd-engine'").run();
    direct.close();
    store = BotStore.open(path);
    const [broken, odd] = store.unfinished();
    expect(broken?.persona).toBeNull();
    expect(broken?.personaKey).toBe("interviewer");
    expect(odd?.persona).toBeNull();
    expect(odd?.status).toBe("leaving");
  });

  it("refuses a second opener while the registry is in use, and opens once it is free", () => {
    store = BotStore.open(path);
    expect(() => BotStore.open(path, { lockTimeoutMs: 50 })).toThrow(/in use by another Speaking Bots server/);
    store.close();
    store = BotStore.open(path);
    expect(store.unfinished()).toEqual([]);
  });

  it("tightens the mode of a registry file created with looser permissions", () => {
    const loose = join(dir, "loose.sqlite");
    writeFileSync(loose, "");
    chmodSync(loose, 0o644);
    store = BotStore.open(loose);
    expect(statSync(loose).mode & 0o777).toBe(0o600);
  });

  it("keeps nothing on disk with :memory:", () => {
    store = BotStore.open(":memory:");
    store.saveLaunch(launch("client-a"));
    expect(store.unfinished()).toHaveLength(1);
  });
});

describe("registry migrations", () => {
  const newest = MIGRATIONS.length;
  const next = newest + 1;
  const extraColumn: Migration = { version: next, description: "notes column", up: (db) => db.exec("ALTER TABLE bots ADD COLUMN notes TEXT") };
  const insertRow = (db: Database.Database) =>
    db
      .prepare(
        "INSERT INTO bots (client_id, provider, meeting_url, bot_name, persona_key, persona_json, pipeline, recorder, enable_tools, audio_frequency, status, created_at, updated_at) VALUES ('c', 'meetingbaas', 'https://meet.google.com/abc-defg-hij?authuser=1', 'n', 'k', '{}', 'builtin', 0, 1, 16000, 'in_call', 't', 't')",
      )
      .run();

  it("runs each step once, in order, and records it", () => {
    const db = new Database(":memory:");
    expect(migrate(db)).toEqual({ from: 0, to: newest });
    insertRow(db);
    expect(migrate(db, [...MIGRATIONS, extraColumn])).toEqual({ from: newest, to: next });
    expect(migrate(db, [...MIGRATIONS, extraColumn])).toEqual({ from: next, to: next });
    expect(schemaVersion(db)).toBe(next);
    expect(db.prepare("SELECT client_id, notes FROM bots").all()).toEqual([{ client_id: "c", notes: null }]);
    expect((db.prepare("SELECT version FROM schema_version ORDER BY version").all() as { version: number }[]).map((row) => row.version)).toEqual([...MIGRATIONS.map((m) => m.version), next]);
    db.close();
  });

  it("gives a bot saved before groups were kept its meeting URL's group", () => {
    const dir = mkdtempSync(join(tmpdir(), "bot-store-v1-"));
    const file = join(dir, "bots.sqlite");
    const old = new Database(file);
    migrate(old, MIGRATIONS.slice(0, 1));
    insertRow(old);
    old.close();
    const upgraded = BotStore.open(file);
    expect(upgraded.unfinished()).toMatchObject([{ clientId: "c", meetingGroup: "meet.google.com/abc-defg-hij" }]);
    upgraded.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it("leaves the old schema whole when a step fails half-way", () => {
    const db = new Database(":memory:");
    migrate(db);
    const failing: Migration = {
      version: next,
      description: "fails after its first statement",
      up: (inner) => {
        inner.exec("ALTER TABLE bots ADD COLUMN notes TEXT");
        throw new Error("disk on fire");
      },
    };
    expect(() => migrate(db, [...MIGRATIONS, failing])).toThrow(/disk on fire/);
    expect(schemaVersion(db)).toBe(newest);
    const columns = (db.prepare("PRAGMA table_info(bots)").all() as { name: string }[]).map((column) => column.name);
    expect(columns).not.toContain("notes");
    db.close();
  });

  it("refuses a registry written by a newer server", () => {
    const db = new Database(":memory:");
    migrate(db, [...MIGRATIONS, extraColumn]);
    expect(() => migrate(db)).toThrow(new RegExp(`schema version ${next}, newer than this server understands \\(${newest}\\)`));
    db.close();
  });
});
