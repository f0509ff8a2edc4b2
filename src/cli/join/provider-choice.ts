/**
 * @module cli/join/provider-choice
 * `join --provider`: which meeting provider carries the bots, the key the CLI sends for it (from
 * --api-key, else the provider's own variable), and a check that the meeting URL suits it.
 */
import { PROVIDER_NAMES, type ProviderName } from "../../meeting/meeting-provider.js";
import { UsageError } from "./validate.js";

export { PROVIDER_NAMES };

/** The request header each provider's key travels in, and the variable the CLI reads it from. */
const KEY_SOURCES: Record<Exclude<ProviderName, "local">, { header: string; variable: "MEETING_BAAS_API_KEY" | "ATTENDEE_API_KEY" | "RECALL_API_KEY" }> = {
  meetingbaas: { header: "x-meeting-baas-api-key", variable: "MEETING_BAAS_API_KEY" },
  attendee: { header: "x-attendee-api-key", variable: "ATTENDEE_API_KEY" },
  recall: { header: "x-recall-api-key", variable: "RECALL_API_KEY" },
};

/** The provider's key header to send, if the CLI has a key for it. */
export function providerKeyHeader(
  provider: ProviderName | undefined,
  apiKey: string | undefined,
  env: Partial<Record<"MEETING_BAAS_API_KEY" | "ATTENDEE_API_KEY" | "RECALL_API_KEY", string>>,
): Record<string, string> {
  if (provider === "local") return {};
  // Without --provider the server picks by URL, MeetingBaas for meeting links.
  const source = KEY_SOURCES[provider ?? "meetingbaas"];
  const key = apiKey ?? env[source.variable];
  return key ? { [source.header]: key } : {};
}

/** A built-in room goes with `local` (or no provider); a meeting link with any other. */
export function checkProviderForUrl(provider: ProviderName | undefined, isRoom: boolean): void {
  if (!provider) return;
  if (isRoom && provider !== "local") throw new UsageError(`--provider ${provider} joins Google Meet, Zoom and Teams links; a built-in room needs --provider local (or none).`);
  if (!isRoom && provider === "local") throw new UsageError("--provider local joins built-in rooms only (http://host/meet/<room> or local:<room>).");
}
