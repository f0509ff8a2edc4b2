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
