/**
 * @module meeting/local/local-provider
 * The `local` meeting provider: built-in room URLs (`local:<room>`, `…/meet/<room>`) go to this
 * server's own rooms through their MeetingBaas-compatible API, using the very same client as real
 * meetings. No API key is needed.
 */
import { MeetingBaasProvider } from "../meetingbaas/meetingbaas-provider.js";
import { LOCAL_API_PREFIX } from "./room-api.js";
import { roomFromMeetingUrl } from "./room-names.js";

export class LocalMeetingProvider extends MeetingBaasProvider {
  override readonly name = "local";
  override readonly requiresApiKey = false;

  /** `selfUrl` gives this server's own address once it listens. */
  constructor(selfUrl: () => string) {
    super({ baseUrl: () => `${selfUrl()}${LOCAL_API_PREFIX}`, version: "v1" });
  }

  override accepts(url: URL): boolean {
    return roomFromMeetingUrl(url) !== undefined;
  }
}
