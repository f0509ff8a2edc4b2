/**
 * Three bots in MeetingBaas meetings; one of them is attacked on both of its WebSockets (/pipecat
 * and /ws) with broken frames, guessed secrets, a second pipeline and floods. Every hostile
 * connection must end with a clear close code, the process must stay up, memory must not grow,
 * and the two other bots must keep hearing and speaking throughout.
 */
import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type WebSocket from "ws";
import { FakeMeetingBaas } from "../../src/meeting/meetingbaas/testing/fake-meetingbaas.js";
import { emptyPipecatFrame, pipecatAudioFrame, toneBytes } from "../../src/meeting/pipecat/testing/pipecat-frames.js";
import type { RunningServer } from "../../src/server/start.js";
import { FakeOpenAiServer } from "../../src/services/llm/testing/fake-openai-server.js";
import { loadSpeech } from "../fixtures/load-fixture.js";
import { json, startTestServer, waitFor } from "./helpers.js";
import { PipecatPipelinePeer, closeOf, flood } from "./stream-peers.js";

const MEET = "https://meet.google.com/abc-defg-hij";

interface Created {
  bot_id: string;
  pipecat_url?: string;
}

describe("hostile frames on one bot's streams", () => {
  let baas: FakeMeetingBaas;
  let llm: FakeOpenAiServer;
  let server: RunningServer;
  let wsBase: string;
  let victim: Created;
  let relayBot: Created;
  let voiceBot: Created;
  const relayPeer = new PipecatPipelinePeer();

  const create = async (body: Record<string, unknown>): Promise<Created> => {
    const response = await fetch(`${server.url}/bots`, {
      method: "POST",
      headers: { "content-type": "application/json", "x-meeting-baas-api-key": "test-key" },
      body: JSON.stringify({ meeting_url: MEET, ...body }),
    });
    expect(response.status).toBe(201);
    return (await response.json()) as Created;
  };
  const streamUrl = (botId: string) => `${wsBase}/ws/${server.bots.get(botId)?.settings.clientId}`;
  const statusOf = async (botId: string) => (await json(await fetch(`${server.url}/bots/${botId}`))) as { status: string; last_error: string | null };

  /** Both healthy bots make progress: the relay carries audio both ways and the voice bot still hears. */
  async function expectOthersStillTalking(): Promise<void> {
    const relayMeeting = baas.bot(relayBot.bot_id);
    const heardBefore = relayMeeting.heard().length;
    const peerBefore = relayPeer.heardSamples;
    await waitFor(() => relayMeeting.heard().length > heardBefore + 8000, 15_000, "the relay bot's pipeline voice in its meeting");
    await waitFor(() => relayPeer.heardSamples > peerBefore + 8000, 15_000, "the relay bot's meeting audio at its pipeline");
    for (const bot of [relayBot, voiceBot]) expect(await statusOf(bot.bot_id)).toMatchObject({ status: "in_call", last_error: null });
    expect(baas.leaves().filter((r) => r.path.includes(relayBot.bot_id) || r.path.includes(voiceBot.bot_id))).toEqual([]);
  }

  beforeAll(async () => {
    baas = new FakeMeetingBaas({ script: { participants: ["Alice"], connectDelayMs: 20 } });
    llm = new FakeOpenAiServer({ replies: [{ text: "It is a quiet evening in Tokyo." }] });
    server = await startTestServer({
      MEETING_BAAS_API_URL: await baas.start(),
      MEETING_BAAS_API_KEY: "test-key",
      LLM_BASE_URL: await llm.start(),
      LLM_MODEL: "scripted",
      BOT_RECONNECT_GRACE_MS: "120000",
    });
    wsBase = server.url.replace("http", "ws");
    victim = await create({ pipeline: "pipecat" });
    relayBot = await create({ pipeline: "pipecat" });
    voiceBot = await create({ entry_message: "Hello, I am listening." });
    await waitFor(() => [victim, relayBot, voiceBot].every((b) => baas.bot(b.bot_id).connected), 10_000, "three meeting streams");
    await waitFor(async () => (await statusOf(voiceBot.bot_id)).status === "in_call", 10_000, "the voice bot in the call");
    await relayPeer.connect(relayBot.pipecat_url ?? "");
    relayPeer.speak();
    await expectOthersStillTalking();
  }, 60_000);

  afterAll(async () => {
    relayPeer.close();
    await server?.close();
    await baas?.stop();
    await llm?.stop();
  });

  it("refuses guessed secrets and a second pipeline on /pipecat with 1008", async () => {
    for (const guess of [victim.bot_id, server.bots.get(victim.bot_id)?.settings.clientId, randomBytes(32).toString("base64url"), "x".repeat(43), "../ws/x"]) {
      expect((await closeOf(`${wsBase}/pipecat/${guess}`, () => undefined)).code).toBe(1008);
    }
    const first = new PipecatPipelinePeer();
    await first.connect(victim.pipecat_url ?? "");
    expect(await closeOf(victim.pipecat_url ?? "", () => undefined)).toEqual({ code: 1008, reason: "another Pipecat pipeline is already connected to this bot" });
    expect(first.isOpen).toBe(true);
    first.close();
    await waitFor(() => !first.isOpen, 5000, "the first pipeline to leave");
  });

  it("closes every broken /pipecat frame's connection with its code, and the victim still relays a proper pipeline", async () => {
    const url = victim.pipecat_url ?? "";
    const audio = toneBytes(0.02, 16000);
    const cases: [string, (socket: WebSocket) => void, number][] = [
      ["sample rate 0", (s) => s.send(pipecatAudioFrame({ audio, sampleRate: 0 })), 1007],
      ["sample rate 1", (s) => s.send(pipecatAudioFrame({ audio, sampleRate: 1 })), 1007],
      ["a huge sample rate", (s) => s.send(pipecatAudioFrame({ audio, sampleRate: 4_294_967_295 })), 1007],
      ["an odd length", (s) => s.send(pipecatAudioFrame({ audio: new Uint8Array(641), sampleRate: 16000 })), 1007],
      ["seven channels", (s) => s.send(pipecatAudioFrame({ audio: new Uint8Array(140), sampleRate: 16000, numChannels: 7 })), 1007],
      ["garbage protobuf", (s) => s.send(Uint8Array.from([0x12, 0xff, 0xff, 0xff, 0x0f, 0x01])), 1007],
      ["random bytes", (s) => s.send(randomBytes(300)), 1007],
      ["a frame of no kind", (s) => s.send(emptyPipecatFrame()), 1007],
      ["a text frame", (s) => s.send("{}"), 1003],
      ["a frame over the size limit", (s) => s.send(pipecatAudioFrame({ audio: new Uint8Array(100_000), sampleRate: 48000 })), 1009],
    ];
    for (const [what, send, code] of cases) {
      const closed = await closeOf(url, send);
      expect({ what, code: closed.code }).toEqual({ what, code });
      // ws itself closes an oversized message, without a reason; every other close says why.
      if (code !== 1009) expect({ what, reason: closed.reason }).toEqual({ what, reason: expect.stringMatching(/\w/) });
    }
    const proper = new PipecatPipelinePeer();
    await proper.connect(url);
    proper.speak(24000);
    const meeting = baas.bot(victim.bot_id);
    const before = meeting.heard().length;
    await waitFor(() => meeting.heard().length > before + 8000, 15_000, "the victim's proper pipeline heard in its meeting");
    proper.close();
    await waitFor(() => !proper.isOpen, 5000, "the proper pipeline to leave");
    await expectOthersStillTalking();
  });

  it("closes a /pipecat flood with 1008", async () => {
    const frame = pipecatAudioFrame({ audio: toneBytes(1, 16000), sampleRate: 16000 });
    const result = await flood(victim.pipecat_url ?? "", frame, 1, 2000);
    expect(result.closeCodes[0]).toBe(1008);
    expect(new Set(result.closeCodes)).toEqual(new Set([1008]));
    await expectOthersStillTalking();
  });

  it("closes every broken /ws frame's connection with its code", async () => {
    const url = streamUrl(victim.bot_id);
    const cases: [string, (socket: WebSocket) => void, number][] = [
      ["an odd length", (s) => s.send(Buffer.alloc(641)), 1007],
      ["an empty binary frame", (s) => s.send(Buffer.alloc(0)), 1007],
      ["text that is not JSON", (s) => s.send("{not json"), 1007],
      ["a roster of the wrong shape", (s) => s.send(JSON.stringify([{ name: 5, isSpeaking: "yes" }])), 1007],
      ["a handshake at 1 Hz", (s) => s.send(JSON.stringify({ protocol_version: 1, sample_rate: 1 })), 1007],
      ["a handshake at a huge rate", (s) => s.send(JSON.stringify({ protocol_version: 1, sample_rate: 1e12 })), 1007],
      ["a frame over the size limit", (s) => s.send(Buffer.alloc(200_000)), 1009],
    ];
    for (const [what, send, code] of cases) {
      const closed = await closeOf(url, send);
      expect({ what, code: closed.code }).toEqual({ what, code });
    }
    expect((await closeOf(`${wsBase}/ws/${randomBytes(18).toString("base64url")}`, () => undefined)).code).toBe(1008);
    await expectOthersStillTalking();
  });

  it("closes a 10 s flood at ~1000x real time on a voice bot's /ws with 1008, without growing memory", async () => {
    const target = await create({ entry_message: "Hi." });
    await waitFor(() => baas.bot(target.bot_id).connected, 10_000, "the flood target's stream");
    const rssBefore = process.memoryUsage().rss;
    // One second of 16 kHz speech-like noise per frame.
    const frame = Buffer.from(Int16Array.from({ length: 16000 }, () => Math.round((Math.random() - 0.5) * 20000)).buffer);
    const result = await flood(streamUrl(target.bot_id), frame, 1, 10_000);
    const speed = result.audioSeconds / result.wallSeconds;
    expect(speed).toBeGreaterThan(20);
    expect(new Set(result.closeCodes)).toEqual(new Set([1008]));
    await new Promise((resolve) => setTimeout(resolve, 2000));
    const grownMb = (process.memoryUsage().rss - rssBefore) / 1e6;
    expect(grownMb).toBeLessThan(150);
    expect((await fetch(`${server.url}/health`)).status).toBe(200);
    await expectOthersStillTalking();
  }, 60_000);

  it("leaves the voice bot able to hear a question and answer it", async () => {
    const meeting = baas.bot(voiceBot.bot_id);
    await waitFor(() => !server.bots.get(voiceBot.bot_id)?.info().speaking, 15_000, "the entry message to end");
    const before = meeting.heard().length;
    meeting.say(await loadSpeech("time-question"));
    await waitFor(() => llm.requests.length >= 1, 30_000, "the question to reach the LLM");
    await waitFor(() => meeting.heard().length > before + 16000, 30_000, "the spoken answer");
    expect(await statusOf(voiceBot.bot_id)).toMatchObject({ status: "in_call", last_error: null });
  }, 60_000);
});
