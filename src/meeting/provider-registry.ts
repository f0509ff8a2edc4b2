/**
 * @module meeting/provider-registry
 * Chooses the meeting provider for a meeting URL: the one forced by MEETING_PROVIDER, otherwise the
 * first registered provider that accepts the URL (the built-in room is asked first, so its URLs
 * never reach a cloud provider).
 */
import { AppError } from "../errors.js";
import type { MeetingProvider } from "./meeting-provider.js";

export class ProviderRegistry {
  constructor(
    private readonly providers: readonly MeetingProvider[],
    private readonly forced: string | undefined,
  ) {}

  get names(): string[] {
    return this.providers.map((provider) => provider.name);
  }

  /** The provider registered under this name (a restarted server finds a saved bot's provider). */
  named(name: string): MeetingProvider | undefined {
    return this.providers.find((provider) => provider.name === name);
  }

  select(meetingUrl: string): MeetingProvider {
    if (this.forced) {
      const forced = this.providers.find((provider) => provider.name === this.forced);
      if (forced) return forced;
    }
    const url = parseMeetingUrl(meetingUrl);
    const provider = this.providers.find((candidate) => candidate.accepts(url));
    if (!provider) {
      throw new AppError(
        "MEETING_URL_UNSUPPORTED",
        `No meeting provider takes ${url.protocol}//${url.host}: use an https Google Meet, Zoom or Teams link, or a built-in room (…/meet/<room> or local:<room>)`,
      );
    }
    return provider;
  }
}

function parseMeetingUrl(meetingUrl: string): URL {
  try {
    return new URL(meetingUrl);
  } catch {
    throw new AppError("MEETING_URL_UNSUPPORTED", `meeting_url is not a valid URL: ${meetingUrl.slice(0, 200)}`);
  }
}
