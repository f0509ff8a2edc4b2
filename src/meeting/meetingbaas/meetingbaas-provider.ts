/**
 * @module meeting/meetingbaas/meetingbaas-provider
 * Sends bots to Google Meet, Zoom and Teams through the MeetingBaas REST API (v1 or v2).
 *
 * A thin client over `fetch` + zod rather than the official SDK: the SDK pins an old axios and a
 * second copy of zod, and create/leave are two calls whose answers we validate ourselves.
 */
import { z } from "zod";
import { ProviderError, errorMessage } from "../../core/errors.js";
import { meetingPlatform } from "../meeting-links.js";
import type { JoinRequest, JoinResult, MeetingProvider, ProviderCredentials } from "../meeting-provider.js";
import { pcmStreamAdapter } from "../provider-stream/pcm-stream-adapter.js";
import type { StreamAdapter } from "../provider-stream/stream-adapter.js";
import { v1CreateBody, v2CreateBody } from "./meetingbaas-requests.js";

export interface MeetingBaasOptions {
  /** The API's base URL, or a function giving it (for a server calling its own address). */
  baseUrl: string | (() => string);
  version: "v1" | "v2";
  timeoutMs?: number;
  fetch?: typeof fetch;
  /** The server's MEETING_BAAS_API_KEY, spent only for authenticated callers. */
  serverKey?: string;
}

const v1Created = z.object({ bot_id: z.union([z.string(), z.number()]).transform(String) });
const v2Created = z.object({ success: z.literal(true), data: z.object({ bot_id: z.string() }) });

export class MeetingBaasProvider implements MeetingProvider {
  readonly name: string = "meetingbaas";
  readonly requiresApiKey: boolean = true;
  readonly credentials: ProviderCredentials | undefined;
  /** Binary PCM both ways, JSON handshake and rosters (the built-in room speaks it too). */
  readonly stream: StreamAdapter = pcmStreamAdapter;
  private readonly fetcher: typeof fetch;

  constructor(private readonly options: MeetingBaasOptions) {
    this.fetcher = options.fetch ?? fetch;
    this.credentials = { header: "x-meeting-baas-api-key", setting: "MEETING_BAAS_API_KEY", serverKey: options.serverKey, label: "MeetingBaas" };
  }

  private get base(): string {
    const url = typeof this.options.baseUrl === "function" ? this.options.baseUrl() : this.options.baseUrl;
    return url.replace(/\/+$/, "");
  }

  /** Google Meet, Zoom and Teams meeting links of the shapes those platforms hand out. */
  accepts(url: URL): boolean {
    return meetingPlatform(url) !== undefined;
  }

  async join(request: JoinRequest): Promise<JoinResult> {
    if (this.options.version === "v2") {
      const body = await this.call("POST", "/v2/bots", request.apiKey, v2CreateBody(request), 201);
      const parsed = v2Created.safeParse(body);
      if (!parsed.success) throw new ProviderError(this.name, "created the bot but returned no bot_id", { statusCode: 502, retryable: false });
      return { providerBotId: parsed.data.data.bot_id };
    }
    const body = await this.call("POST", "/bots", request.apiKey, v1CreateBody(request), 200);
    const parsed = v1Created.safeParse(body);
    if (!parsed.success) throw new ProviderError(this.name, "created the bot but returned no bot_id", { statusCode: 502, retryable: false });
    return { providerBotId: parsed.data.bot_id };
  }

  async leave(providerBotId: string, apiKey: string | undefined): Promise<void> {
    const id = encodeURIComponent(providerBotId);
    if (this.options.version === "v2") await this.call("POST", `/v2/bots/${id}/leave`, apiKey, {}, 200);
    else await this.call("DELETE", `/bots/${id}`, apiKey, undefined, 200);
  }

  private async call(method: string, path: string, apiKey: string | undefined, body: unknown, expected: number): Promise<unknown> {
    let response: Response;
    try {
      response = await this.fetcher(`${this.base}${path}`, {
        method,
        headers: {
          "x-meeting-baas-api-key": apiKey ?? "",
          ...(body === undefined ? {} : { "content-type": "application/json" }),
        },
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.timeout(this.options.timeoutMs ?? 15_000),
      });
    } catch (error) {
      throw new ProviderError(this.name, `request ${method} ${path} failed: ${errorMessage(error)}`, { retryable: true, cause: error });
    }
    const text = await response.text();
    const json = parseJson(text);
    if (response.status !== expected && !(response.status >= 200 && response.status < 300)) {
      throw new ProviderError(this.name, `${response.status} ${providerReason(json, text)}`, { statusCode: response.status });
    }
    return json;
  }
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** The provider's own words for a failure, from whichever error shape it used. */
function providerReason(json: unknown, text: string): string {
  if (json && typeof json === "object") {
    const record = json as Record<string, unknown>;
    const parts = [record.message, record.error, record.detail, record.code].filter((part) => typeof part === "string" && part);
    if (parts.length) return [...new Set(parts)].join(": ");
  }
  return text.slice(0, 300) || "no reason given";
}
