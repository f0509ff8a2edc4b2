/**
 * @module cli/api-client
 * The CLI's client for a Speaking Bots server's HTTP API. It proves who it is with the server's
 * API key (`Authorization: Bearer`) and passes the meeting provider's key along when it has one.
 */
export interface PersonaSummary {
  key: string;
  name: string;
  prompt_head: string;
}

export interface BotStatus {
  bot_id: string;
  bot_name: string;
  status: "joining" | "in_call" | "leaving" | "ended" | "failed";
  speaking: boolean;
  persona: string;
  last_error: string | null;
}

/** One meeting group as GET /meetings lists it. */
export interface MeetingSummary {
  meeting_group: string;
  bots: { bot_id: string; bot_name: string; speaking: boolean }[];
  /** The bot holding the group's floor; "elsewhere" for one of another server process; null when free. */
  floor_holder: string | null;
}

export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

export interface ClientKeys {
  /** This server's API key (SPEAKING_BOTS_API_KEY), sent as `Authorization: Bearer`. */
  serverKey?: string | undefined;
  /** A MeetingBaas key for the bots, sent as `x-meeting-baas-api-key`. */
  meetingBaasKey?: string | undefined;
  /** Other providers' keys, by header (`x-attendee-api-key`, `x-recall-api-key`). */
  providerKeys?: Record<string, string>;
}

export class SpeakingBotsClient {
  constructor(
    readonly baseUrl: string,
    private readonly keys: ClientKeys = {},
  ) {}

  personas(): Promise<PersonaSummary[]> {
    return this.call<{ personas: PersonaSummary[] }>("GET", "/personas").then((r) => r.personas);
  }

  /** Sends a bot; built-in rooms also answer with the room's link (it carries the room's token). */
  launch(body: Record<string, unknown>): Promise<{ botId: string; meetingLink: string | undefined }> {
    return this.call<{ bot_id: string; meeting_link?: string }>("POST", "/bots", body).then((r) => ({ botId: r.bot_id, meetingLink: r.meeting_link }));
  }

  status(botId: string): Promise<BotStatus> {
    return this.call<BotStatus>("GET", `/bots/${encodeURIComponent(botId)}`);
  }

  /** The caller's meeting groups with their bots and floor holders. */
  meetings(): Promise<MeetingSummary[]> {
    return this.call<{ meetings: MeetingSummary[] }>("GET", "/meetings").then((r) => r.meetings);
  }

  leave(botId: string): Promise<unknown> {
    return this.call("DELETE", `/bots/${encodeURIComponent(botId)}`);
  }

  private async call<T>(method: string, path: string, body?: unknown): Promise<T> {
    const headers: Record<string, string> = {};
    if (body !== undefined) headers["content-type"] = "application/json";
    if (this.keys.serverKey) headers.authorization = `Bearer ${this.keys.serverKey}`;
    if (this.keys.meetingBaasKey) headers["x-meeting-baas-api-key"] = this.keys.meetingBaasKey;
    Object.assign(headers, this.keys.providerKeys);
    let response: Response;
    try {
      response = await fetch(`${this.baseUrl}${path}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body), signal: AbortSignal.timeout(20_000) });
    } catch (error) {
      const reason = error instanceof Error && error.cause instanceof Error ? error.cause.message : String(error);
      throw new ApiError(0, `Cannot reach the Speaking Bots server at ${this.baseUrl} (${reason}). Start it with \`npm start\` or pass --server.`);
    }
    const json = (await response.json().catch(() => ({}))) as Record<string, unknown>;
    if (response.status === 401 && !this.keys.serverKey) {
      throw new ApiError(401, `${String(json.message ?? "The server needs an API key")} (set SPEAKING_BOTS_API_KEY for the CLI)`);
    }
    if (!response.ok) throw new ApiError(response.status, String(json.message ?? `${response.status} ${response.statusText}`));
    return json as T;
  }
}
