import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { AppError, ProviderError } from "../../core/errors.js";
import type { JoinRequest } from "../meeting-provider.js";
import { AttendeeProvider } from "./attendee-provider.js";
import { FakeAttendee } from "./testing/fake-attendee.js";

const join: JoinRequest = {
  meetingUrl: "https://meet.google.com/abc-defg-hij",
  botName: "Guide 🤖",
  botImage: "https://img.example/a.png",
  entryMessage: "Hello all 👋",
  extra: { team: "x", seats: 3 },
  clientId: "client1",
  streamBase: "ws://127.0.0.1:9",
  streamUrl: "ws://127.0.0.1:9/ws/client1",
  audioFrequency: 16000,
  deduplicationKey: "guide-BaaS-client1",
  webhookUrl: "http://127.0.0.1:9/webhook/attendee?token=t1",
  apiKey: "attendee-key",
};

describe("AttendeeProvider", () => {
  let fake: FakeAttendee;
  let provider: AttendeeProvider;
  beforeEach(async () => {
    fake = new FakeAttendee({ script: { connectDelayMs: null } });
    provider = new AttendeeProvider({ baseUrl: await fake.start() });
  });
  afterEach(() => fake.stop());

  it("creates a bot with its audio socket, webhook, chat message and metadata as Attendee takes them, and makes it leave", async () => {
    const { providerBotId } = await provider.join(join);
    expect(providerBotId).toMatch(/^bot_/);
    const request = fake.requests[0];
    expect(request?.authorization).toBe("Token attendee-key");
    expect(request?.body).toEqual({
      meeting_url: join.meetingUrl,
      bot_name: "Guide",
      deduplication_key: "guide-BaaS-client1",
      websocket_settings: { audio: { url: "ws://127.0.0.1:9/ws/client1", sample_rate: 16000 } },
      metadata: { team: "x", seats: "3" },
      bot_chat_message: { to: "everyone", message: "Hello all" },
      webhooks: [{ url: join.webhookUrl, triggers: ["bot.state_change", "participant_events.join_leave", "participant_events.speech_start_stop"] }],
    });
    await provider.leave(providerBotId, "attendee-key");
    expect(fake.leaves().map((r) => r.path)).toEqual([`/api/v1/bots/${providerBotId}/leave`]);
    expect(fake.bot(providerBotId).state).toBe("ended");
    const again = await provider.leave(providerBotId, "attendee-key").catch((error: unknown) => error);
    expect(again).toBeInstanceOf(ProviderError);
    expect((again as ProviderError).statusCode).toBe(400);
  });

  it("says clearly when a deduplication key is still held, and passes Attendee's refusals on", async () => {
    await provider.join(join);
    const clash = await provider.join(join).catch((error: unknown) => error);
    expect(clash).toBeInstanceOf(ProviderError);
    expect((clash as ProviderError).statusCode).toBe(409);
    expect((clash as Error).message).toMatch(/deduplication_key guide-BaaS-client1 is held by another bot.*Deduplication key already in use/);

    const badKey = await provider.join({ ...join, deduplicationKey: "k2", apiKey: "wrong" }).catch((error: unknown) => error);
    expect((badKey as ProviderError).statusCode).toBe(401);
    expect((badKey as Error).message).toMatch(/Invalid or disabled API key/);
    const noKey = await provider.join({ ...join, deduplicationKey: "k3", apiKey: undefined }).catch((error: unknown) => error);
    expect((noKey as Error).message).toMatch(/Invalid Authorization header/);
    const unknown = await provider.leave("bot_nope", "attendee-key").catch((error: unknown) => error);
    expect((unknown as ProviderError).statusCode).toBe(404);
    expect((unknown as Error).message).toMatch(/Bot not found/);
  });

  it("refuses a ws:// stream URL for a remote Attendee before creating anything, and surfaces field errors", async () => {
    const remote = new AttendeeProvider({ baseUrl: "https://app.attendee.dev" });
    expect(() => remote.check({ audioFrequency: 16000, streamBase: "ws://bots.example.com" })).toThrow(AppError);
    expect(() => remote.check({ audioFrequency: 16000, streamBase: "ws://bots.example.com" })).toThrow(/websocket_url: Attendee dials only wss:\/\//);
    expect(() => remote.check({ audioFrequency: 16000, streamBase: "wss://bots.example.com" })).not.toThrow();
    expect(() => provider.check({ audioFrequency: 16000, streamBase: "ws://127.0.0.1:7014" })).not.toThrow();
    const refused = await provider.join({ ...join, streamUrl: "ws://bots.example.com/ws/client1", deduplicationKey: "k4" }).catch((error: unknown) => error);
    expect((refused as ProviderError).statusCode).toBe(400);
    expect((refused as Error).message).toMatch(/websocket_settings\.audio\.url: URL must start with wss:\/\//);
  });
});
