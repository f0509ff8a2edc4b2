/**
 * @module meeting/provider-registry
 * Chooses the meeting provider for a meeting URL: the one forced by MEETING_PROVIDER, otherwise the
 * first registered provider that accepts the URL. Real meeting platforms' link shapes are checked
 * first (MeetingBaas), and only this server's own room URLs go to the built-in room, so a Teams
 * `/meet/<id>` link or a stranger's `/meet/<room>` page never lands in a local room. A URL nobody
 * takes is refused with what a valid one looks like.
 */
import { AppError } from "../core/errors.js";
import { platformLinkProblem } from "./meeting-links.js";
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
    if (provider) return provider;
    const problem = platformLinkProblem(url);
    throw new AppError(
      "MEETING_URL_UNSUPPORTED",
      problem
        ? `meeting_url: ${problem}`
        : `meeting_url: no meeting provider takes ${url.protocol}//${url.host}: use an https Google Meet, Zoom or Teams link, or a built-in room of this server (…/meet/<room> or local:<room>)`,
    );
  }
}

function parseMeetingUrl(meetingUrl: string): URL {
  try {
    return new URL(meetingUrl);
  } catch {
    throw new AppError("MEETING_URL_UNSUPPORTED", "meeting_url: not a valid URL");
  }
}
