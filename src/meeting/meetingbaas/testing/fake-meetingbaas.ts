/**
 * @module meeting/meetingbaas/testing/fake-meetingbaas
 * A local server that answers like the MeetingBaas REST API (v1 and v2: status codes, JSON shapes,
 * key check, deduplication conflict, unknown and finished bots) and then, like the real bot, dials
 * the stream URL it was given and exchanges real PCM with our server.
 */
import { randomUUID } from "node:crypto";
import { type IncomingMessage, type Server, type ServerResponse, createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { FakeMeetingBot, type FakeBotScript } from "./fake-meeting-bot.js";

export interface RecordedRequest {
  method: string;
  path: string;
  apiKey: string | undefined;
  body: unknown;
}

export interface FakeMeetingBaasOptions {
  apiKeys?: string[];
  script?: Partial<FakeBotScript>;
  /** Window in which a second bot for the same meeting without a fresh dedup key is refused (v1). */
  dedupWindowMs?: number;
}

interface BotRecord {
  bot: FakeMeetingBot;
  meetingUrl: string;
  dedupKey: string | undefined;
  createdAt: number;
  status: "in_call_recording" | "completed";
}

const V1_FIELDS = new Set([
  "meeting_url", "bot_name", "bot_image", "entry_message", "reserved", "recording_mode", "speech_to_text", "streaming",
  "automatic_leave", "deduplication_key", "extra", "webhook_url", "start_time", "transcription_custom_parameters",
  "zoom_sdk_id", "zoom_sdk_pwd", "zoom_obf_token", "zoom_obf_token_url", "zoom_obf_token_user_id", "zoom_access_token_url",
]);

export class FakeMeetingBaas {
  readonly requests: RecordedRequest[] = [];
  readonly bots = new Map<string, BotRecord>();
  private readonly server: Server;
  private readonly apiKeys: Set<string>;

  constructor(readonly options: FakeMeetingBaasOptions = {}) {
    this.apiKeys = new Set(options.apiKeys ?? ["test-key"]);
    this.server = createServer((req, res) => void this.handle(req, res));
  }

  async start(): Promise<string> {
    await new Promise<void>((resolve) => this.server.listen(0, "127.0.0.1", resolve));
    return this.url;
  }

  get url(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  bot(botId: string): FakeMeetingBot {
    const record = this.bots.get(botId);
    if (!record) throw new Error(`no emulated bot ${botId}`);
    return record.bot;
  }

  /** Requests of one kind, e.g. `leaves()` for every leave call received. */
  leaves(): RecordedRequest[] {
    return this.requests.filter((r) => r.method === "DELETE" || r.path.endsWith("/leave"));
  }

  async stop(): Promise<void> {
    for (const record of this.bots.values()) record.bot.leave();
    this.server.closeAllConnections();
    await new Promise((resolve) => this.server.close(resolve));
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<ServerResponse> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const text = Buffer.concat(chunks).toString("utf8");
    let body: unknown;
    try {
      body = text ? JSON.parse(text) : undefined;
    } catch {
      return send(res, 400, { success: false, error: "Bad Request", code: "FST_ERR_CTP_INVALID_JSON", statusCode: 400, message: "Body is not valid JSON" });
    }
    const apiKey = req.headers["x-meeting-baas-api-key"] as string | undefined;
    const path = (req.url ?? "/").split("?")[0] ?? "/";
    this.requests.push({ method: req.method ?? "GET", path, apiKey, body });
    if (!apiKey || !this.apiKeys.has(apiKey)) {
      return send(res, 401, { success: false, error: "Unauthorized", code: "FST_ERR_FORBIDDEN", statusCode: 401, message: "Invalid or missing API key" });
    }
    return this.route(req.method ?? "GET", path, body, res);
  }

  private route(method: string, path: string, body: unknown, res: ServerResponse): ServerResponse {
    const leaveV2 = path.match(/^\/v2\/bots\/([^/]+)\/leave$/);
    const statusV2 = path.match(/^\/v2\/bots\/([^/]+)\/status$/);
    const deleteV1 = path.match(/^\/bots\/([^/]+)$/);
    if (method === "POST" && (path === "/bots" || path === "/bots/")) return this.createV1(body, res);
    if (method === "POST" && path === "/v2/bots") return this.createV2(body, res);
    if (method === "DELETE" && deleteV1) return this.leave(decodeURIComponent(deleteV1[1] ?? ""), res, "v1");
    if (method === "POST" && leaveV2) return this.leave(decodeURIComponent(leaveV2[1] ?? ""), res, "v2");
    if (method === "GET" && statusV2) return this.status(decodeURIComponent(statusV2[1] ?? ""), res);
    return send(res, 404, { success: false, error: "Not Found", code: "FST_ERR_NOT_FOUND", statusCode: 404, message: `Route ${method}:${path} not found` });
  }

  private createV1(body: unknown, res: ServerResponse): ServerResponse {
    const b = (body ?? {}) as Record<string, unknown>;
    const unknown = Object.keys(b).filter((key) => !V1_FIELDS.has(key));
    if (typeof b.meeting_url !== "string" || typeof b.bot_name !== "string" || unknown.length) {
      return send(res, 422, { detail: `invalid body: need meeting_url and bot_name${unknown.length ? `; unknown fields ${unknown.join(", ")}` : ""}` });
    }
    const dedupKey = typeof b.deduplication_key === "string" ? b.deduplication_key : undefined;
    const windowMs = this.options.dedupWindowMs ?? 5 * 60_000;
    const clash = [...this.bots.values()].find(
      (r) => r.meetingUrl === b.meeting_url && r.dedupKey === dedupKey && Date.now() - r.createdAt < windowMs,
    );
    if (clash) return send(res, 409, { error: "A bot was already sent to this meeting recently; set a different deduplication_key" });
    const streaming = (b.streaming ?? {}) as { output?: string; audio_frequency?: string };
    const id = this.spawn(b.meeting_url, dedupKey, streaming.output, streaming.audio_frequency === "24khz" ? 24000 : 16000);
    return send(res, 200, { bot_id: id });
  }

  private createV2(body: unknown, res: ServerResponse): ServerResponse {
    const b = (body ?? {}) as Record<string, unknown>;
    if (typeof b.meeting_url !== "string" || typeof b.bot_name !== "string") {
      return send(res, 400, { success: false, error: "Bad Request", code: "FST_ERR_VALIDATION", statusCode: 400, message: "body must have meeting_url and bot_name" });
    }
    if (b.allow_multiple_bots === false && [...this.bots.values()].some((r) => r.meetingUrl === b.meeting_url && r.status !== "completed")) {
      return send(res, 409, { success: false, error: "Conflict", code: "FST_ERR_BOT_ALREADY_EXISTS", statusCode: 409, message: "A bot is already in this meeting" });
    }
    const config = (b.streaming_config ?? {}) as { output_url?: string; audio_frequency?: number };
    const id = this.spawn(b.meeting_url, undefined, b.streaming_enabled ? config.output_url : undefined, config.audio_frequency === 24000 ? 24000 : 16000);
    return send(res, 201, { success: true, data: { bot_id: id } });
  }

  private spawn(meetingUrl: string, dedupKey: string | undefined, streamUrl: string | undefined, sampleRate: number): string {
    const id = randomUUID();
    const script: FakeBotScript = { participants: ["Alice"], connectDelayMs: 20, ...this.options.script };
    if (!streamUrl) script.connectDelayMs = null;
    const bot = new FakeMeetingBot(id, streamUrl ?? "", sampleRate, script);
    this.bots.set(id, { bot, meetingUrl, dedupKey, createdAt: Date.now(), status: "in_call_recording" });
    return id;
  }

  private leave(id: string, res: ServerResponse, version: "v1" | "v2"): ServerResponse {
    const record = this.bots.get(id);
    if (!record) {
      return send(res, 404, { success: false, error: "Not Found", code: "FST_ERR_BOT_NOT_FOUND_BY_ID", statusCode: 404, message: `Bot ${id} not found` });
    }
    if (record.status === "completed") {
      return send(res, 409, {
        success: false, error: "Conflict", code: "FST_ERR_BOT_STATUS", statusCode: 409,
        message: `Status of bot '${id}' is: completed. Operation not permitted in this state.`,
      });
    }
    record.status = "completed";
    record.bot.leave();
    if (version === "v1") return send(res, 200, { ok: true });
    return send(res, 200, { success: true, data: { message: "Bot leave request sent successfully." } });
  }

  private status(id: string, res: ServerResponse): ServerResponse {
    const record = this.bots.get(id);
    if (!record) return send(res, 404, { success: false, error: "Not Found", code: "FST_ERR_BOT_NOT_FOUND_BY_ID", statusCode: 404, message: `Bot ${id} not found` });
    return send(res, 200, { success: true, data: { bot_id: id, status: record.status, transcription_status: "not-applicable", updated_at: new Date().toISOString() } });
  }
}

function send(res: ServerResponse, status: number, body: unknown): ServerResponse {
  res.writeHead(status, { "content-type": "application/json" });
  return res.end(JSON.stringify(body));
}
