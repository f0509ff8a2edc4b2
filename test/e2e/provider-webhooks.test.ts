/**
 * Attendee's and Recall.ai's webhooks, Recall's Output Media page and the `provider` field against
 * a running server, with hostile input: a webhook is believed only with its proof (Attendee: the
 * bot's URL token and, with a secret, its signature; Recall: a Svix signature), changes only the
 * bot it proves, and a replay changes nothing; page tokens nobody was given open nothing.
 */
import { randomUUID } from "node:crypto";
import WebSocket from "ws";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { signAttendeePayload } from "../../src/meeting/attendee/attendee-signature.js";
import { FakeAttendee } from "../../src/meeting/attendee/testing/fake-attendee.js";
import { recallPageToken } from "../../src/meeting/recall/recall-page.js";
import { FakeRecall } from "../../src/meeting/recall/testing/fake-recall.js";
import type { RunningServer } from "../../src/server/start.js";
import { signDelivery, signingKey } from "../../src/util/webhook-signature.js";
import { json, startTestServer, waitFor } from "./helpers.js";
import { freePort } from "./server-process.js";
import { closeOf } from "./stream-peers.js";

const MEET = "https://meet.google.com/abc-defg-hij";

describe("provider webhooks, pages and choices", () => {
  let attendee: FakeAttendee;
  let recall: FakeRecall;
  let server: RunningServer;
  let base: string;

  beforeAll(async () => {
    const port = await freePort();
    base = `http://127.0.0.1:${port}`;
    attendee = new FakeAttendee({ script: { participants: ["Alice"], connectDelayMs: 20 } });
    // Status webhooks are driven by hand here; the stand-in's bots never join on their own.
    recall = new FakeRecall({ script: { participants: ["Alice"], connectDelayMs: null } });
    server = await startTestServer({
      PORT: String(port),
      BASE_URL: base,
      ATTENDEE_API_URL: await attendee.start(),
      ATTENDEE_WEBHOOK_SECRET: attendee.webhookSecret,
      RECALL_API_URL: await recall.start(),
      RECALL_WEBHOOK_SECRET: recall.webhookSecret,
      RECALL_API_KEY: "recall-key",
    });
  }, 60_000);

  afterAll(async () => {
    await server?.close();
    await attendee?.stop();
    await recall?.stop();
  });

  const launch = async (body: Record<string, unknown>, headers: Record<string, string> = {}) =>
    fetch(`${server.url}/bots`, { method: "POST", headers: { "content-type": "application/json", ...headers }, body: JSON.stringify({ meeting_url: MEET, recorder: true, ...body }) });
  const status = async (botId: string) => (await json(await fetch(`${server.url}/bots/${botId}`))) as { status: string; last_error: string | null };

  it("refuses what a provider cannot take with a 4xx naming the field or header", async () => {
    const noKey = await launch({ provider: "attendee" });
    expect(noKey.status).toBe(401);
    expect((await json(noKey)).message).toMatch(/x-attendee-api-key/);
    const room = await launch({ provider: "attendee", meeting_url: "local:lobby" }, { "x-attendee-api-key": "attendee-key" });
    expect(room.status).toBe(400);
    expect((await json(room)).message).toMatch(/^meeting_url: provider attendee takes https Google Meet/);
    const rate = await launch({ provider: "recall", streaming_audio_frequency: "24khz" });
    expect(rate.status).toBe(400);
    expect((await json(rate)).message).toMatch(/^streaming_audio_frequency: Recall.ai streams meeting audio at 16 kHz only/);
    const unknown = await launch({ provider: "zoom" });
    expect(unknown.status).toBe(400);
    expect((await json(unknown)).message).toMatch(/provider/);
    const wrongKey = await launch({ provider: "attendee" }, { "x-attendee-api-key": "stolen" });
    expect(wrongKey.status).toBe(401);
    expect((await json(wrongKey)).message).toMatch(/attendee rejected the bot: .*Invalid or disabled API key/);
    const health = (await json(await fetch(`${server.url}/health`))) as { providers: { meeting_configured: { name: string; configured: boolean }[] } };
    expect(health.providers.meeting_configured).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ name: "attendee", configured: false }),
        expect.objectContaining({ name: "recall", configured: true }),
        expect.objectContaining({ name: "local", configured: true }),
      ]),
    );
  });

  it("believes an Attendee webhook only with its bot's token and a valid signature, for that bot alone", async () => {
    const key = Buffer.from(attendee.webhookSecret, "base64");
    const ids: string[] = [];
    for (const _ of [1, 2]) {
      const created = await launch({ provider: "attendee" }, { "x-attendee-api-key": "attendee-key" });
      expect(created.status).toBe(201);
      ids.push(String((await json(created)).bot_id));
    }
    const [victim, other] = ids as [string, string];
    await waitFor(async () => (await status(victim)).status === "in_call", 5000, "in_call from Attendee's webhook");
    const urlOf = (botId: string) => attendee.bot(botId).settings.webhooks[0]?.url ?? "";
    const victimUrl = urlOf(victim);
    const otherUrl = urlOf(other);
    expect(victimUrl).toMatch(new RegExp(`^${base}/webhook/attendee\\?token=`));
    const fatal = (botId: string) => ({
      idempotency_key: randomUUID(),
      bot_id: botId,
      bot_metadata: null,
      trigger: "bot.state_change",
      data: { new_state: "fatal_error", old_state: "joined_recording", created_at: new Date().toISOString(), event_type: "fatal_error", event_sub_type: "process_terminated" },
    });
    const post = (url: string, body: unknown, signature?: string) =>
      fetch(url, { method: "POST", headers: { "content-type": "application/json", ...(signature ? { "x-webhook-signature": signature } : {}) }, body: JSON.stringify(body) });

    const forged = fatal(victim);
    expect((await post(victimUrl, forged)).status).toBe(401);
    expect((await post(victimUrl, forged, signAttendeePayload(Buffer.from("another-secret"), forged))).status).toBe(401);
    expect((await post(`${base}/webhook/attendee`, forged, signAttendeePayload(key, forged))).status).toBe(401);
    expect((await post(otherUrl, forged, signAttendeePayload(key, forged))).status).toBe(401);
    expect((await status(victim)).status).toBe("in_call");

    const genuine = fatal(victim);
    const answered = await post(victimUrl, genuine, signAttendeePayload(key, genuine));
    expect(await json(answered)).toEqual({ status: "ok", handled: true });
    await waitFor(async () => (await status(victim)).status === "failed", 5000, "the bot to fail");
    expect((await status(victim)).last_error).toBe("provider reported failure: Attendee: fatal_error/process_terminated");
    expect((await status(other)).status).toBe("in_call");
    expect(await json(await post(victimUrl, genuine, signAttendeePayload(key, genuine)))).toEqual({ status: "ok", handled: false });
    expect((await fetch(`${base}/webhook/zoom`, { method: "POST", headers: { "content-type": "application/json" }, body: "{}" })).status).toBe(404);
  });

  it("believes a Recall.ai status webhook only with a valid Svix signature", async () => {
    const created = await launch({ provider: "recall", recorder: false });
    expect(created.status).toBe(201);
    const botId = String((await json(created)).bot_id);
    const key = signingKey(recall.webhookSecret) as Buffer;
    const deliver = (body: unknown, sign = true) => {
      const text = JSON.stringify(body);
      const id = `msg_${randomUUID()}`;
      const timestamp = String(Math.floor(Date.now() / 1000));
      const headers: Record<string, string> = { "content-type": "application/json" };
      if (sign) Object.assign(headers, { "svix-id": id, "svix-timestamp": timestamp, "svix-signature": signDelivery(key, id, timestamp, text) });
      return fetch(`${base}/webhook/recall`, { method: "POST", headers, body: text });
    };
    const event = (code: string, bot = botId) => ({ event: `bot.${code}`, data: { data: { code, sub_code: null, updated_at: new Date().toISOString() }, bot: { id: bot, metadata: {} } } });
    expect((await deliver(event("in_call_recording"), false)).status).toBe(401);
    expect((await status(botId)).status).toBe("joining");
    expect(await json(await deliver(event("in_call_recording")))).toEqual({ status: "ok", handled: true });
    expect((await status(botId)).status).toBe("in_call");
    expect(await json(await deliver(event("call_ended", randomUUID())))).toEqual({ status: "ok", handled: false });

    // Its Output Media page opens for its token only.
    const token = recallPageToken(server.bots.get(botId)?.settings.clientId ?? "");
    const page = await fetch(`${base}/recall/agent/${token}`);
    expect(page.status).toBe(200);
    expect(page.headers.get("content-type")).toMatch(/text\/html/);
    expect(await page.text()).toContain("/web/recall-agent.js");
    expect((await fetch(`${base}/recall/agent/${"x".repeat(32)}`)).status).toBe(404);
    expect((await closeOf(`${base.replace("http", "ws")}/recall/agent/${"x".repeat(32)}/ws`, () => undefined)).code).toBe(1008);
    const socket = new WebSocket(`${base.replace("http", "ws")}/recall/agent/${token}/ws`);
    const welcome = await new Promise<string>((resolve) => socket.once("message", (data) => resolve(String(data))));
    expect(JSON.parse(welcome)).toMatchObject({ type: "welcome", sampleRate: 16000 });
    const closed = new Promise<number>((resolve) => socket.once("close", (code) => resolve(code)));

    expect(await json(await deliver(event("call_ended")))).toEqual({ status: "ok", handled: true });
    expect((await status(botId)).status).toBe("ended");
    expect(await closed).toBe(1000);
    expect((await fetch(`${base}/recall/agent/${token}`)).status).toBe(404);
    expect(recall.leaves()).toEqual([]);
  });
});
