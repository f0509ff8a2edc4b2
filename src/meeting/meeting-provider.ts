/**
 * @module meeting/meeting-provider
 * A meeting provider sends a bot into a meeting and, once there, dials our WebSocket stream URL to
 * exchange audio with us. Each provider brings its own REST calls (join, leave), its own stream
 * format (a stream adapter), and optionally its own status webhooks; all of them end up as the same
 * events on our side: meeting audio, roster changes, in call, ended, failed. MeetingBaas, Attendee,
 * Recall.ai and the built-in room implement this; a new provider is one folder and one line in
 * server/start.ts.
 */
import type { StreamAdapter } from "./provider-stream/stream-adapter.js";
import type { ProviderWebhook } from "./provider-events/provider-webhook.js";

export type AudioFrequency = 16000 | 24000;

/** The providers a request may name in `provider`. */
export const PROVIDER_NAMES = ["meetingbaas", "attendee", "recall", "local"] as const;
export type ProviderName = (typeof PROVIDER_NAMES)[number];

export interface JoinRequest {
  meetingUrl: string;
  botName: string;
  botImage: string | undefined;
  entryMessage: string | undefined;
  extra: Record<string, unknown> | undefined;
  /** Our id for the bot: the secret part of its stream URL. */
  clientId: string;
  /** The public WebSocket base of this server the provider reaches (`ws(s)://host[/path]`). */
  streamBase: string;
  /** Our WebSocket URL the provider streams to and from (`<base>/ws/<client id>`). */
  streamUrl: string;
  audioFrequency: AudioFrequency;
  /** `<persona>-BaaS-<client id>`: unique per launch so the provider never refuses a second bot. */
  deduplicationKey: string;
  webhookUrl: string | undefined;
  /** The caller's provider key (request header or server config). */
  apiKey: string | undefined;
  /** A bot that never speaks (a recorder): providers that need extra means to speak can skip them. */
  listenOnly?: boolean;
}

export interface JoinResult {
  /** The provider's id for the bot; it is also our public bot id. */
  providerBotId: string;
  /** A link people can open to join the same meeting (built-in rooms: the room link with its token). */
  meetingLink?: string;
}

/** Where a provider's key comes from: a request header, else (for key holders) a server setting. */
export interface ProviderCredentials {
  /** The request header carrying the caller's own key, e.g. `x-attendee-api-key`. */
  header: string;
  /** The server setting holding the server's key, e.g. `ATTENDEE_API_KEY`. */
  setting: string;
  /** The server's own key, spent only for authenticated callers. */
  serverKey: string | undefined;
  /** The provider's name as people know it, for messages. */
  label: string;
}

export interface MeetingProvider {
  readonly name: string;
  /** Whether this provider can take this meeting URL. */
  accepts(meetingUrl: URL): boolean;
  /** True when the provider needs the caller's API key. */
  readonly requiresApiKey: boolean;
  /** Where its key comes from; undefined for a provider that needs none. */
  readonly credentials?: ProviderCredentials;
  /** Reads and writes this provider's stream on `/ws/<client id>`; by default MeetingBaas's format. */
  readonly stream?: StreamAdapter;
  /** This provider's status webhooks, posted to `/webhook/<name>`; without it only `/webhook` (MeetingBaas). */
  readonly webhook?: ProviderWebhook;
  /** Refuses, with a 400 naming the field, what this provider cannot do (before anything is created). */
  check?(request: { audioFrequency: AudioFrequency; streamBase: string }): void;
  join(request: JoinRequest): Promise<JoinResult>;
  /** Makes the bot leave; resolves when the provider has accepted the request. */
  leave(providerBotId: string, apiKey: string | undefined): Promise<void>;
}
