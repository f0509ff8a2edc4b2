import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { ProviderError } from "../../core/errors.js";
import type { JoinRequest } from "../meeting-provider.js";
import { MeetingBaasProvider } from "./meetingbaas-provider.js";
import { FakeMeetingBaas } from "./testing/fake-meetingbaas.js";

const join: JoinRequest = {
  meetingUrl: "https://meet.google.com/abc-defg-hij",
  botName: "Guide",
  botImage: "https://img.example/a.png",
  entryMessage: "Hello all",
  extra: { team: "x" },
  streamBase: "ws://127.0.0.1:9",
  clientId: "client1",
  streamUrl: "ws://127.0.0.1:9/ws/client1",
  audioFrequency: 16000,
  deduplicationKey: "guide-BaaS-client1",
  webhookUrl: undefined,
  apiKey: "test-key",
};

describe("MeetingBaasProvider", () => {
  let fake: FakeMeetingBaas;
  beforeEach(async () => {
    fake = new FakeMeetingBaas({ script: { connectDelayMs: null } });
    await fake.start();
  });
  afterEach(() => fake.stop());

  it("creates a v1 bot with every field the API takes, and leaves it", async () => {
    const provider = new MeetingBaasProvider({ baseUrl: fake.url, version: "v1" });
    const { providerBotId } = await provider.join(join);
    expect(providerBotId).toMatch(/^[0-9a-f-]{36}$/);
    expect(fake.requests[0]).toEqual({
      method: "POST",
      path: "/bots",
      apiKey: "test-key",
      body: {
        meeting_url: join.meetingUrl,
        bot_name: "Guide",
        bot_image: "https://img.example/a.png",
        entry_message: "Hello all",
        reserved: false,
        recording_mode: "speaker_view",
        speech_to_text: null,
        streaming: { input: join.streamUrl, output: join.streamUrl, audio_frequency: "16khz" },
        automatic_leave: { waiting_room_timeout: 600, noone_joined_timeout: 0 },
        deduplication_key: "guide-BaaS-client1",
        extra: { team: "x" },
        webhook_url: null,
      },
    });
    await provider.leave(providerBotId, "test-key");
    expect(fake.leaves()).toEqual([{ method: "DELETE", path: `/bots/${providerBotId}`, apiKey: "test-key", body: undefined }]);
  });

  it("speaks v2 with Hz frequencies and the leave endpoint", async () => {
    const provider = new MeetingBaasProvider({ baseUrl: fake.url, version: "v2" });
    const { providerBotId } = await provider.join({ ...join, audioFrequency: 24000, webhookUrl: "https://me.example/webhook" });
    expect(fake.requests[0]?.path).toBe("/v2/bots");
    expect(fake.requests[0]?.body).toMatchObject({
      streaming_enabled: true,
      streaming_config: { input_url: join.streamUrl, output_url: join.streamUrl, audio_frequency: 24000 },
      allow_multiple_bots: true,
      callback_enabled: true,
      callback_config: { url: "https://me.example/webhook", method: "POST" },
    });
    await provider.leave(providerBotId, "test-key");
    expect(fake.leaves()[0]).toMatchObject({ method: "POST", path: `/v2/bots/${providerBotId}/leave`, body: {} });
  });

  it("surfaces the provider's status and reason", async () => {
    const provider = new MeetingBaasProvider({ baseUrl: fake.url, version: "v1" });
    const bad = await provider.join({ ...join, apiKey: "wrong" }).catch((e: unknown) => e);
    expect(bad).toBeInstanceOf(ProviderError);
    expect((bad as ProviderError).statusCode).toBe(401);
    expect((bad as ProviderError).message).toContain("Invalid or missing API key");
    await provider.join(join);
    const clash = await provider.join(join).catch((e: unknown) => e);
    expect((clash as ProviderError).statusCode).toBe(409);
    const missing = await provider.leave("00000000-0000-0000-0000-000000000000", "test-key").catch((e: unknown) => e);
    expect((missing as ProviderError).statusCode).toBe(404);
  });

  it("reports an unreachable provider as retryable", async () => {
    const provider = new MeetingBaasProvider({ baseUrl: "http://127.0.0.1:1", version: "v1", timeoutMs: 2000 });
    const error = (await provider.join(join).catch((e: unknown) => e)) as ProviderError;
    expect(error).toBeInstanceOf(ProviderError);
    expect(error.retryable).toBe(true);
    expect(error.statusCode).toBeUndefined();
  });

  it("accepts only real meeting links over https", () => {
    const provider = new MeetingBaasProvider({ baseUrl: fake.url, version: "v1" });
    expect(provider.accepts(new URL("https://meet.google.com/abc-defg-hij"))).toBe(true);
    expect(provider.accepts(new URL("https://us02web.zoom.us/j/85123456789"))).toBe(true);
    expect(provider.accepts(new URL("https://teams.microsoft.com/l/meetup-join/x"))).toBe(true);
    expect(provider.accepts(new URL("https://teams.microsoft.com/meet/25612345678?p=x"))).toBe(true);
    expect(provider.accepts(new URL("http://meet.google.com/abc-defg-hij"))).toBe(false);
    expect(provider.accepts(new URL("https://meet.google.com/abc"))).toBe(false);
    expect(provider.accepts(new URL("https://evilzoom.us.example.com/j/85123456789"))).toBe(false);
  });
});
