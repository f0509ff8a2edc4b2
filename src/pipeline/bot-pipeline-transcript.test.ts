/**
 * One bot's transcript and voice state with the real local engines (Silero VAD, PocketSphinx,
 * flite) and an OpenAI-compatible fake: a person asks a question after the bot's greeting; each
 * line must be reported exactly once (interims then their final), the reply with its latency, and
 * the voice state must follow listening → speaking → listening → thinking → speaking → listening.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadSpeech } from "../../test/fixtures/load-fixture.js";
import type { TranscriptLine, VoiceState } from "../core/bot-contracts.js";
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

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe.skipIf(pocketSphinxMissing() || fliteMissing())("a bot's transcript with the local engines", () => {
  let llm: FakeOpenAiServer;
  beforeAll(async () => {
    llm = new FakeOpenAiServer({ replies: [{ text: "It is nine in the evening in Tokyo." }] });
    await llm.start();
  });
  afterAll(() => llm.stop());

  it("reports each line once, the reply with its latency, and each change of state", async () => {
    const lines: TranscriptLine[] = [];
    const states: VoiceState[] = [];
    const fatal: Error[] = [];
    const pipeline = new BotPipeline({
      botId: "b",
      streamSampleRate: 16000,
      persona: { key: "k", name: "Guide", systemPrompt: "Be brief.", entryMessage: "Hello, I am the guide.", voiceId: undefined, gender: "male", language: "en-US", image: undefined, chosenBy: "test" },
      enableTools: false,
      sendAudio: () => undefined,
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
    pipeline.onTranscript((line) => lines.push(line));
    pipeline.onVoiceState((state) => states.push(state));
    await pipeline.start();
    pipeline.admitted();
    const silence = new Int16Array(320);
    // The meeting's audio goes on in real time while the greeting plays, then the question comes.
    for (let i = 0; i < 300 && !(states.at(-1) === "listening" && states.includes("speaking")); i++) {
      pipeline.pushAudio(silence);
      await sleep(20);
    }
    const question = await loadSpeech("time-question");
    const audio = new Int16Array(question.length + 16000 * 2);
    audio.set(question);
    for (let i = 0; i < audio.length; i += 320) {
      pipeline.pushAudio(audio.subarray(i, i + 320));
      await sleep(20);
    }
    for (let i = 0; i < 1000 && lines.filter((l) => l.role === "said").length < 2; i++) {
      pipeline.pushAudio(silence);
      await sleep(20);
    }
    await pipeline.stop();

    const said = lines.filter((l) => l.role === "said");
    expect(said.map((l) => l.text)).toEqual(["Hello, I am the guide.", "It is nine in the evening in Tokyo."]);
    expect(said[0]?.latencyMs).toBeUndefined();
    expect(said[1]?.latencyMs).toBeGreaterThan(0);
    const heard = lines.filter((l) => l.role === "heard");
    expect(heard.filter((l) => l.final)).toHaveLength(1);
    expect(heard.at(-1)?.final).toBe(true);
    // Interims grow; none is reported twice in a row (the same frame seen at two stages).
    for (let i = 1; i < heard.length; i++) expect(heard[i]).not.toEqual(heard[i - 1]);
    expect(states).toEqual(["listening", "speaking", "listening", "thinking", "speaking", "listening"]);
    expect(fatal).toEqual([]);
  }, 60_000);
});
