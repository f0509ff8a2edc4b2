import { afterEach, describe, expect, it } from "vitest";
import { AppError, type ProviderError } from "../../core/errors.js";
import { signDelivery, signingKey } from "../../util/webhook-signature.js";
import type { JoinRequest } from "../meeting-provider.js";
import { CallWindow } from "./recall-limits.js";
import { recallPageToken, recallPageUrl } from "./recall-page.js";
import { RecallProvider } from "./recall-provider.js";
import { recallStreamAdapter } from "./recall-stream.js";
import { RecallWebhook } from "./recall-webhook.js";
import { FakeRecall } from "./testing/fake-recall.js";

const join: JoinRequest = {
  meetingUrl: "https://meet.google.com/abc-defg-hij",
  botName: "Guide",
  botImage: undefined,
  entryMessage: "Hello all",
  extra: { team: "x", seats: 3 },
  clientId: "client1",
  streamBase: "wss://bots.example.com",
  streamUrl: "wss://bots.example.com/ws/client1",
  audioFrequency: 16000,
  deduplicationKey: "guide-BaaS-client1",
  webhookUrl: undefined,
  apiKey: "recall-key",
};

describe("RecallProvider", () => {
  let fake: FakeRecall | undefined;
  afterEach(async () => {
    await fake?.stop();
    fake = undefined;
  });

  async function start(options: ConstructorParameters<typeof FakeRecall>[0] = {}) {
    fake = new FakeRecall({ script: { connectDelayMs: null }, ...options });
    const slept: number[] = [];
    const provider = new RecallProvider({ baseUrl: await fake.start(), sleep: async (ms) => void slept.push(ms) });
    return { fake, provider, slept };
  }

  it("creates a bot with a real-time endpoint, the Output Media page and the entry message, and makes it leave once", async () => {
    const { fake, provider } = await start();
    const { providerBotId } = await provider.join(join);
    const request = fake.creations()[0];
    expect(request?.authorization).toBe("Token recall-key");
    expect(request?.body).toEqual({
      meeting_url: join.meetingUrl,
      bot_name: "Guide",
      recording_config: {
        audio_mixed_raw: {},
        realtime_endpoints: [
          {
            type: "websocket",
            url: "wss://bots.example.com/ws/client1",
            events: ["audio_mixed_raw.data", "participant_events.join", "participant_events.leave", "participant_events.update", "participant_events.speech_on", "participant_events.speech_off"],
          },
        ],
      },
      variant: { zoom: "web" },
      output_media: { camera: { kind: "webpage", config: { url: `https://bots.example.com/recall/agent/${recallPageToken("client1")}` } } },
      chat: { on_bot_join: { send_to: "everyone", message: "Hello all" } },
      metadata: { team: "x", seats: "3" },
    });
    await provider.leave(providerBotId, "recall-key");
    const again = await provider.leave(providerBotId, "recall-key").catch((error: unknown) => error);
    expect((again as ProviderError).statusCode).toBe(400);
    expect((again as Error).message).toMatch(/cannot_command_completed_bot/);
    expect(fake.leaves()).toHaveLength(2);
  });

  it("gives a listen-only bot no page, and passes refusals on", async () => {
    const { fake, provider } = await start();
    await provider.join({ ...join, listenOnly: true });
    expect(fake.creations()[0]?.body).not.toHaveProperty("output_media");
    const badKey = await provider.join({ ...join, apiKey: "wrong" }).catch((error: unknown) => error);
    expect((badKey as ProviderError).statusCode).toBe(401);
    expect((badKey as Error).message).toMatch(/Invalid token/);
    const unknown = await provider.leave("00000000-0000-0000-0000-000000000000", "recall-key").catch((error: unknown) => error);
    expect((unknown as ProviderError).statusCode).toBe(404);
  });

  it("retries as Recall says: 507 every 30 s, 429 after Retry-After, and gives up after three attempts", async () => {
    const retried = await start({ failCreates: [507, 429] });
    await retried.provider.join(join);
    expect(retried.slept).toEqual([30_000, 1000]);
    expect(retried.fake.creations()).toHaveLength(3);
    await retried.fake.stop();

    fake = undefined;
    const exhausted = await start({ failCreates: [503, 503, 503, 503] });
    const error = await exhausted.provider.join(join).catch((caught: unknown) => caught);
    expect((error as ProviderError).statusCode).toBe(503);
    expect(exhausted.slept).toEqual([1000, 2000]);
    expect(exhausted.fake.creations()).toHaveLength(3);
  });

  it("refuses what Recall cannot do before creating anything", () => {
    const provider = new RecallProvider({ baseUrl: "https://us-west-2.recall.ai" });
    expect(() => provider.check({ audioFrequency: 24000, streamBase: "wss://bots.example.com" })).toThrow(/streaming_audio_frequency: Recall.ai streams meeting audio at 16 kHz only/);
    expect(() => provider.check({ audioFrequency: 16000, streamBase: "ws://127.0.0.1:7014" })).toThrow(AppError);
    expect(() => provider.check({ audioFrequency: 16000, streamBase: "ws://127.0.0.1:7014" })).toThrow(/websocket_url: Recall.ai's bot must reach this server/);
    expect(() => provider.check({ audioFrequency: 16000, streamBase: "wss://bots.example.com" })).not.toThrow();
  });
});

describe("Recall.ai's limits", () => {
  it("lets 60 creations a minute through per key, then waits for a slot or refuses a long wait", async () => {
    let now = 0;
    const window = new CallWindow(60, "bot creations", () => now);
    const slept: number[] = [];
    const sleep = async (ms: number) => {
      slept.push(ms);
      now += ms;
    };
    for (let i = 0; i < 60; i++) {
      await window.take("k", sleep, 0);
      now += 100;
    }
    await window.take("other", sleep, 0);
    const refused = await window.take("k", sleep, 1000).catch((error: unknown) => error);
    expect((refused as ProviderError).statusCode).toBe(429);
    expect((refused as Error).message).toMatch(/at most 60 bot creations a minute/);
    await window.take("k", sleep, 60_000);
    expect(slept).toEqual([54_000]);
  });
});

describe("Recall.ai's real-time endpoint", () => {
  const message = (event: string, data: unknown) => Buffer.from(JSON.stringify({ event, data: { data, bot: { id: "b1", metadata: {} }, realtime_endpoint: { id: "r", metadata: {} } } }));

  it("yields the mixed audio and participant changes, and refuses the rest precisely", () => {
    const pcm = new Int16Array([5, -5, 7]);
    const audio = recallStreamAdapter.decode(message("audio_mixed_raw.data", { buffer: Buffer.from(pcm.buffer).toString("base64"), timestamp: { relative: 1, absolute: "x" } }), false, 16000);
    expect(audio.kind === "audio" && [...audio.pcm]).toEqual([5, -5, 7]);
    const speech = recallStreamAdapter.decode(
      message("participant_events.speech_on", { participant: { id: 100, name: "Alice", is_host: true }, timestamp: { absolute: "2026-01-02T03:04:05.000Z", relative: 2 } }),
      false,
      16000,
    );
    expect(speech).toEqual({ kind: "participant", change: { participantId: "100", name: "Alice", kind: "speech_on", at: Date.parse("2026-01-02T03:04:05.000Z") } });
    expect(recallStreamAdapter.decode(message("transcript.data", {}), false, 16000).kind).toBe("ignored");
    const code = (data: Buffer, binary = false) => {
      const input = recallStreamAdapter.decode(data, binary, 16000);
      return input.kind === "invalid" ? input.violation.code : input.kind;
    };
    expect(code(Buffer.alloc(4), true)).toBe(1003);
    expect(code(Buffer.from("[]"))).toBe(1007);
    expect(code(message("audio_mixed_raw.data", { buffer: "%%%%" }))).toBe(1007);
    expect(code(message("participant_events.join", { participant: { name: "no id" } }))).toBe(1007);
  });

  it("puts the page beside the stream, on the same public address", () => {
    expect(recallPageUrl("wss://bots.example.com/base", "c1")).toBe(`https://bots.example.com/base/recall/agent/${recallPageToken("c1")}`);
    expect(recallPageUrl("ws://127.0.0.1:7014", "c1")).toBe(`http://127.0.0.1:7014/recall/agent/${recallPageToken("c1")}`);
    expect(recallPageToken("c1")).not.toBe(recallPageToken("c2"));
    expect(recallPageToken("c1")).toMatch(/^[A-Za-z0-9_-]{32}$/);
  });
});

describe("Recall.ai's status webhooks", () => {
  const secret = "whsec_c2VjcmV0LWZvci1yZWNhbGwtd2ViaG9va3M=";
  const key = signingKey(secret) as Buffer;
  const webhook = new RecallWebhook(secret);
  const body = { event: "bot.fatal", data: { data: { code: "fatal", sub_code: "bot_errored", updated_at: "t" }, bot: { id: "b1", metadata: {} } } };

  it("accepts only Svix-signed deliveries and maps statuses", () => {
    const text = JSON.stringify(body);
    const now = Date.now();
    const timestamp = String(Math.floor(now / 1000));
    const headers = { "svix-id": "msg_1", "svix-timestamp": timestamp, "svix-signature": signDelivery(key, "msg_1", timestamp, text) };
    expect(webhook.verify({ headers, rawBody: text, body, nowMs: now })).toEqual({ ok: true, deliveryId: "msg_1" });
    expect(webhook.verify({ headers, rawBody: `${text} `, body, nowMs: now }).ok).toBe(false);
    expect(new RecallWebhook(undefined).verify({ headers, rawBody: text, body, nowMs: now })).toMatchObject({ ok: false, reason: expect.stringMatching(/RECALL_WEBHOOK_SECRET/) });
    expect(webhook.read(body)).toEqual({ kind: "events", providerBotId: "b1", events: [{ kind: "failed", reason: "Recall.ai: fatal/bot_errored" }] });
    expect(webhook.read({ event: "bot.in_call_recording", data: { data: { code: "in_call_recording" }, bot: { id: "b1" } } })).toMatchObject({ events: [{ kind: "in-call" }] });
    expect(webhook.read({ event: "bot.status_change", data: { bot_id: "b2", status: { code: "call_ended", sub_code: null } } })).toMatchObject({
      providerBotId: "b2",
      events: [{ kind: "ended", reason: "Recall.ai: call_ended" }],
    });
    expect(webhook.read({ event: "bot.joining_call", data: { data: { code: "joining_call" }, bot: { id: "b1" } } }).kind).toBe("ignored");
    expect(webhook.read({ event: "calendar.update", data: {} }).kind).toBe("ignored");
    expect(webhook.read({ event: "bot.done", data: {} }).kind).toBe("invalid");
  });
});
