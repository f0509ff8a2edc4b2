/**
 * @module meeting/recall/recall-provider
 * Sends bots to Google Meet, Zoom and Teams through Recall.ai: `POST /api/v1/bot/` and
 * `POST /api/v1/bot/{id}/leave_call/` on the account's regional API, with `Authorization: Token`.
 * Recall's bot streams the meeting's audio and participant events to our stream URL (a real-time
 * WebSocket endpoint) and runs our Output Media page, which carries the bot's voice; see
 * recall-stream and recall-agent-routes. Calls respect Recall's rate limits and retry rules
 * (recall-limits).
 */
import { AppError, ProviderError } from "../../core/errors.js";
import { isLoopbackHost } from "../../util/self-origins.js";
import { meetingPlatform } from "../meeting-links.js";
import type { AudioFrequency, JoinRequest, JoinResult, MeetingProvider, ProviderCredentials } from "../meeting-provider.js";
import { callProvider } from "../provider-http.js";
import { CREATES_PER_MINUTE, CallWindow, LEAVES_PER_MINUTE, type Sleep, realSleep, withRetries } from "./recall-limits.js";
import { recallCreateBody } from "./recall-requests.js";
import { RECALL_SAMPLE_RATE, recallStreamAdapter } from "./recall-stream.js";
import { RecallWebhook } from "./recall-webhook.js";

export const RECALL_REGIONS = ["us-west-2", "us-east-1", "eu-central-1", "ap-northeast-1"] as const;
export type RecallRegion = (typeof RECALL_REGIONS)[number];

export function recallRegionUrl(region: RecallRegion): string {
  return `https://${region}.recall.ai`;
}

export interface RecallOptions {
  baseUrl: string;
  serverKey?: string;
  /** RECALL_WEBHOOK_SECRET: the Svix signing secret of the endpoint that posts to /webhook/recall. */
  webhookSecret?: string;
  timeoutMs?: number;
  fetch?: typeof fetch;
  sleep?: Sleep;
  /** How long a bot creation may wait in all, for rate-limit slots and retries. */
  maxCreateWaitMs?: number;
}

export class RecallProvider implements MeetingProvider {
  readonly name = "recall";
  readonly requiresApiKey = true;
  readonly credentials: ProviderCredentials;
  readonly stream = recallStreamAdapter;
  readonly webhook: RecallWebhook;
  private readonly creates = new CallWindow(CREATES_PER_MINUTE, "bot creations");
  private readonly leaves = new CallWindow(LEAVES_PER_MINUTE, "leave calls");
  private readonly onLoopback: boolean;
  private readonly fetcher: typeof fetch;
  private readonly sleep: Sleep;

  constructor(private readonly options: RecallOptions) {
    this.webhook = new RecallWebhook(options.webhookSecret);
    this.credentials = { header: "x-recall-api-key", setting: "RECALL_API_KEY", serverKey: options.serverKey, label: "Recall.ai" };
    this.onLoopback = isLoopbackHost(new URL(options.baseUrl).hostname);
    this.fetcher = options.fetch ?? fetch;
    this.sleep = options.sleep ?? realSleep;
  }

  accepts(url: URL): boolean {
    return meetingPlatform(url) !== undefined;
  }

  check(request: { audioFrequency: AudioFrequency; streamBase: string }): void {
    if (request.audioFrequency !== RECALL_SAMPLE_RATE) {
      throw new AppError("VALIDATION_FAILED", "streaming_audio_frequency: Recall.ai streams meeting audio at 16 kHz only; send 16khz");
    }
    let host = "";
    try {
      host = new URL(request.streamBase).hostname;
    } catch {
      host = "";
    }
    // Recall's firewall refuses payloads naming localhost, and its bots could not reach it anyway.
    if (!this.onLoopback && isLoopbackHost(host)) {
      throw new AppError(
        "VALIDATION_FAILED",
        `websocket_url: Recall.ai's bot must reach this server from the internet, and ${request.streamBase} is this machine only: set BASE_URL (or run with --local-dev for a tunnel)`,
      );
    }
  }

  async join(request: JoinRequest): Promise<JoinResult> {
    const key = request.apiKey ?? "";
    const maxWaitMs = this.options.maxCreateWaitMs ?? 65_000;
    const created = await withRetries(
      async () => {
        await this.creates.take(key, this.sleep, maxWaitMs);
        return this.call("POST", "/api/v1/bot/", key, recallCreateBody(request));
      },
      { attempts: 3, maxWaitMs, sleep: this.sleep },
    );
    const id = (created as { id?: unknown } | undefined)?.id;
    if (typeof id !== "string" || id === "") throw new ProviderError(this.name, "created the bot but returned no id", { statusCode: 502, retryable: false });
    return { providerBotId: id };
  }

  async leave(providerBotId: string, apiKey: string | undefined): Promise<void> {
    const key = apiKey ?? "";
    await withRetries(
      async () => {
        await this.leaves.take(key, this.sleep, 10_000);
        return this.call("POST", `/api/v1/bot/${encodeURIComponent(providerBotId)}/leave_call/`, key, undefined);
      },
      { attempts: 3, maxWaitMs: 10_000, sleep: this.sleep },
    );
  }

  private call(method: "POST", path: string, apiKey: string, body: unknown): Promise<unknown> {
    return callProvider({ provider: this.name, baseUrl: this.options.baseUrl, method, path, apiKey, body, timeoutMs: this.options.timeoutMs ?? 15_000, fetch: this.fetcher });
  }
}
