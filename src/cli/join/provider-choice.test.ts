import { describe, expect, it } from "vitest";
import { checkProviderForUrl, providerKeyHeader } from "./provider-choice.js";

describe("join --provider", () => {
  const env = { MEETING_BAAS_API_KEY: "mb", ATTENDEE_API_KEY: "at", RECALL_API_KEY: undefined };

  it("sends the chosen provider's key in its own header, --api-key first", () => {
    expect(providerKeyHeader(undefined, undefined, env)).toEqual({ "x-meeting-baas-api-key": "mb" });
    expect(providerKeyHeader("attendee", undefined, env)).toEqual({ "x-attendee-api-key": "at" });
    expect(providerKeyHeader("attendee", "mine", env)).toEqual({ "x-attendee-api-key": "mine" });
    expect(providerKeyHeader("recall", undefined, env)).toEqual({});
    expect(providerKeyHeader("local", "mine", env)).toEqual({});
  });

  it("refuses a provider that cannot join the URL before anything starts", () => {
    expect(() => checkProviderForUrl("recall", true)).toThrow(/--provider recall joins Google Meet, Zoom and Teams links/);
    expect(() => checkProviderForUrl("local", false)).toThrow(/--provider local joins built-in rooms only/);
    expect(() => checkProviderForUrl("attendee", false)).not.toThrow();
    expect(() => checkProviderForUrl(undefined, true)).not.toThrow();
  });
});
