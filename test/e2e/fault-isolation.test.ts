/**
 * Fault injection: for each stage of the voice pipeline and each bridge (Pipecat relay, recorder),
 * one bot gets a throwing and then a rejecting fault while two healthy bots are in their meetings.
 * The faulty bot must end `failed` with the reason in `last_error` and leave through the provider;
 * the healthy bots must keep hearing and speaking, and the process must stay up.
 */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Bot } from "../../src/bots/bot.js";
import { MeetingRecorder } from "../../src/bots/engines/meeting-recorder.js";
import { type FaultMode, breakStage, injectFault } from "../../src/bots/testing/fault-injection.js";
import { FakeMeetingBaas } from "../../src/meeting/meetingbaas/testing/fake-meetingbaas.js";
import { PipecatRelay } from "../../src/meeting/pipecat/pipecat-relay.js";
import type { RunningServer } from "../../src/server/start.js";
import { FakeOpenAiServer } from "../../src/services/llm/testing/fake-openai-server.js";
import { loadSpeech } from "../fixtures/load-fixture.js";
import { json, startTestServer, waitFor } from "./helpers.js";
import { PipecatPipelinePeer } from "./stream-peers.js";

const MEET = "https://meet.google.com/abc-defg-hij";
const STAGES = ["audio-input", "voice-activity", "transcription", "user-turn", "response", "speech-synthesis", "audio-output"];
const MODES: FaultMode[] = ["throw", "reject"];

interface Created {
  bot_id: string;
  pipecat_url?: string;
}

interface Fault {
  what: string;
  body: Record<string, unknown>;
  /** Breaks the running bot; may connect what the fault needs to be reached. */
  inject(bot: Bot, created: Created): Promise<void>;
  reason: RegExp;
  /** Someone speaks to the bot until it fails: stages after the recogniser see frames only when something is said. */
  provoke?: boolean;
}

const peers: PipecatPipelinePeer[] = [];

const faults: Fault[] = [
  ...STAGES.flatMap((stage) =>
    MODES.map(
      (mode): Fault => ({
        what: `a ${mode} in stage ${stage}`,
        body: { entry_message: "Hi." },
        inject: async (bot) => breakStage(bot, stage, mode),
        provoke: true,
        reason: new RegExp(`^voice pipeline failed: stage ${stage} failed \\d+ times within 5 s; last error: injected ${mode} in stage ${stage}$`),
      }),
    ),
  ),
  ...MODES.map(
    (mode): Fault => ({
      what: `a ${mode} in the Pipecat relay, meeting to pipeline`,
      body: { pipeline: "pipecat" },
      inject: async (bot) => {
        if (!(bot.engine instanceof PipecatRelay)) throw new Error("not a relay");
        injectFault(bot.engine, "pushAudio", mode);
      },
      reason: new RegExp(`^Pipecat relay failed in pushAudio: injected ${mode} in pushAudio$`),
    }),
  ),
  ...MODES.map(
    (mode): Fault => ({
      what: `a ${mode} in the Pipecat relay, pipeline to meeting`,
      body: { pipeline: "pipecat" },
      inject: async (bot, created) => {
        if (!(bot.engine instanceof PipecatRelay)) throw new Error("not a relay");
        injectFault(bot.engine, "playFromPeer", mode);
        const peer = new PipecatPipelinePeer();
        peers.push(peer);
        await peer.connect(created.pipecat_url ?? "");
        peer.speak();
      },
      reason: new RegExp(`^Pipecat relay failed: injected ${mode} in playFromPeer$`),
    }),
  ),
  ...MODES.map(
    (mode): Fault => ({
      what: `a ${mode} in the recorder`,
      body: { recorder: true },
      inject: async (bot) => {
        if (!(bot.engine instanceof MeetingRecorder)) throw new Error("not a recorder");
        injectFault(bot.engine, "pushAudio", mode);
      },
      reason: new RegExp(`^recorder failed in pushAudio: injected ${mode} in pushAudio$`),
    }),
  ),
];

describe("a fault in one bot fails that bot only", () => {
  let baas: FakeMeetingBaas;
  let llm: FakeOpenAiServer;
  let server: RunningServer;
  let relayBot: Created;
  let voiceBot: Created;
  const relayPeer = new PipecatPipelinePeer();

  const create = async (body: Record<string, unknown>): Promise<Created> => {
    const response = await fetch(`${server.url}/bots`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ meeting_url: MEET, ...body }),
    });
    expect(response.status).toBe(201);
    return (await response.json()) as Created;
  };
  const infoOf = async (botId: string) => (await json(await fetch(`${server.url}/bots/${botId}`))) as { status: string; last_error: string | null };

  async function expectOthersStillTalking(): Promise<void> {
    const relayMeeting = baas.bot(relayBot.bot_id);
    const voiceMeeting = baas.bot(voiceBot.bot_id);
    const heardBefore = relayMeeting.heard().length;
    const peerBefore = relayPeer.heardSamples;
    await waitFor(() => relayMeeting.heard().length > heardBefore + 4800, 15_000, "the relay bot's pipeline voice in its meeting");
    await waitFor(() => relayPeer.heardSamples > peerBefore + 4800, 15_000, "the relay bot's meeting audio at its pipeline");
    expect(voiceMeeting.connected && !voiceMeeting.left).toBe(true);
    for (const bot of [relayBot, voiceBot]) expect(await infoOf(bot.bot_id)).toMatchObject({ status: "in_call", last_error: null });
  }

  beforeAll(async () => {
    baas = new FakeMeetingBaas({ script: { participants: ["Alice"], connectDelayMs: 20 } });
    llm = new FakeOpenAiServer({ replies: [{ text: "It is a quiet evening in Tokyo." }] });
    server = await startTestServer({
      MEETING_BAAS_API_URL: await baas.start(),
      MEETING_BAAS_API_KEY: "test-key",
      LLM_BASE_URL: await llm.start(),
      LLM_MODEL: "scripted",
      DATA_DIR: mkdtempSync(join(tmpdir(), "fault-isolation-")),
    });
    relayBot = await create({ pipeline: "pipecat" });
    voiceBot = await create({ entry_message: "Hello, I am listening." });
    await waitFor(() => [relayBot, voiceBot].every((b) => baas.bot(b.bot_id).connected), 10_000, "the healthy bots' streams");
    await relayPeer.connect(relayBot.pipecat_url ?? "");
    relayPeer.speak();
    await waitFor(async () => (await infoOf(voiceBot.bot_id)).status === "in_call", 10_000, "the voice bot in the call");
    await expectOthersStillTalking();
  }, 60_000);

  afterAll(async () => {
    for (const peer of [relayPeer, ...peers]) peer.close();
    await server?.close();
    await baas?.stop();
    await llm?.stop();
  });

  it.each(faults.map((fault) => [fault.what, fault] as const))("%s", async (_what, fault) => {
    const created = await create(fault.body);
    const id = created.bot_id;
    await waitFor(async () => (await infoOf(id)).status === "in_call", 15_000, "the bot in the call");
    const bot = server.bots.get(id);
    if (!bot) throw new Error("bot not found");
    await fault.inject(bot, created);
    const meeting = baas.bot(id);
    const question = await loadSpeech("time-question");
    const provoking = fault.provoke ? setInterval(() => meeting.say(question), 1500) : undefined;
    const failed = await waitFor(
      async () => {
        const info = await infoOf(id);
        return info.status === "failed" && info;
      },
      15_000,
      "the faulty bot to fail",
    ).finally(() => clearInterval(provoking));
    expect(failed.last_error).toMatch(fault.reason);
    await waitFor(() => baas.leaves().some((r) => r.path === `/bots/${id}`), 5000, "the provider leave call");
    await expectOthersStillTalking();
  }, 60_000);

  it("leaves the healthy voice bot able to hear a question and answer it", async () => {
    const meeting = baas.bot(voiceBot.bot_id);
    await waitFor(() => !server.bots.get(voiceBot.bot_id)?.info().speaking, 15_000, "the entry message to end");
    const before = meeting.heard().length;
    meeting.say(await loadSpeech("time-question"));
    await waitFor(() => llm.requests.length >= 1, 30_000, "the question to reach the LLM");
    await waitFor(() => meeting.heard().length > before + 16000, 30_000, "the spoken answer");
    expect(baas.leaves().filter((r) => r.path.includes(relayBot.bot_id) || r.path.includes(voiceBot.bot_id))).toEqual([]);
    expect(await infoOf(voiceBot.bot_id)).toMatchObject({ status: "in_call", last_error: null });
  }, 60_000);
});
