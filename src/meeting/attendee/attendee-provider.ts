/**
 * @module meeting/attendee/attendee-provider
 * Sends bots to Google Meet, Zoom and Teams through Attendee, the open-source meeting-bot API
 * (hosted at app.attendee.dev, or self-hosted at ATTENDEE_API_URL): `POST /api/v1/bots` with
 * `Authorization: Token <key>`, and `POST /api/v1/bots/{id}/leave`. Attendee dials our stream URL
 * itself, which it requires to be `wss://`; a ws:// URL is refused here, before any bot is created,
 * unless Attendee itself runs on this machine over plain http (a local development setup).
 *
 * A deduplication-key clash (Attendee answers 400) comes back as 409 with Attendee's words.
 */
import { AppError, ProviderError } from "../../core/errors.js";
import { isLoopbackHost } from "../../util/self-origins.js";
import { meetingPlatform } from "../meeting-links.js";
import type { AudioFrequency, JoinRequest, JoinResult, MeetingProvider, ProviderCredentials } from "../meeting-provider.js";
import { ProviderHttpError, callProvider } from "../provider-http.js";
import { attendeeCreateBody } from "./attendee-requests.js";
import { attendeeSecretKey } from "./attendee-signature.js";
import { attendeeStreamAdapter } from "./attendee-stream.js";
import { AttendeeWebhook } from "./attendee-webhook.js";

export const ATTENDEE_DEFAULT_URL = "https://app.attendee.dev";

export interface AttendeeOptions {
  baseUrl: string;
  /** The server's ATTENDEE_API_KEY, spent only for authenticated callers. */
  serverKey?: string;
  /** ATTENDEE_WEBHOOK_SECRET (base64, from the project's webhook settings). */
  webhookSecret?: string;
  timeoutMs?: number;
  fetch?: typeof fetch;
}

export class AttendeeProvider implements MeetingProvider {
  readonly name = "attendee";
  readonly requiresApiKey = true;
  readonly credentials: ProviderCredentials;
  readonly stream = attendeeStreamAdapter;
  readonly webhook: AttendeeWebhook;
  /** Attendee runs on this machine over plain http: it may dial ws:// and post to http:// here. */
  private readonly onLoopback: boolean;
  private readonly fetcher: typeof fetch;

  constructor(private readonly options: AttendeeOptions) {
    const key = options.webhookSecret ? attendeeSecretKey(options.webhookSecret) : undefined;
    if (options.webhookSecret && !key) throw new Error("ATTENDEE_WEBHOOK_SECRET must be the base64 secret from Attendee's webhook settings");
    this.webhook = new AttendeeWebhook(key);
    this.credentials = { header: "x-attendee-api-key", setting: "ATTENDEE_API_KEY", serverKey: options.serverKey, label: "Attendee" };
    const base = new URL(options.baseUrl);
    this.onLoopback = base.protocol === "http:" && isLoopbackHost(base.hostname);
    this.fetcher = options.fetch ?? fetch;
  }

  accepts(url: URL): boolean {
    return meetingPlatform(url) !== undefined;
  }

  check(request: { audioFrequency: AudioFrequency; streamBase: string }): void {
    if (request.streamBase.startsWith("wss://") || (this.onLoopback && isLoopbackUrl(request.streamBase))) return;
    throw new AppError(
      "VALIDATION_FAILED",
      `websocket_url: Attendee dials only wss:// stream URLs, and this bot's would be ${request.streamBase}: set BASE_URL to this server's https:// address, or send websocket_url wss://…`,
    );
  }

  async join(request: JoinRequest): Promise<JoinResult> {
    const webhookUrl = request.webhookUrl && (request.webhookUrl.startsWith("https://") || (this.onLoopback && isLoopbackUrl(request.webhookUrl))) ? request.webhookUrl : undefined;
    let created: unknown;
    try {
      created = await this.call("POST", "/api/v1/bots", request.apiKey, attendeeCreateBody(request, webhookUrl));
    } catch (error) {
      throw dedupClash(error, request.deduplicationKey) ?? error;
    }
    const id = (created as { id?: unknown } | undefined)?.id;
    if (typeof id !== "string" || id === "") throw new ProviderError(this.name, "created the bot but returned no id", { statusCode: 502, retryable: false });
    return { providerBotId: id };
  }

  async leave(providerBotId: string, apiKey: string | undefined): Promise<void> {
    await this.call("POST", `/api/v1/bots/${encodeURIComponent(providerBotId)}/leave`, apiKey, undefined);
  }

  private call(method: "POST", path: string, apiKey: string | undefined, body: unknown): Promise<unknown> {
    return callProvider({ provider: this.name, baseUrl: this.options.baseUrl, method, path, apiKey, body, timeoutMs: this.options.timeoutMs ?? 15_000, fetch: this.fetcher });
  }
}

/** Attendee answers a key clash with 400; it is a conflict, and says so. */
function dedupClash(error: unknown, key: string): ProviderError | undefined {
  if (!(error instanceof ProviderHttpError) || error.status !== 400) return undefined;
  const said = (error.body as { error?: unknown } | undefined)?.error;
  if (typeof said !== "string" || !/deduplication key already in use/i.test(said)) return undefined;
  return new ProviderError("attendee", `409 deduplication_key ${key} is held by another bot that has not ended (Attendee answered 400: ${said})`, {
    statusCode: 409,
    retryable: false,
  });
}

function isLoopbackUrl(url: string): boolean {
  try {
    return isLoopbackHost(new URL(url).hostname);
  } catch {
    return false;
  }
}
