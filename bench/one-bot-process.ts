/**
 * @module bench/one-bot-process
 * The baseline of the memory comparison: a Node process holding exactly one bot's pipeline (shared
 * VAD model, cloud STT/LLM/TTS clients, all stages started), as a one-process-per-bot design would
 * run it. It prints its resident memory once settled.
 */
import { silentLogger } from "../src/logger.js";
import { BotPipeline } from "../src/pipeline/bot-pipeline.js";
import { OpenAiLanguageModel } from "../src/services/llm/openai-language-model.js";
import { DeepgramSpeechToText } from "../src/services/stt/deepgram-stt.js";
import { CartesiaTextToSpeech } from "../src/services/tts/cartesia-tts.js";
import { SileroVadModel } from "../src/services/vad/silero-model.js";
import { ALL_TOOLS } from "../src/tools/registry.js";
import { DEFAULT_VAD } from "../src/core/vad-defaults.js";

const pipeline = new BotPipeline({
  botId: "one",
  streamSampleRate: 16000,
  persona: { key: "k", name: "Bot", systemPrompt: "Be brief.", entryMessage: undefined, voiceId: undefined, gender: undefined, language: "en-US", image: undefined, chosenBy: "bench" },
  enableTools: true,
  sendAudio: () => {},
  onFatal: (error) => {
    process.stderr.write(`pipeline failed: ${error.message}\n`);
    process.exit(1);
  },
  services: {
    vadModel: await SileroVadModel.load(),
    stt: new DeepgramSpeechToText({ apiKey: "x", baseUrl: "ws://127.0.0.1:9" }),
    llm: new OpenAiLanguageModel({ apiKey: "x", baseUrl: "http://127.0.0.1:9/v1", model: "m" }),
    tts: new CartesiaTextToSpeech({ apiKey: "x", baseUrl: "http://127.0.0.1:9", defaultVoiceId: "a0e99841-438c-4a64-b679-ae501e7d6091" }),
    tools: ALL_TOOLS,
    vadParams: { ...DEFAULT_VAD },
  },
  logger: silentLogger,
  maxContextMessages: 40,
  weatherApiUrl: "http://127.0.0.1:9",
});
await pipeline.start();
for (let i = 0; i < 100; i++) pipeline.pushAudio(new Int16Array(320));
await new Promise((resolve) => setTimeout(resolve, 1500));
global.gc?.();
process.stdout.write(`${JSON.stringify({ rssMb: Math.round((process.memoryUsage().rss / 1e6) * 10) / 10 })}\n`);
process.exit(0);
