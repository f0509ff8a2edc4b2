/**
 * @module services/speech-services
 * The speech engines a process loads once and every bot shares.
 */
import type { Tool } from "../tools/tool.js";
import type { LanguageModel } from "./llm/language-model.js";
import type { SpeechToText } from "./stt/speech-to-text.js";
import type { TextToSpeech } from "./tts/text-to-speech.js";
import type { VadParams, VoiceActivityModel } from "./vad/voice-activity.js";

/** Loaded once per process and shared by every bot. */
export interface SpeechServices {
  vadModel: VoiceActivityModel;
  stt: SpeechToText;
  llm: LanguageModel;
  tts: TextToSpeech;
  tools: Tool[];
  vadParams: VadParams;
}

/**
 * What one bot's request changes in the shared services, each optional: the bot keeps the shared
 * instance for everything it does not override, so no per-bot copy of the services is made.
 */
export interface BotServiceOverrides {
  llm?: LanguageModel;
  /** Tools added to the built-in ones (a bot's MCP tools). */
  tools?: Tool[];
  /** Appended to the system prompt while these tools are live (how to use them). */
  toolInstructions?: string;
  vadParams?: VadParams;
  /** Speaking speed multiplier. */
  speechSpeed?: number;
}
