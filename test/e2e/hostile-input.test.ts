/**
 * Hostile requests against a running server: misrouted meeting links, malformed URLs and headers,
 * forged webhooks, and secrets that must not leak into logs or /health.
 */
import pino from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadConfig } from "../../src/config.js";
import { loggerOptions } from "../../src/logger.js";
import { FakeMeetingBaas } from "../../src/meeting/meetingbaas/testing/fake-meetingbaas.js";
import { type RunningServer, startServer } from "../../src/server/start.js";
import { signDelivery, signingKey } from "../../src/util/webhook-signature.js";
import { json, waitFor } from "./helpers.js";

const WEBHOOK_SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
const MEET = "https://meet.google.com/abc-defg-hij";

describe("hostile input against a running server", () => {
  let baas: FakeMeetingBaas;
  let server: RunningServer;
  const logLines: string[] = [];

  beforeAll(async () => {
    baas = new FakeMeetingBaas({ script: { connectDelayMs: null } });
    const config = loadConfig({
      PORT: "0",
      HOST: "127.0.0.1",
      LOG_LEVEL: "info",
      MEETING_BAAS_API_URL: await baas.start(),
      MEETING_BAAS_API_KEY: "test-key",
      MEETING_BAAS_WEBHOOK_SECRET: WEBHOOK_SECRET,
      // Only used to build the webhook URL handed to the provider (and so its per-bot token).
      BASE_URL: "http://127.0.0.1:9",
      LLM_BASE_URL: "http://ada:hunter2@127.0.0.1:9/v1?api_key=sk-live-1",
      BOT_CONNECT_TIMEOUT_MS: "60000",
      BOT_REGISTRY_FILE: ":memory:",
    });
    const logger = pino(loggerOptions("info"), { write: (line: string) => logLines.push(line) });
    server = await startServer(config, { logger });
  });
  afterAll(async () => {
    await server.close();
    await baas.stop();
  });

  const post = (body: unknown, headers: Record<string, string> = {}) =>
    fetch(`${server.url}/bots`, { method: "POST", headers: { "content-type": "application/json", ...headers }, body: JSON.stringify(body) });

  async function expect400(response: Response, field: string): Promise<void> {
    expect(response.status).toBe(400);
    expect(String((await json(response)).message)).toContain(field);
  }

  it("sends a Teams /meet/ link to MeetingBaas, and no stranger's /meet/<room> URL to a built-in room", async () => {
    const teams = "https://teams.microsoft.com/meet/25612345678?p=AbCdEf";
    const created = await post({ meeting_url: teams });
    expect(created.status).toBe(201);
    expect((await json(created)).meeting_link).toBeUndefined();
    expect(baas.requests.at(-1)?.body).toMatchObject({ meeting_url: teams });
    const sentBefore = baas.requests.length;
    await expect400(await post({ meeting_url: "https://evil.example/meet/lobby" }), "meeting_url");
    await expect400(await post({ meeting_url: "http://localhost:1/meet/lobby" }), "meeting_url");
    await expect400(await post({ meeting_url: "https://meet.google.com/x" }), "Google Meet");
    expect(baas.requests.length).toBe(sentBefore);
  });

  it("answers malformed URL fields and forwarded headers with a 400 naming them", async () => {
    await expect400(await post({ meeting_url: MEET, websocket_url: "ws://[" }), "websocket_url");
    await expect400(await post({ meeting_url: MEET, websocket_url: "wss://user:pw@h" }), "websocket_url");
    for (const image of ["file:///etc/passwd.png", "javascript:alert(1)//x.png", "data:image/png;base64,AAAA", "https://h/not-an-image"]) {
      await expect400(await post({ meeting_url: MEET, bot_image: image }), "bot_image");
    }
    // BASE_URL decides the stream URL here, so forwarded headers are checked on a server without it.
    const bare = await startServer(
      loadConfig({ PORT: "0", HOST: "127.0.0.1", LOG_LEVEL: "silent", MEETING_BAAS_API_URL: baas.url, MEETING_BAAS_API_KEY: "test-key", BOT_REGISTRY_FILE: ":memory:" }),
    );
    try {
      for (const [header, value] of [["x-forwarded-host", "["], ["x-forwarded-host", "a b"], ["x-forwarded-proto", "gopher"]]) {
        const response = await fetch(`${bare.url}/bots`, {
          method: "POST",
          headers: { "content-type": "application/json", [header as string]: value as string },
          body: JSON.stringify({ meeting_url: MEET }),
        });
        await expect400(response, `header ${header}`);
      }
    } finally {
      await bare.close();
    }
  });

  it("accepts an http:// bot image only because this server is on loopback", async () => {
    const created = await post({ meeting_url: MEET, bot_image: "http://127.0.0.1:9/bot.png" });
    expect(created.status).toBe(201);
  });

  it("believes a webhook only with the bot's own token or a valid signature, and a forged one changes nothing", async () => {
    const created = await post({ meeting_url: MEET });
    const { bot_id: botId } = (await json(created)) as { bot_id: string };
    const webhookUrl = String((baas.requests.at(-1)?.body as { webhook_url?: string } | undefined)?.webhook_url);
    expect(webhookUrl).toMatch(/^http:\/\/127\.0\.0\.1:9\/webhook\?token=[A-Za-z0-9_-]{24}$/);
    const token = new URL(webhookUrl).searchParams.get("token");
    const status = async () => ((await json(await fetch(`${server.url}/bots/${botId}`))) as { status: string; last_error: string | null });
    const hook = (query: string, body: unknown, headers: Record<string, string> = {}) =>
      fetch(`${server.url}/webhook${query}`, { method: "POST", headers: { "content-type": "application/json", ...headers }, body: typeof body === "string" ? body : JSON.stringify(body) });

    const forged = { event: "failed", data: { bot_id: botId, error: "attacker text" } };
    for (const query of ["", "?token=", "?token=AAAAAAAAAAAAAAAAAAAAAAAA"]) {
      const response = await hook(query, forged, { "x-meeting-baas-api-key": "test-key" });
      expect(response.status, query).toBe(401);
      expect(String((await json(response)).message)).toMatch(/token/);
    }
    const otherBot = (await json(await post({ meeting_url: MEET }))) as { bot_id: string };
    expect((await hook(`?token=${token}`, { event: "failed", data: { bot_id: otherBot.bot_id } })).status).toBe(401);
    expect(await status()).toMatchObject({ status: "joining", last_error: null });

    const key = signingKey(WEBHOOK_SECRET) as Buffer;
    const signedBody = JSON.stringify({ event: "bot.status_change", data: { bot_id: botId, status: { code: "in_call_recording" } } });
    const now = String(Math.floor(Date.now() / 1000));
    const tampered = await hook("", signedBody.replace("in_call_recording", "call_ended"), {
      "svix-id": "msg_1",
      "svix-timestamp": now,
      "svix-signature": signDelivery(key, "msg_1", now, signedBody),
    });
    expect(tampered.status).toBe(401);
    expect(String((await json(tampered)).message)).toMatch(/svix-signature/);
    const stale = String(Math.floor(Date.now() / 1000) - 600);
    expect((await hook("", signedBody, { "svix-id": "msg_2", "svix-timestamp": stale, "svix-signature": signDelivery(key, "msg_2", stale, signedBody) })).status).toBe(401);
    expect((await status()).status).toBe("joining");

    const signed = await hook("", signedBody, { "svix-id": "msg_3", "svix-timestamp": now, "svix-signature": signDelivery(key, "msg_3", now, signedBody) });
    expect(await json(signed)).toEqual({ status: "ok", handled: true });
    await waitFor(async () => (await status()).status === "in_call", 5000, "the signed event to be applied");

    const tokened = await hook(`?token=${token}`, { event: "bot.status_change", data: { bot_id: botId, status: { code: "call_ended" } } });
    expect(await json(tokened)).toEqual({ status: "ok", handled: true });
    await waitFor(async () => (await status()).status === "ended", 5000, "the tokened event to be applied");
  });

  it("keeps passcodes and URL credentials out of logs and /health, but shows the owner its meeting URL", async () => {
    const zoom = "https://us02web.zoom.us/j/85123456789?pwd=ZoomPass77";
    const created = await post({ meeting_url: zoom });
    const { bot_id: botId } = (await json(created)) as { bot_id: string };
    expect(((await json(await fetch(`${server.url}/bots/${botId}`))) as { meeting_url: string }).meeting_url).toBe(zoom);
    const health = JSON.stringify(await json(await fetch(`${server.url}/health`)));
    expect(health).toContain("127.0.0.1:9/v1");
    expect(health).not.toMatch(/hunter2|sk-live-1/);
    const logs = logLines.join("");
    expect(logs).toContain("us02web.zoom.us/j/85123456789");
    expect(logs).not.toMatch(/ZoomPass77|hunter2|sk-live-1/);
    expect(logs).not.toMatch(/webhook\?token=[A-Za-z0-9_-]{24}/);
  });
});
