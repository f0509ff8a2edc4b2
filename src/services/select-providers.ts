/**
 * @module services/select-providers
 * Chooses the speech-to-text, LLM and text-to-speech providers from the configuration: an explicit
 * `*_PROVIDER` setting wins; otherwise a cloud provider when its key is set, else the local engine.
 * Every choice comes with the reason, and with what is missing for a better one, for `/health` and
 * the start-up log.
 */
import type { Config } from "../config.js";
import { GGUF_INSTALL_HINT, ggufRuntimeMissing } from "./llm/gguf-runtime.js";
import { pocketSphinxMissing } from "./stt/local/pocketsphinx-library.js";
import { fliteMissing } from "./tts/local/flite-library.js";

/** One provider picked for a job, why, and what would enable a better one. */
export interface ProviderChoice {
  name: string;
  reason: string;
  missing: string[];
}

export type SttName = "deepgram" | "gladia" | "pocketsphinx" | "none";
export type LlmName = "openai-compatible" | "anthropic" | "zai" | "local-gguf" | "none";
export type TtsName = "cartesia" | "flite" | "none";

export interface ProviderPlan {
  stt: ProviderChoice & { name: SttName };
  llm: ProviderChoice & { name: LlmName };
  tts: ProviderChoice & { name: TtsName };
}

function chooseStt(config: Config): ProviderPlan["stt"] {
  const local = pocketSphinxMissing();
  const want = config.STT_PROVIDER;
  if (want === "deepgram" || (want === "auto" && config.DEEPGRAM_API_KEY)) {
    return { name: "deepgram", reason: want === "auto" ? "DEEPGRAM_API_KEY is set" : "STT_PROVIDER=deepgram", missing: config.DEEPGRAM_API_KEY ? [] : ["DEEPGRAM_API_KEY"] };
  }
  if (want === "gladia" || (want === "auto" && config.GLADIA_API_KEY)) {
    return { name: "gladia", reason: want === "auto" ? "GLADIA_API_KEY is set" : "STT_PROVIDER=gladia", missing: config.GLADIA_API_KEY ? [] : ["GLADIA_API_KEY"] };
  }
  if (local) return { name: "none", reason: "no cloud key and the local recogniser is not installed", missing: [local, "DEEPGRAM_API_KEY or GLADIA_API_KEY"] };
  return { name: "pocketsphinx", reason: want === "local" ? "STT_PROVIDER=local" : "no DEEPGRAM_API_KEY or GLADIA_API_KEY: local PocketSphinx", missing: [] };
}

function chooseLlm(config: Config): ProviderPlan["llm"] {
  const want = config.LLM_PROVIDER;
  const remote = config.LLM_BASE_URL ?? (config.OPENAI_API_KEY ? "https://api.openai.com/v1" : undefined);
  if (want === "openai" || (want === "auto" && remote)) {
    const why = config.LLM_BASE_URL ? `LLM_BASE_URL=${config.LLM_BASE_URL}` : "OPENAI_API_KEY is set";
    return { name: "openai-compatible", reason: `${why}, model ${config.LLM_MODEL}`, missing: remote ? [] : ["LLM_BASE_URL or OPENAI_API_KEY"] };
  }
  if (want === "anthropic" || (want === "auto" && config.ANTHROPIC_API_KEY)) {
    const why = want === "auto" ? "ANTHROPIC_API_KEY is set" : "LLM_PROVIDER=anthropic";
    return { name: "anthropic", reason: `${why}, model ${config.ANTHROPIC_MODEL}`, missing: config.ANTHROPIC_API_KEY ? [] : ["ANTHROPIC_API_KEY"] };
  }
  if (want === "zai" || (want === "auto" && config.ZAI_API_KEY)) {
    const why = want === "auto" ? "ZAI_API_KEY is set" : "LLM_PROVIDER=zai";
    return { name: "zai", reason: `${why}, model ${config.ZAI_MODEL}`, missing: config.ZAI_API_KEY ? [] : ["ZAI_API_KEY"] };
  }
  if (want === "local" || (want === "auto" && config.LLM_MODEL_PATH)) {
    return {
      name: "local-gguf",
      reason: `LLM_MODEL_PATH=${config.LLM_MODEL_PATH ?? "(unset)"}: a GGUF model run in-process`,
      missing: [...(config.LLM_MODEL_PATH ? [] : ["LLM_MODEL_PATH"]), ...(ggufRuntimeMissing() ? [GGUF_INSTALL_HINT] : [])],
    };
  }
  return {
    name: "none",
    reason: "no LLM configured: bots say which setting is missing",
    missing: ["LLM_BASE_URL (an OpenAI-compatible server such as Ollama or llama.cpp), OPENAI_API_KEY, ANTHROPIC_API_KEY, ZAI_API_KEY, or LLM_MODEL_PATH (a GGUF file)"],
  };
}

function chooseTts(config: Config): ProviderPlan["tts"] {
  const want = config.TTS_PROVIDER;
  if (want === "cartesia" || (want === "auto" && config.CARTESIA_API_KEY)) {
    return { name: "cartesia", reason: want === "auto" ? "CARTESIA_API_KEY is set" : "TTS_PROVIDER=cartesia", missing: config.CARTESIA_API_KEY ? [] : ["CARTESIA_API_KEY"] };
  }
  const local = fliteMissing();
  if (local) return { name: "none", reason: "no CARTESIA_API_KEY and the local synthesiser is not installed", missing: [local, "CARTESIA_API_KEY"] };
  return { name: "flite", reason: want === "local" ? "TTS_PROVIDER=local" : "no CARTESIA_API_KEY: local flite (espeak-ng for languages other than English)", missing: [] };
}

export function planProviders(config: Config): ProviderPlan {
  return { stt: chooseStt(config), llm: chooseLlm(config), tts: chooseTts(config) };
}
