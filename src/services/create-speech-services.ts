/**
 * @module services/create-speech-services
 * Builds the process-wide speech services from the provider plan: the shared VAD model and one
 * instance of each chosen provider, which every bot then uses with its own sessions.
 */
import type { SpeechServices } from "./speech-services.js";
import type { Config } from "../config.js";
import { ALL_TOOLS } from "../tools/registry.js";
import type { LanguageModel } from "./llm/language-model.js";
import { createProviderModel, defaultModelFor } from "./llm/llm-routing.js";
import { LocalGgufLanguageModel } from "./llm/local-gguf-language-model.js";
import { OpenAiLanguageModel } from "./llm/openai-language-model.js";
import { UnavailableLanguageModel } from "./llm/unavailable-language-model.js";
import { type ProviderPlan, planProviders } from "./select-providers.js";
import { PocketSphinxSpeechToText } from "./stt/local/pocketsphinx-stt.js";
import type { SpeechToText, SttSession } from "./stt/speech-to-text.js";
import { LocalTextToSpeech } from "./tts/local/local-tts.js";
import type { TextToSpeech } from "./tts/text-to-speech.js";
import { SileroVadModel } from "./vad/silero-model.js";
import { SileroWorkerPool } from "./vad/silero-worker-pool.js";
import { createCloudStt, createCloudTts } from "./cloud-providers.js";

/** A recogniser that hears nothing, used only when no engine at all is available. */
class DeafSpeechToText implements SpeechToText {
  readonly name = "none";
  readonly sampleRates = [16000];
  async open(): Promise<SttSession> {
    return { write() {}, finalize() {}, close: async () => {} };
  }
}

/** A synthesiser that makes no sound, used only when no engine at all is available. */
class MuteTextToSpeech implements TextToSpeech {
  readonly name = "none";
  synthesize(): AsyncIterable<Int16Array> {
    return { [Symbol.asyncIterator]: () => ({ next: async () => ({ done: true as const, value: undefined }) }) };
  }
}

function createStt(plan: ProviderPlan, config: Config): SpeechToText {
  if (plan.stt.name === "pocketsphinx") return new PocketSphinxSpeechToText({ maxDecoders: config.LOCAL_STT_DECODERS });
  if (plan.stt.name === "none") return new DeafSpeechToText();
  return createCloudStt(plan.stt.name, config);
}

function createLlm(plan: ProviderPlan, config: Config): LanguageModel {
  if (plan.llm.name === "openai-compatible") {
    return new OpenAiLanguageModel({ apiKey: config.LLM_API_KEY ?? config.OPENAI_API_KEY, baseUrl: config.LLM_BASE_URL, model: config.LLM_MODEL });
  }
  if (plan.llm.name === "anthropic" || plan.llm.name === "zai") return createProviderModel(plan.llm.name, defaultModelFor(plan.llm.name, config), config);
  if (plan.llm.name === "local-gguf" && config.LLM_MODEL_PATH) return new LocalGgufLanguageModel(config.LLM_MODEL_PATH);
  return new UnavailableLanguageModel();
}

function createTts(plan: ProviderPlan, config: Config): TextToSpeech {
  if (plan.tts.name === "flite") return new LocalTextToSpeech(config.LOCAL_TTS_VOICE);
  if (plan.tts.name === "none") return new MuteTextToSpeech();
  return createCloudTts(plan.tts.name, config);
}

/** Just the language model of the configured plan (for CLI tools that need no audio). */
export function createSpeechServicesLlm(config: Config): LanguageModel {
  return createLlm(planProviders(config), config);
}

export async function createSpeechServices(plan: ProviderPlan, config: Config): Promise<SpeechServices> {
  return {
    // With VAD_THREADS, scored in worker threads so the main thread only paces the bots' audio.
    vadModel: config.VAD_THREADS ? await SileroWorkerPool.load(undefined, config.VAD_THREADS) : await SileroVadModel.load(),
    stt: createStt(plan, config),
    llm: createLlm(plan, config),
    tts: createTts(plan, config),
    tools: ALL_TOOLS,
    vadParams: {
      threshold: config.VAD_THRESHOLD,
      minSpeechMs: config.VAD_MIN_SPEECH_MS,
      minSilenceMs: config.VAD_MIN_SILENCE_MS,
      minVolume: config.VAD_MIN_VOLUME,
    },
  };
}
