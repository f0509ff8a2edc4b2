/**
 * A bot's whole life against a local server that answers like MeetingBaas: the API call, the
 * provider dialing our stream, audio both ways, a real spoken question answered with a tool call,
 * per-turn latency, and leaving on DELETE and on shutdown.
 */
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { rms } from "../../src/audio/pcm.js";
import { FakeMeetingBaas } from "../../src/meeting/meetingbaas/testing/fake-meetingbaas.js";
import type { RunningServer } from "../../src/server/start.js";
import { FakeOpenAiServer } from "../../src/services/llm/testing/fake-openai-server.js";
import { loadSpeech } from "../fixtures/load-fixture.js";
import { json, localSpeechMissing, startTestServer, waitFor } from "./helpers.js";

const MEET = "https://meet.google.com/abc-defg-hij";

describe("a bot in a MeetingBaas meeting", () => {
  let baas: FakeMeetingBaas;
  let llm: FakeOpenAiServer;
  let server: RunningServer;

  beforeEach(async () => {
    baas = new FakeMeetingBaas({ script: { participants: ["Alice"], connectDelayMs: 20 } });
    llm = new FakeOpenAiServer({
      replies: [{ toolCall: { name: "get_time", arguments: { location: "Asia/Tokyo" } } }, { text: "It is evening in Tokyo right now." }],
    });
    server = await startTestServer({ MEETING_BAAS_API_URL: await baas.start(), LLM_BASE_URL: await llm.start(), LLM_MODEL: "scripted" });
  });
  afterEach(async () => {
    await server.close();
    await baas.stop();
    await llm.stop();
  });

  const post = (body: unknown, headers: Record<string, string> = { "x-meeting-baas-api-key": "test-key" }) =>
    fetch(`${server.url}/bots`, { method: "POST", headers: { "content-type": "application/json", ...headers }, body: JSON.stringify(body) });

  it.skipIf(localSpeechMissing())("joins, speaks its entry message, answers a spoken question with a tool, and leaves on DELETE", async () => {
    const created = await post({ meeting_url: MEET, personas: ["interviewer"], entry_message: "Hello, I am listening." });
    expect(created.status).toBe(201);
    const { bot_id: botId } = (await json(created)) as { bot_id: string };
    const sent = baas.requests[0]?.body as Record<string, unknown>;
    expect(sent).toMatchObject({ meeting_url: MEET, bot_name: "Interviewer", entry_message: "Hello, I am listening.", streaming: { audio_frequency: "16khz" } });
    expect(String((sent.streaming as { input: string }).input)).toMatch(/^ws:\/\/127\.0\.0\.1:\d+\/ws\/[A-Za-z0-9_-]{24}$/);
    expect(sent.deduplication_key).toMatch(/^interviewer-BaaS-/);

    const meetingBot = baas.bot(botId);
    await waitFor(async () => ((await json(await fetch(`${server.url}/bots/${botId}`))).status === "in_call"), 5000, "in_call");
    await waitFor(() => meetingBot.received.length > 20, 8000, "entry message audio");
    const entryAudio = meetingBot.heard();
    expect(rms(entryAudio)).toBeGreaterThan(0.01);

    await waitFor(() => meetingBot.received.length && !server.bots.get(botId)?.info().speaking, 10_000, "entry message to finish");
    const before = meetingBot.heard().length;
    meetingBot.say(await loadSpeech("time-question"));
    await waitFor(() => llm.requests.length >= 2, 15_000, "the LLM to be asked twice (tool round)");
    const firstAsk = llm.requests[0]?.messages.at(-1);
    expect(firstAsk?.role).toBe("user");
    expect(String(firstAsk?.content)).toMatch(/^Alice: .*time/i);
    expect(llm.requests[1]?.messages.some((m) => m.role === "tool" && /Tokyo/.test(String(m.content)))).toBe(true);
    await waitFor(() => meetingBot.heard().length > before + 16000, 15_000, "the spoken answer");

    const info = (await json(await fetch(`${server.url}/bots/${botId}`))) as { metrics: { turns: Record<string, number | null>[] } };
    const turn = info.metrics.turns.at(-1);
    expect(turn?.transcript).toBeGreaterThanOrEqual(0);
    expect(turn?.llm_first_token).toBeGreaterThan(turn?.transcript ?? 0);
    expect(turn?.first_audio_out).toBeGreaterThanOrEqual(turn?.tts_first_audio ?? Number.POSITIVE_INFINITY);

    const left = await fetch(`${server.url}/bots/${botId}`, { method: "DELETE" });
    expect(await json(left)).toEqual({ bot_id: botId, status: "ended" });
    expect(baas.leaves().map((r) => r.path)).toEqual([`/bots/${botId}`]);
    await waitFor(() => meetingBot.left, 2000, "emulated bot to leave");
    const again = await fetch(`${server.url}/bots/${botId}`, { method: "DELETE", headers: { "content-type": "application/json" }, body: "{}" });
    expect(again.status).toBe(200);
    expect(baas.leaves()).toHaveLength(1);
  });

  it("makes every bot leave on shutdown", async () => {
    const ids: string[] = [];
    for (const persona of ["storyteller", "pair_programmer"]) {
      ids.push(((await json(await post({ meeting_url: MEET, personas: [persona] }))) as { bot_id: string }).bot_id);
    }
    await waitFor(() => ids.every((id) => baas.bot(id).connected), 5000, "streams");
    await server.close();
    expect(baas.leaves().map((r) => r.path).sort()).toEqual(ids.map((id) => `/bots/${id}`).sort());
    server = await startTestServer({ MEETING_BAAS_API_URL: baas.url });
  });

  it("answers bad requests precisely", async () => {
    const noKey = await post({ meeting_url: MEET }, {});
    expect(noKey.status).toBe(401);
    expect((await json(noKey)).message).toMatch(/x-meeting-baas-api-key/);
    const badUrl = await post({ meeting_url: "ftp://nowhere" });
    expect(badUrl.status).toBe(400);
    expect((await json(badUrl)).message).toMatch(/meeting_url/);
    const unknownField = await post({ meeting_url: MEET, colour: "blue" });
    expect(unknownField.status).toBe(400);
    expect((await json(unknownField)).message).toMatch(/colour/);
    const badPersona = await post({ meeting_url: MEET, personas: ["../../etc/passwd"] });
    expect(badPersona.status).toBe(400);
    const unsupported = await post({ meeting_url: "https://example.com/room" });
    expect(unsupported.status).toBe(400);
    expect((await json(unsupported)).code).toBe("MEETING_URL_UNSUPPORTED");
    const wrongKey = await post({ meeting_url: MEET }, { "x-meeting-baas-api-key": "wrong" });
    expect(wrongKey.status).toBe(401);
    expect((await json(wrongKey)).message).toMatch(/meetingbaas rejected the bot/);
    expect((await fetch(`${server.url}/bots/nope`, { method: "DELETE" })).status).toBe(404);
    const notJson = await fetch(`${server.url}/bots`, { method: "POST", headers: { "content-type": "application/json" }, body: "{" });
    expect(notJson.status).toBe(400);
  });

  it("closes unknown streams with 1008 and survives malformed frames", async () => {
    const { WebSocket } = await import("ws");
    const stranger = new WebSocket(`${server.url.replace("http", "ws")}/ws/not-a-client`);
    const code = await new Promise<number>((resolve) => stranger.on("close", (c) => resolve(c)));
    expect(code).toBe(1008);

    const { bot_id: botId } = (await json(await post({ meeting_url: MEET, entry_message: "Hi." }))) as { bot_id: string };
    await waitFor(() => baas.bot(botId).connected, 5000, "stream");
    const body = baas.requests[0]?.body as { streaming: { input: string } } | undefined;
    const clientId = String(body?.streaming.input).split("/").pop();
    const rogueClose = async (send: (socket: InstanceType<typeof WebSocket>) => void) => {
      const rogue = new WebSocket(`${server.url.replace("http", "ws")}/ws/${clientId}`);
      await new Promise((resolve) => rogue.on("open", resolve));
      send(rogue);
      return new Promise<number>((resolve) => rogue.on("close", (c) => resolve(c)));
    };
    expect(await rogueClose((rogue) => rogue.send(Buffer.alloc(3), { binary: true }))).toBe(1007);
    expect(await rogueClose((rogue) => rogue.send("{not json"))).toBe(1007);
    expect(await rogueClose((rogue) => rogue.send(Buffer.alloc(200_000), { binary: true }))).toBe(1009);
    const health = await json(await fetch(`${server.url}/health`));
    expect(health.service).toBe("speaking-bots");
  });
});
