/**
 * @module meeting/recall/testing/fake-recall
 * A local server that answers like Recall.ai's REST API — `Authorization: Token` (DRF's 401
 * bodies), `POST /api/v1/bot/` with its field checks, its 60-a-minute limit (429 with
 * `Retry-After`) and scripted 507/503 answers for the retry rules, `POST /api/v1/bot/{id}/leave_call/`
 * with `cannot_command_completed_bot` — and then, like the real bot, joins, posts Svix-signed
 * status webhooks, streams to its real-time endpoints and opens its Output Media page (see
 * fake-recall-bot).
 */
import { randomBytes, randomUUID } from "node:crypto";
import { type IncomingMessage, type Server, type ServerResponse, createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { errorMessage } from "../../../core/errors.js";
import { signingKey } from "../../../util/webhook-signature.js";
import { AgentPagePeer } from "./agent-page-peer.js";
import { FakeRecallBot, type FakeRecallScript, type OutputMediaBrowser, type RealtimeEndpoint } from "./fake-recall-bot.js";

export interface RecordedRecallRequest {
  method: string;
  path: string;
  authorization: string | undefined;
  body: unknown;
}

export interface FakeRecallOptions {
  apiKeys?: string[];
  script?: Partial<FakeRecallScript>;
  /** The account's status webhook endpoint (Svix-signed with `webhookSecret`). */
  statusWebhookUrl?: string;
  /** Statuses answered to the next bot creations, in order, before any succeeds (e.g. 507, 429). */
  failCreates?: number[];
  createsPerMinute?: number;
  /** Runs the Output Media page; by default a Node peer that speaks the page's protocol. */
  browser?: OutputMediaBrowser;
}

const KNOWN_EVENTS = new Set([
  "participant_events.join", "participant_events.leave", "participant_events.update", "participant_events.speech_on", "participant_events.speech_off",
  "participant_events.webcam_on", "participant_events.webcam_off", "participant_events.screenshare_on", "participant_events.screenshare_off",
  "participant_events.chat_message", "transcript.data", "transcript.partial_data", "audio_mixed_raw.data", "audio_separate_raw.data", "video_separate_png.data",
]);

export class FakeRecall {
  readonly requests: RecordedRecallRequest[] = [];
  readonly bots = new Map<string, FakeRecallBot>();
  /** The Svix secret of the account's webhook endpoint, as Recall's dashboard shows it. */
  readonly webhookSecret = `whsec_${randomBytes(24).toString("base64")}`;
  private readonly server: Server;
  private readonly apiKeys: Set<string>;
  private readonly creates = new Map<string, number[]>();
  private readonly failures: number[];

  constructor(readonly options: FakeRecallOptions = {}) {
    this.apiKeys = new Set(options.apiKeys ?? ["recall-key"]);
    this.failures = [...(options.failCreates ?? [])];
    this.server = createServer((req, res) => {
      this.handle(req, res).catch((error: unknown) => send(res, 500, { detail: `fake Recall failed: ${errorMessage(error)}` }));
    });
  }

  async start(): Promise<string> {
    await new Promise<void>((resolve) => this.server.listen(0, "127.0.0.1", resolve));
    return this.url;
  }

  get url(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  bot(id: string): FakeRecallBot {
    const bot = this.bots.get(id);
    if (!bot) throw new Error(`no emulated Recall bot ${id}`);
    return bot;
  }

  creations(): RecordedRecallRequest[] {
    return this.requests.filter((r) => r.path === "/api/v1/bot/");
  }

  leaves(): RecordedRecallRequest[] {
    return this.requests.filter((r) => r.path.endsWith("/leave_call/"));
  }

  async stop(): Promise<void> {
    for (const bot of this.bots.values()) bot.leave();
    await Promise.all([...this.bots.values()].map((bot) => bot.webhooks.idle()));
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
    const key = authorization?.match(/^Token (\S+)$/)?.[1];
    if (!authorization) {
      send(res, 401, { detail: "Authentication credentials were not provided." }, { "www-authenticate": "Token" });
      return;
    }
    if (!key || !this.apiKeys.has(key)) {
      send(res, 401, { detail: "Invalid token." }, { "www-authenticate": "Token" });
      return;
    }
    const leave = path.match(/^\/api\/v1\/bot\/([^/]+)\/leave_call\/$/);
    if (req.method === "POST" && path === "/api/v1/bot/") this.create(key, body, res);
    else if (req.method === "POST" && leave) this.leave(decodeURIComponent(leave[1] ?? ""), res);
    else send(res, 404, { detail: "Not found." });
  }

  private create(key: string, body: unknown, res: ServerResponse): void {
    const now = Date.now();
    const recent = (this.creates.get(key) ?? []).filter((at) => now - at < 60_000);
    this.creates.set(key, recent);
    if (recent.length >= (this.options.createsPerMinute ?? 60)) {
      const wait = Math.ceil(((recent[0] ?? now) + 60_000 - now) / 1000);
      send(res, 429, { detail: `Request was throttled. Expected available in ${wait} seconds.` }, { "retry-after": String(wait) });
      return;
    }
    recent.push(now);
    const failure = this.failures.shift();
    if (failure === 507) {
      send(res, 507, { detail: "No bots are available in the ad-hoc bot pool. Please retry in 30 seconds." });
      return;
    }
    if (failure === 429) {
      send(res, 429, { detail: "Request was throttled. Expected available in 1 seconds." }, { "retry-after": "1" });
      return;
    }
    if (failure !== undefined) {
      send(res, failure, { detail: "Our servers have dropped the request due to high load." });
      return;
    }
    const errors = validateCreate(body);
    if (errors) {
      send(res, 400, errors);
      return;
    }
    const b = body as Record<string, unknown>;
    const config = b.recording_config as { realtime_endpoints?: RealtimeEndpoint[] } | undefined;
    const pageUrl = (b.output_media as { camera?: { config?: { url?: string } } } | undefined)?.camera?.config?.url;
    const id = randomUUID();
    const webhookKey = this.options.statusWebhookUrl ? signingKey(this.webhookSecret) : undefined;
    const bot = new FakeRecallBot(
      {
        id,
        endpoints: config?.realtime_endpoints ?? [],
        pageUrl,
        metadata: (b.metadata as Record<string, string> | undefined) ?? {},
        statusWebhook: this.options.statusWebhookUrl && webhookKey ? { url: this.options.statusWebhookUrl, key: webhookKey } : undefined,
        browser: this.options.browser ?? ((url, events) => AgentPagePeer.open(url, events)),
      },
      { participants: ["Alice"], connectDelayMs: 20, ...this.options.script },
    );
    this.bots.set(id, bot);
    send(res, 201, { id, bot_name: b.bot_name ?? "Meeting Notetaker", meeting_url: b.meeting_url, join_at: null, recording_config: b.recording_config, output_media: b.output_media ?? null, status_changes: [], metadata: b.metadata ?? {} });
  }

  private leave(id: string, res: ServerResponse): void {
    const bot = this.bots.get(id);
    if (!bot) {
      send(res, 404, { detail: "Not found." });
      return;
    }
    if (bot.status === "call_ended" || bot.status === "done" || bot.status === "fatal") {
      send(res, 400, { code: "cannot_command_completed_bot", detail: "Cannot send a command to a bot which has completed(is shutting/has shut down/has errored)." });
      return;
    }
    bot.leave();
    send(res, 200, { id, status_changes: [] });
  }
}

/** Recall's checks of the fields our bots use, in DRF's error shape; undefined when the body passes. */
function validateCreate(body: unknown): Record<string, unknown> | undefined {
  if (!body || typeof body !== "object" || Array.isArray(body)) return { non_field_errors: ["Invalid data. Expected a dictionary."] };
  const b = body as Record<string, unknown>;
  if (typeof b.meeting_url !== "string" || !/^https:\/\//.test(b.meeting_url)) return { meeting_url: ["This field is required."] };
  const config = b.recording_config as { audio_mixed_raw?: unknown; realtime_endpoints?: unknown } | undefined;
  const endpoints = config?.realtime_endpoints;
  if (endpoints !== undefined) {
    if (!Array.isArray(endpoints)) return { recording_config: { realtime_endpoints: ["Expected a list of items."] } };
    for (const endpoint of endpoints as { type?: unknown; url?: unknown; events?: unknown }[]) {
      if (endpoint.type !== "websocket" && endpoint.type !== "webhook") return { recording_config: { realtime_endpoints: [{ type: [`"${String(endpoint.type)}" is not a valid choice.`] }] } };
      const url = typeof endpoint.url === "string" ? endpoint.url : "";
      if (endpoint.type === "websocket" && !/^wss?:\/\//.test(url)) return { recording_config: { realtime_endpoints: [{ url: ["The url must be a ws or wss endpoint."] }] } };
      const events = Array.isArray(endpoint.events) ? (endpoint.events as unknown[]) : [];
      const unknownEvent = events.find((event) => !KNOWN_EVENTS.has(String(event)));
      if (unknownEvent !== undefined || events.length === 0) return { recording_config: { realtime_endpoints: [{ events: [`"${String(unknownEvent)}" is not a valid choice.`] }] } };
      if (events.includes("audio_mixed_raw.data") && config?.audio_mixed_raw === undefined) {
        return { recording_config: ["audio_mixed_raw.data needs recording_config.audio_mixed_raw to be set."] };
      }
    }
  }
  const camera = (b.output_media as { camera?: { kind?: unknown; config?: { url?: unknown } } } | undefined)?.camera;
  if (b.output_media !== undefined && (camera?.kind !== "webpage" || typeof camera.config?.url !== "string" || !/^https?:\/\//.test(camera.config.url))) {
    return { output_media: { camera: ["kind must be webpage with config.url"] } };
  }
  return undefined;
}

function send(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  if (res.headersSent) return;
  res.writeHead(status, { "content-type": "application/json", ...headers });
  res.end(JSON.stringify(body));
}
