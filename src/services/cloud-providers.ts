/**
 * @module services/cloud-providers
 * Creates the cloud speech providers by name, with keys and base URLs from the configuration.
 */
import type { Config } from "../config.js";
import { CartesiaTextToSpeech } from "./tts/cartesia-tts.js";
import { DeepgramSpeechToText } from "./stt/deepgram-stt.js";
import { GladiaSpeechToText } from "./stt/gladia-stt.js";
import type { SpeechToText } from "./stt/speech-to-text.js";
import type { TextToSpeech } from "./tts/text-to-speech.js";

export function createCloudStt(name: "deepgram" | "gladia", config: Config): SpeechToText {
  if (name === "deepgram") return new DeepgramSpeechToText({ apiKey: config.DEEPGRAM_API_KEY ?? "", baseUrl: config.DEEPGRAM_API_URL });
  return new GladiaSpeechToText({ apiKey: config.GLADIA_API_KEY ?? "", baseUrl: config.GLADIA_API_URL });
}

export function createCloudTts(_name: "cartesia", config: Config): TextToSpeech {
  return new CartesiaTextToSpeech({ apiKey: config.CARTESIA_API_KEY ?? "", baseUrl: config.CARTESIA_API_URL, defaultVoiceId: config.CARTESIA_VOICE_ID });
}
