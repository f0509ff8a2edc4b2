/**
 * Barge-in with real engines: while the bot speaks a long entry message (flite), a person starts
 * talking (real speech through the shared Silero VAD); once the speech has lasted the turn policy's
 * minimum interruption duration, the bot's audio must stop within 40 ms of that decision.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadSpeech } from "../../test/fixtures/load-fixture.js";
import { silentLogger } from "../logger.js";
import { OpenAiLanguageModel } from "../services/llm/openai-language-model.js";
import { FakeOpenAiServer } from "../services/llm/testing/fake-openai-server.js";
import { pocketSphinxMissing } from "../services/stt/local/pocketsphinx-library.js";
import { PocketSphinxSpeechToText } from "../services/stt/local/pocketsphinx-stt.js";
import { fliteMissing } from "../services/tts/local/flite-library.js";
import { FliteTextToSpeech } from "../services/tts/local/flite-tts.js";
import { SileroVadModel } from "../services/vad/silero-model.js";
import { BotPipeline } from "./bot-pipeline.js";
import { DEFAULT_VAD } from "../core/vad-defaults.js";

const LONG_ENTRY =
  "Good morning everyone and welcome to the weekly planning meeting. Today we will go through the roadmap, the open questions from last week, and the hiring plan for the next quarter. Please hold your questions until the end.";

describe.skipIf(pocketSphinxMissing() || fliteMissing())("barge-in with the local engines", () => {
  let llm: FakeOpenAiServer;
  beforeAll(async () => {
    llm = new FakeOpenAiServer({ replies: [{ text: "Sure, go ahead." }] });
    await llm.start();
  });
  afterAll(() => llm.stop());

  it("stops the bot's audio within 40 ms of deciding that speech over it is an interruption", async () => {
    const sent: number[] = [];
    const fatal: Error[] = [];
    const pipeline = new BotPipeline({
      botId: "b",
      streamSampleRate: 16000,
      persona: { key: "k", name: "Host", systemPrompt: "Be brief.", entryMessage: LONG_ENTRY, voiceId: undefined, gender: "male", language: "en-US", image: undefined, chosenBy: "test" },
      enableTools: false,
      sendAudio: () => sent.push(performance.now()),
      onFatal: (error) => fatal.push(error),
      services: {
        vadModel: await SileroVadModel.load(),
        stt: new PocketSphinxSpeechToText(),
        llm: new OpenAiLanguageModel({ apiKey: undefined, baseUrl: llm.baseUrl, model: "m" }),
        tts: new FliteTextToSpeech({ defaultVoice: "awb" }),
        tools: [],
        vadParams: { ...DEFAULT_VAD },
      },
      logger: silentLogger,
      maxContextMessages: 20,
      weatherApiUrl: "http://127.0.0.1:9",
    });
    await pipeline.start();
    pipeline.admitted();
    const silence = new Int16Array(320);
    while (sent.length < 50) {
      pipeline.pushAudio(silence);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    expect(pipeline.isSpeaking()).toBe(true);
    const speech = await loadSpeech("interruption");
    for (let i = 0; i < speech.length && pipeline.bargeIn.lastInterruptionAt === undefined; i += 320) {
      pipeline.pushAudio(speech.subarray(i, i + 320));
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    const detectedAt = pipeline.bargeIn.lastInterruptionAt;
    expect(detectedAt).toBeDefined();
    // Half a second of speech (the default minimum) goes by before the bot gives way.
    expect((detectedAt ?? 0) - (pipeline.vad.lastSpeechStartAt ?? 0)).toBeGreaterThanOrEqual(250 - 5);
    await new Promise((resolve) => setTimeout(resolve, 300));
    const afterDetection = sent.filter((t) => t > (detectedAt ?? 0));
    expect(afterDetection.every((t) => t - (detectedAt ?? 0) <= 40)).toBe(true);
    expect(afterDetection.length).toBeLessThanOrEqual(1);
    expect(pipeline.isSpeaking()).toBe(false);
    expect(fatal).toEqual([]);
    await pipeline.stop();
  }, 30_000);
});
