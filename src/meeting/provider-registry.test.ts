import { describe, expect, it } from "vitest";
import { AppError } from "../core/errors.js";
import type { MeetingProvider } from "./meeting-provider.js";
import { ProviderRegistry } from "./provider-registry.js";
import { providerReason } from "./provider-http.js";

function provider(name: string, accepts: (url: URL) => boolean, serverKey?: string): MeetingProvider {
  return {
    name,
    accepts,
    requiresApiKey: name !== "local",
    ...(name !== "local" && { credentials: { header: `x-${name}-api-key`, setting: `${name.toUpperCase()}_API_KEY`, serverKey, label: name } }),
    join: async () => ({ providerBotId: "b" }),
    leave: async () => undefined,
  };
}

const links = (url: URL) => url.hostname === "meet.google.com";
const rooms = (url: URL) => url.protocol === "local:";
const registry = new ProviderRegistry([provider("meetingbaas", links, "k"), provider("local", rooms), provider("attendee", links), provider("recall", links, "r")], undefined);

describe("choosing a meeting provider", () => {
  it("takes the one a request names when it can join the URL, else the first that accepts it", () => {
    expect(registry.select("https://meet.google.com/abc-defg-hij").name).toBe("meetingbaas");
    expect(registry.select("https://meet.google.com/abc-defg-hij", "attendee").name).toBe("attendee");
    expect(registry.select("local:lobby").name).toBe("local");
    expect(registry.select("local:lobby", "local").name).toBe("local");
  });

  it("refuses a named provider that cannot join the URL, naming the field", () => {
    const refusal = (url: string, name: string) => {
      try {
        registry.select(url, name);
      } catch (error) {
        return error instanceof AppError ? `${error.code} ${error.message}` : String(error);
      }
      return "accepted";
    };
    expect(refusal("local:lobby", "recall")).toBe("MEETING_URL_UNSUPPORTED meeting_url: provider recall takes https Google Meet, Zoom or Teams links");
    expect(refusal("https://meet.google.com/abc-defg-hij", "local")).toMatch(/^MEETING_URL_UNSUPPORTED meeting_url: provider local takes a built-in room/);
    expect(refusal("https://meet.google.com/abc-defg-hij", "zoom")).toMatch(/^PROVIDER_NOT_CONFIGURED provider: zoom is not available/);
  });

  it("says which providers the server holds a key for", () => {
    expect(registry.status()).toEqual([
      { name: "meetingbaas", configured: true, detail: "MEETINGBAAS_API_KEY is set; callers may also send their own key in x-meetingbaas-api-key" },
      { name: "local", configured: true, detail: "needs no key" },
      { name: "attendee", configured: false, detail: "ATTENDEE_API_KEY is not set; callers must send their own key in x-attendee-api-key" },
      { name: "recall", configured: true, detail: "RECALL_API_KEY is set; callers may also send their own key in x-recall-api-key" },
    ]);
  });
});

describe("a provider's refusal in its own words", () => {
  it("reads detail/error/code, and flattens Django REST framework field errors", () => {
    expect(providerReason({ detail: "Invalid token." }, "")).toBe("Invalid token.");
    expect(providerReason({ code: "cannot_command_completed_bot", detail: "Cannot send a command" }, "")).toBe("cannot_command_completed_bot: Cannot send a command");
    expect(providerReason({ websocket_settings: { audio: { url: "URL must start with wss://" } }, meeting_url: ["This field is required."] }, "")).toBe(
      "websocket_settings.audio.url: URL must start with wss://; meeting_url: This field is required.",
    );
    expect(providerReason({ non_field_errors: ["Unexpected field(s): colour"] }, "")).toBe("Unexpected field(s): colour");
    expect(providerReason(undefined, "<html>\n  <h1>403 ERROR</h1>")).toBe("<html> <h1>403 ERROR</h1>");
  });
});
