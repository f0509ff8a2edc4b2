/**
 * @module meeting/local/local-provider
 * The `local` meeting provider: built-in room URLs (`local:<room>`, or `/meet/<room>` on one of this
 * server's own origins) go to this server's own rooms through their MeetingBaas-compatible API,
 * using the very same client as real meetings. No API key is needed; the room API only answers
 * calls that carry this server's internal secret.
 *
 * A bot enters a room the way a person does, with the room's link: a URL with `?t=<token>` must
 * carry the right token, a URL without one opens a new room. The link is returned to the caller.
 */
import { AppError } from "../../core/errors.js";
import type { SelfOrigins } from "../../util/self-origins.js";
import type { JoinRequest, JoinResult } from "../meeting-provider.js";
import { MeetingBaasProvider } from "../meetingbaas/meetingbaas-provider.js";
import type { RoomAccess } from "./room-access.js";
import { LOCAL_API_PREFIX, LOCAL_SECRET_HEADER } from "./room-api.js";
import { roomFromMeetingUrl, roomLink, roomTokenFromMeetingUrl } from "./room-names.js";

export interface LocalProviderOptions {
  /** This server's own loopback address once it listens (`http://127.0.0.1:<port>`). */
  selfUrl: () => string;
  origins: SelfOrigins;
  access: RoomAccess;
  /** The internal secret the room API checks. */
  secret: string;
}

export class LocalMeetingProvider extends MeetingBaasProvider {
  override readonly name = "local";
  override readonly requiresApiKey = false;
  override readonly credentials = undefined;

  constructor(private readonly local: LocalProviderOptions) {
    super({
      baseUrl: () => `${local.selfUrl()}${LOCAL_API_PREFIX}`,
      version: "v1",
      fetch: (input, init) => fetch(input, { ...init, headers: { ...(init?.headers as Record<string, string>), [LOCAL_SECRET_HEADER]: local.secret } }),
    });
  }

  /** `local:<room>`, or `/meet/<room>` on this server's own origin; any other host is not ours. */
  override accepts(url: URL): boolean {
    const room = roomFromMeetingUrl(url);
    if (!room) return false;
    return url.protocol === "local:" || this.local.origins.has(url.href);
  }

  override async join(request: JoinRequest): Promise<JoinResult> {
    const room = roomFromMeetingUrl(request.meetingUrl);
    if (!room) throw new AppError("MEETING_URL_UNSUPPORTED", "meeting_url: not a built-in room URL");
    const token = this.local.access.enter(room, roomTokenFromMeetingUrl(request.meetingUrl));
    // No provider key ever goes to our own room API.
    const joined = await super.join({ ...request, apiKey: undefined });
    return { ...joined, meetingLink: roomLink(this.local.origins.publicBase, room, token) };
  }

  override leave(providerBotId: string): Promise<void> {
    return super.leave(providerBotId, undefined);
  }
}
