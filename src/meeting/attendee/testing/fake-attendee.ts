/**
 * @module meeting/attendee/testing/fake-attendee
 * A local server that answers like Attendee's REST API — `Authorization: Token` checks with
 * Attendee's 401 bodies, `POST /api/v1/bots` with its field validation (unexpected fields, wss://
 * audio URL, sample rates, https webhooks, string metadata, names without emoji) and its 400 on a
 * deduplication key held by a bot that has not ended, `GET /api/v1/bots/{id}` and
 * `POST /api/v1/bots/{id}/leave` — and then, like the real bot, joins, posts signed webhooks and
 * dials the audio URL it was given (see fake-attendee-bot).
 *
 * One allowance for tests: on loopback, ws:// audio URLs and http:// webhook URLs pointing at
 * loopback are accepted, so our server needs no TLS certificate to be tested.
 */
import { randomBytes } from "node:crypto";
import { type IncomingMessage, type Server, type ServerResponse, createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { errorMessage } from "../../../core/errors.js";
import { isLoopbackHost } from "../../../util/self-origins.js";
import { FakeAttendeeBot, type FakeAttendeeScript } from "./fake-attendee-bot.js";

export interface RecordedAttendeeRequest {
  method: string;
  path: string;
  authorization: string | undefined;
  body: unknown;
}

export interface FakeAttendeeOptions {
  apiKeys?: string[];
  script?: Partial<FakeAttendeeScript>;
  /** The project's webhook secret (base64), as Attendee shows it in its webhook settings. */
  webhookSecret?: string;
}

const CREATE_FIELDS = [
  "meeting_url", "bot_name", "bot_image", "metadata", "bot_chat_message", "join_at", "calendar_event_id", "deduplication_key", "webhooks",
  "callback_settings", "external_media_storage_settings", "voice_agent_settings", "transcription_settings", "websocket_settings", "rtmp_settings",
  "recording_settings", "google_meet_settings", "teams_settings", "zoom_settings", "debug_settings", "automatic_leave_settings",
];
const TRIGGERS = ["bot.state_change", "transcript.update", "chat_messages.update", "participant_events.join_leave", "participant_events.speech_start_stop", "calendar.events_update", "calendar.state_change", "bot_logs.update"];
const TERMINAL = new Set(["ended", "fatal_error"]);

type FieldErrors = Record<string, unknown>;

export class FakeAttendee {
  readonly requests: RecordedAttendeeRequest[] = [];
  readonly bots = new Map<string, { bot: FakeAttendeeBot; meetingUrl: string; dedupKey: string | null; botName: string }>();
  readonly webhookSecret: string;
  private readonly server: Server;
  private readonly apiKeys: Set<string>;

  constructor(readonly options: FakeAttendeeOptions = {}) {
    this.apiKeys = new Set(options.apiKeys ?? ["attendee-key"]);
    this.webhookSecret = options.webhookSecret ?? randomBytes(32).toString("base64");
    this.server = createServer((req, res) => {
      this.handle(req, res).catch((error: unknown) => send(res, 500, { error: `fake Attendee failed: ${errorMessage(error)}` }));
    });
  }

  async start(): Promise<string> {
    await new Promise<void>((resolve) => this.server.listen(0, "127.0.0.1", resolve));
    return this.url;
  }

  get url(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  bot(id: string): FakeAttendeeBot {
    const record = this.bots.get(id);
    if (!record) throw new Error(`no emulated Attendee bot ${id}`);
    return record.bot;
  }

  leaves(): RecordedAttendeeRequest[] {
    return this.requests.filter((r) => r.path.endsWith("/leave"));
  }

  async stop(): Promise<void> {
    for (const { bot } of this.bots.values()) bot.leave();
    await Promise.all([...this.bots.values()].map(({ bot }) => bot.webhooks.idle()));
    this.server.closeAllConnections();
    await new Promise((resolve) => this.server.close(resolve));
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const text = Buffer.concat(chunks).toString("utf8");
    const path = (req.url ?? "/").split("?")[0] ?? "/";
    const authorization = req.headers.authorization;
    let body: unknown;
    try {
      body = text ? JSON.parse(text) : undefined;
    } catch (error) {
      this.requests.push({ method: req.method ?? "GET", path, authorization, body: text });
      send(res, 400, { detail: `JSON parse error - ${errorMessage(error)}` });
      return;
    }
    this.requests.push({ method: req.method ?? "GET", path, authorization, body });
    const refusal = this.authenticate(authorization);
    if (refusal) {
      send(res, 401, { detail: refusal }, { "www-authenticate": "Token" });
      return;
    }
    const botPath = path.match(/^\/api\/v1\/bots\/([^/]+)(\/leave)?$/);
    if (req.method === "POST" && path === "/api/v1/bots") this.create(body, res);
    else if (req.method === "POST" && botPath?.[2]) this.leave(decodeURIComponent(botPath[1] ?? ""), res);
    else if (req.method === "GET" && botPath && !botPath[2]) this.show(decodeURIComponent(botPath[1] ?? ""), res);
    else send(res, 404, { detail: "Not found." });
  }

  private authenticate(header: string | undefined): string | undefined {
    if (!header) return "Missing Authorization header";
    const match = header.match(/^Token (\S+)$/);
    if (!match) return "Invalid Authorization header. Should have this format: Token <api_key>";
    return this.apiKeys.has(match[1] ?? "") ? undefined : "Invalid or disabled API key";
  }

  private create(body: unknown, res: ServerResponse): void {
    if (!body || typeof body !== "object" || Array.isArray(body)) {
      send(res, 400, { non_field_errors: ["Invalid data. Expected a dictionary, but got list."] });
      return;
    }
    const b = body as Record<string, unknown>;
    const errors = validateCreate(b);
    if (errors) {
      send(res, 400, errors);
      return;
    }
    const dedupKey = typeof b.deduplication_key === "string" ? b.deduplication_key : null;
    if (dedupKey && [...this.bots.values()].some((r) => r.dedupKey === dedupKey && !TERMINAL.has(r.bot.state))) {
      send(res, 400, {
        error: "Deduplication key already in use. A bot in a non-terminal state with this deduplication key already exists. Please use a different deduplication key or wait for that bot to terminate.",
      });
      return;
    }
    const id = `bot_${randomBytes(8).toString("hex")}`;
    const audio = (b.websocket_settings as { audio?: { url: string; sample_rate?: number } } | undefined)?.audio;
    const bot = new FakeAttendeeBot(
      {
        id,
        audioUrl: audio?.url,
        sampleRate: audio?.sample_rate ?? 16000,
        webhooks: (b.webhooks as { url: string; triggers: string[] }[] | undefined) ?? [],
        metadata: (b.metadata as Record<string, string> | undefined) ?? null,
        webhookKey: Buffer.from(this.webhookSecret, "base64"),
      },
      { participants: ["Alice"], connectDelayMs: 20, ...this.options.script },
    );
    this.bots.set(id, { bot, meetingUrl: String(b.meeting_url), dedupKey, botName: String(b.bot_name) });
    send(res, 201, this.botObject(id));
  }

  private leave(id: string, res: ServerResponse): void {
    const record = this.bots.get(id);
    if (!record) {
      send(res, 404, { error: "Bot not found" });
      return;
    }
    const state = record.bot.state;
    if (state !== "joining" && state !== "joined_recording") {
      send(res, 400, { error: `Bot is in state ${state} and cannot leave` });
      return;
    }
    record.bot.leave();
    send(res, 200, { ...this.botObject(id), state: "leaving" });
  }

  private show(id: string, res: ServerResponse): void {
    if (!this.bots.has(id)) send(res, 404, { error: "Bot not found" });
    else send(res, 200, this.botObject(id));
  }

  private botObject(id: string): Record<string, unknown> {
    const record = this.bots.get(id);
    return {
      id,
      metadata: record?.bot.settings.metadata ?? null,
      meeting_url: record?.meetingUrl,
      state: record?.bot.state,
      events: [{ type: "join_requested", created_at: new Date().toISOString() }],
      transcription_state: "not_started",
      recording_state: "not_started",
      join_at: null,
      deduplication_key: record?.dedupKey ?? null,
    };
  }
}

/** Attendee's serializer checks, with its error shapes; undefined when the body passes. */
function validateCreate(b: Record<string, unknown>): FieldErrors | undefined {
  const unexpected = Object.keys(b).filter((key) => !CREATE_FIELDS.includes(key));
  if (unexpected.length) {
    return { non_field_errors: [`Unexpected field(s): ${unexpected.sort().join(", ")}. Allowed fields are: ${[...CREATE_FIELDS].sort().join(", ")}`] };
  }
  const errors: FieldErrors = {};
  for (const field of ["meeting_url", "bot_name"]) {
    if (typeof b[field] !== "string" || b[field] === "") errors[field] = ["This field is required."];
  }
  if (typeof b.bot_name === "string" && [...b.bot_name].some((char) => (char.codePointAt(0) ?? 0) > 0xffff)) {
    errors.bot_name = ["Bot name cannot contain emojis or rare script characters."];
  }
  const audio = (b.websocket_settings as { audio?: Record<string, unknown> } | undefined)?.audio;
  if (b.websocket_settings !== undefined && b.websocket_settings !== null) {
    if (!audio || typeof audio.url !== "string") errors.websocket_settings = ["'url' is a required property"];
    else if (audio.sample_rate !== undefined && ![8000, 16000, 24000].includes(audio.sample_rate as number)) {
      errors.websocket_settings = [`${String(audio.sample_rate)} is not one of [8000, 16000, 24000]`];
    } else if (!audio.url.toLowerCase().startsWith("wss://") && !loopbackUrl(audio.url, ["ws:"])) {
      errors.websocket_settings = { audio: { url: "URL must start with wss://" } };
    }
  }
  if (b.webhooks !== undefined && b.webhooks !== null) {
    const hooks = b.webhooks;
    if (!Array.isArray(hooks) || hooks.length > 2) errors.webhooks = ["You have reached the maximum number of webhooks for a single bot"];
    else {
      for (const hook of hooks as { url?: unknown; triggers?: unknown }[]) {
        const url = typeof hook.url === "string" ? hook.url : "";
        if (!url.startsWith("https://") && !loopbackUrl(url, ["http:"])) errors.webhooks = [`'${url}' does not match '^https://.*'`];
        else if (!Array.isArray(hook.triggers) || hook.triggers.length === 0 || hook.triggers.some((t) => !TRIGGERS.includes(String(t)))) {
          errors.webhooks = ["triggers: must be a non-empty list of known webhook triggers"];
        }
      }
    }
  }
  if (b.metadata !== undefined && b.metadata !== null) {
    const metadata = b.metadata;
    if (typeof metadata !== "object" || Array.isArray(metadata)) errors.metadata = ["Metadata must be an object not an array or other type"];
    else if (Object.keys(metadata).length === 0) errors.metadata = ["Metadata must have at least one key"];
    else {
      const bad = Object.entries(metadata).find(([, value]) => typeof value !== "string");
      if (bad) errors.metadata = [`Value for key '${bad[0]}' must be a string`];
    }
  }
  const chat = b.bot_chat_message as { message?: unknown } | undefined | null;
  if (chat && (typeof chat.message !== "string" || [...chat.message].some((char) => (char.codePointAt(0) ?? 0) > 0xffff))) {
    errors.bot_chat_message = { message: ["Message cannot contain emojis or rare script characters."] };
  }
  return Object.keys(errors).length ? errors : undefined;
}

function loopbackUrl(url: string, protocols: string[]): boolean {
  try {
    const parsed = new URL(url);
    return protocols.includes(parsed.protocol) && isLoopbackHost(parsed.hostname);
  } catch {
    return false;
  }
}

function send(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  if (res.headersSent) return;
  res.writeHead(status, { "content-type": "application/json", ...headers });
  res.end(JSON.stringify(body));
}
