/**
 * @module meeting/meeting-provider
 * A meeting provider sends a bot into a meeting and, once there, dials our WebSocket stream URL to
 * exchange PCM with us. MeetingBaas and the built-in room both implement this.
 */

export type AudioFrequency = 16000 | 24000;

export interface JoinRequest {
  meetingUrl: string;
  botName: string;
  botImage: string | undefined;
  entryMessage: string | undefined;
  extra: Record<string, unknown> | undefined;
  /** Our WebSocket URL the provider streams to and from (`<base>/ws/<client id>`). */
  streamUrl: string;
  audioFrequency: AudioFrequency;
  /** `<persona>-BaaS-<client id>`: unique per launch so the provider never refuses a second bot. */
  deduplicationKey: string;
  webhookUrl: string | undefined;
  /** The caller's provider key (request header or server config). */
  apiKey: string | undefined;
}

export interface JoinResult {
  /** The provider's id for the bot; it is also our public bot id. */
  providerBotId: string;
  /** A link people can open to join the same meeting (built-in rooms: the room link with its token). */
  meetingLink?: string;
}

export interface MeetingProvider {
  readonly name: string;
  /** Whether this provider can take this meeting URL. */
  accepts(meetingUrl: URL): boolean;
  /** True when the provider needs the caller's API key. */
  readonly requiresApiKey: boolean;
  join(request: JoinRequest): Promise<JoinResult>;
  /** Makes the bot leave; resolves when the provider has accepted the request. */
  leave(providerBotId: string, apiKey: string | undefined): Promise<void>;
}
