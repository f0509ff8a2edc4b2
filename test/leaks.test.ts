/**
 * One cleanup path: 500 engines of each kind (cloud voice pipeline, local voice pipeline, Pipecat
 * relay, recorder) are started, fed audio, greeted and stopped, 50 at a time; afterwards nothing of
 * theirs may be left: no timer, socket or handle beyond what the process had before, no registry
 * entry, no loaded decoder, and no resampler destroyed twice. 500 built-in room bots go through the
 * whole server (POST /bots, their stream dialled into the room, DELETE /bots/{id}), so the bot
 * manager's and room hub's maps are checked too, and that no room bot dials its stream again.
 * `getActiveResourcesInfo` lists only handles that keep the process alive: an unref'd timer is not
 * among them, which is why re-dials are counted separately.
 */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { VoicePipeline } from "../src/core/bot-contracts.js";
import type { SpeechServices } from "../src/services/speech-services.js";
import { botRequestSchema } from "../src/bots/bot-request.js";
import { createEngineFactory } from "../src/bots/engines/create-engine.js";
import { loadConfig, testConfig } from "../src/config.js";
import { silentLogger } from "../src/logger.js";
import { PipecatRelayRegistry } from "../src/meeting/pipecat/pipecat-relay-registry.js";
import { type RunningServer, startServer } from "../src/server/start.js";
import { OpenAiLanguageModel } from "../src/services/llm/openai-language-model.js";
import { FakeOpenAiServer } from "../src/services/llm/testing/fake-openai-server.js";
import { DeepgramSpeechToText } from "../src/services/stt/deepgram-stt.js";
import { pocketSphinxMissing } from "../src/services/stt/local/pocketsphinx-library.js";
import { PocketSphinxSpeechToText } from "../src/services/stt/local/pocketsphinx-stt.js";
import { FakeDeepgramServer } from "../src/services/stt/testing/fake-deepgram-server.js";
import { CartesiaTextToSpeech } from "../src/services/tts/cartesia-tts.js";
import { FakeCartesiaServer } from "../src/services/tts/testing/fake-cartesia-server.js";
import { SileroVadModel } from "../src/services/vad/silero-model.js";
import { activeResources, grownAfter, grownSince, settle } from "./fixtures/active-resources.js";
import { loadSpeech } from "./fixtures/load-fixture.js";
import { DEFAULT_VAD } from "../src/core/vad-defaults.js";

const ENGINES_PER_KIND = 500;
const BATCH = 50;

describe("every engine cleans up after itself", () => {
  const llm = new FakeOpenAiServer({ replies: [{ text: "Hello everyone." }] });
  const deepgram = new FakeDeepgramServer({ transcripts: ["hello"] });
  const cartesia = new FakeCartesiaServer();
  const warnings: string[] = [];
  const originalWarn = console.warn;
  const originalError = console.error;
  let vadModel: SileroVadModel;
  let speech: Pick<SpeechServices, "vadModel" | "llm" | "tools" | "vadParams">;
  let question: Int16Array;

  beforeAll(async () => {
    await Promise.all([llm.start(), deepgram.start(), cartesia.start()]);
    vadModel = await SileroVadModel.load();
    speech = {
      vadModel,
      llm: new OpenAiLanguageModel({ apiKey: "sk-test", baseUrl: llm.baseUrl, model: "m" }),
      tools: [],
      vadParams: { ...DEFAULT_VAD },
    };
    question = (await loadSpeech("time-question")).subarray(0, 16000);
    const capture = (...args: unknown[]) => warnings.push(args.map(String).join(" "));
    console.warn = capture;
    console.error = capture;
  });

  afterAll(async () => {
    console.warn = originalWarn;
    console.error = originalError;
    await Promise.all([llm.stop(), deepgram.stop(), cartesia.stop()]);
  });

  function cloudServices(): SpeechServices {
    return {
      ...speech,
      stt: new DeepgramSpeechToText({ apiKey: "dg-key", baseUrl: deepgram.url }),
      tts: new CartesiaTextToSpeech({ apiKey: "ca-key", baseUrl: cartesia.url, defaultVoiceId: "a0e99841-438c-4a64-b679-ae501e7d6091" }),
    };
  }

  async function cycle(services: SpeechServices, request: Record<string, unknown>, relays = new PipecatRelayRegistry()): Promise<void> {
    const create = createEngineFactory({ config: testConfig({ DATA_DIR: mkdtempSync(join(tmpdir(), "leaks-")) }), speech: services, logger: silentLogger, pipecatRelays: relays });
    const parsed = botRequestSchema.parse({ meeting_url: "https://meet.google.com/abc-defg-hij", ...request });
    const fatal: Error[] = [];
    for (let done = 0; done < ENGINES_PER_KIND; done += BATCH) {
      const engines: VoicePipeline[] = Array.from({ length: BATCH }, (_, i) =>
        create(
          {
            botId: `bot-${done + i}`,
            streamSampleRate: i % 2 ? 24000 : 16000,
            persona: { key: "k", name: "Bot", systemPrompt: "Be brief.", entryMessage: undefined, voiceId: undefined, gender: undefined, language: "en-US", image: undefined, chosenBy: "test" },
            enableTools: false,
            sendAudio: () => undefined,
            onFatal: (error) => fatal.push(error),
          },
          parsed,
        ),
      );
      await Promise.all(engines.map((engine) => engine.start()));
      for (const engine of engines) {
        engine.admitted();
        for (let at = 0; at < question.length; at += 1600) engine.pushAudio(question.subarray(at, at + 1600));
      }
      await Promise.all(engines.map((engine) => engine.stop()));
    }
    expect(fatal).toEqual([]);
    expect(relays.size).toBe(0);
  }

  it(`leaves nothing behind after ${ENGINES_PER_KIND} cloud voice pipelines, Pipecat relays and recorders`, async () => {
    const cloud = cloudServices();
    await settle();
    const baseline = activeResources();
    await cycle(cloud, {});
    await cycle(cloud, { pipeline: "pipecat" });
    await cycle(cloud, { recorder: true });
    await settle();
    expect(grownSince(baseline)).toEqual({});
    expect(warnings.filter((w) => /destroy\(\) has already been called/.test(w))).toEqual([]);
  }, 240_000);

  it.skipIf(pocketSphinxMissing())(`leaves no decoder loaded after ${ENGINES_PER_KIND} local voice pipelines`, async () => {
    const stt = new PocketSphinxSpeechToText();
    const local: SpeechServices = {
      ...speech,
      stt,
      tts: new CartesiaTextToSpeech({ apiKey: "ca-key", baseUrl: cartesia.url, defaultVoiceId: "a0e99841-438c-4a64-b679-ae501e7d6091" }),
    };
    await settle();
    const baseline = activeResources();
    await cycle(local, {});
    await settle();
    expect(stt.stats()).toMatchObject({ alive: 0, idle: 0, waiting: 0 });
    expect(grownSince(baseline)).toEqual({});
    expect(warnings.filter((w) => /destroy\(\) has already been called/.test(w))).toEqual([]);
  }, 240_000);

  it(`leaves nothing behind after ${ENGINES_PER_KIND} built-in room bots, launched and removed through the server`, async () => {
    const dir = mkdtempSync(join(tmpdir(), "leaks-rooms-"));
    const config = loadConfig({
      PORT: "0",
      HOST: "127.0.0.1",
      LOG_LEVEL: "silent",
      DATA_DIR: dir,
      BOT_REGISTRY_FILE: join(dir, "bots.sqlite"),
      RATE_LIMIT_BOTS_PER_MINUTE: "0",
      MAX_BOTS: String(BATCH),
      MAX_BOTS_PER_TENANT: String(BATCH),
    });
    const server = await startServer(config, { logger: silentLogger, speech: cloudServices() });
    try {
      const links = await Promise.all(["leak-a", "leak-b", "leak-c", "leak-d", "leak-e"].map((room) => openRoom(server, room)));
      // One batch first, so what the server creates once (client pools, the mixer) is in the baseline.
      await roomBots(server, links, BATCH);
      await settle();
      const baseline = activeResources();
      // A room bot's stream re-dials on its own pause timer, which does not keep the process alive
      // and so is not among the active resources: a stream left open shows as a dial after leaving.
      let dials = 0;
      server.app.server.on("upgrade", () => {
        dials += 1;
      });
      await roomBots(server, links, ENGINES_PER_KIND);
      const dialsWhenAllLeft = dials;
      await new Promise((resolve) => setTimeout(resolve, 3000));
      expect(dials - dialsWhenAllLeft).toBe(0);
      expect(server.bots.activeCount).toBe(0);
      expect(server.bots.held).toEqual({ clientIds: 0, apiKeys: 0, setups: 0, releasing: 0, memberships: 0, groups: 0 });
      expect(server.rooms.held).toEqual({ rooms: 0, bots: 0, callbacks: 0, emptyRoomTimers: 0, clockRunning: false });
      expect(await grownAfter(baseline, 20_000)).toEqual({});
      expect(warnings.filter((w) => /destroy\(\) has already been called/.test(w))).toEqual([]);
    } finally {
      await server.close();
    }
  }, 300_000);
});

/** Opens a built-in room as its page does; returns its link, with its token. */
async function openRoom(server: RunningServer, room: string): Promise<string> {
  const response = await server.app.inject({ method: "POST", url: "/meet/rooms", payload: { room } });
  expect(response.statusCode).toBe(201);
  return (response.json() as { link: string }).link;
}

/** Launches room bots through the API in batches, waits until each is in its call, then removes each. */
async function roomBots(server: RunningServer, links: string[], count: number): Promise<void> {
  for (let done = 0; done < count; done += BATCH) {
    const ids = await Promise.all(
      Array.from({ length: BATCH }, async (_, i) => {
        const payload = { meeting_url: links[i % links.length], personas: ["interviewer"], entry_message: "Hello.", streaming_audio_frequency: i % 2 ? "24khz" : "16khz" };
        const response = await server.app.inject({ method: "POST", url: "/bots", payload });
        expect(response.statusCode, response.body).toBe(201);
        return (response.json() as { bot_id: string }).bot_id;
      }),
    );
    await until(() => ids.every((id) => server.bots.get(id)?.status === "in_call"), "every bot of the batch in its room");
    await Promise.all(ids.map(async (id) => expect((await server.app.inject({ method: "DELETE", url: `/bots/${id}` })).statusCode).toBeLessThan(300)));
    await until(() => ids.every((id) => server.bots.get(id)?.isFinal), "every bot of the batch to have left");
  }
}

/** Waits for a condition; the bound is generous, for a machine under load. */
async function until(condition: () => boolean | undefined, what: string, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
