/**
 * @module meeting/provider-registry
 * Chooses the meeting provider for a bot: the one the request names (`provider`), else the one
 * forced by MEETING_PROVIDER, else the first registered provider that accepts the URL. Real meeting
 * platforms' link shapes are checked first (MeetingBaas), and only this server's own room URLs go to
 * the built-in room, so a Teams `/meet/<id>` link or a stranger's `/meet/<room>` page never lands in
 * a local room. A URL nobody takes, or one the named provider cannot join, is refused with what a
 * valid one looks like.
 */
import { AppError } from "../core/errors.js";
import { platformLinkProblem } from "./meeting-links.js";
import type { MeetingProvider } from "./meeting-provider.js";

/** What `/health` says about one meeting provider. */
export interface MeetingProviderStatus {
  name: string;
  /** The server holds a key for it (or it needs none): key holders can use it without sending one. */
  configured: boolean;
  detail: string;
}

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

  /** Which providers a caller can use, and what each still needs. */
  status(): MeetingProviderStatus[] {
    return this.providers.map((provider) => {
      const credentials = provider.credentials;
      if (!credentials) return { name: provider.name, configured: true, detail: "needs no key" };
      return credentials.serverKey
        ? { name: provider.name, configured: true, detail: `${credentials.setting} is set; callers may also send their own key in ${credentials.header}` }
        : { name: provider.name, configured: false, detail: `${credentials.setting} is not set; callers must send their own key in ${credentials.header}` };
    });
  }

  select(meetingUrl: string, requested?: string): MeetingProvider {
    if (requested) return this.requested(requested, meetingUrl);
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

  private requested(name: string, meetingUrl: string): MeetingProvider {
    const provider = this.named(name);
    if (!provider) throw new AppError("PROVIDER_NOT_CONFIGURED", `provider: ${name} is not available on this server (available: ${this.names.join(", ")})`);
    const url = parseMeetingUrl(meetingUrl);
    if (provider.accepts(url)) return provider;
    const problem = platformLinkProblem(url);
    throw new AppError(
      "MEETING_URL_UNSUPPORTED",
      problem
        ? `meeting_url: ${problem}`
        : name === "local"
          ? "meeting_url: provider local takes a built-in room of this server (…/meet/<room> or local:<room>)"
          : `meeting_url: provider ${name} takes https Google Meet, Zoom or Teams links`,
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
