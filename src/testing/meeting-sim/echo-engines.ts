/**
 * @module testing/meeting-sim/echo-engines
 * Engines for the echo simulation: a voice that speaks recorded human speech (so the bot's echo is
 * real speech to the VAD, as a synthesised voice is), and a recogniser that hears nothing, so an
 * interruption can only come from the VAD timing what it takes for speech.
 */
import type { SpeechToText, SttSession } from "../../services/stt/speech-to-text.js";
import type { SynthesisOptions, TextToSpeech } from "../../services/tts/text-to-speech.js";
import { SIM_DELAYS, pause } from "./sim-engines.js";

export class RecordedVoice implements TextToSpeech {
  readonly name = "recorded";

  /** @param clip speech at the rate the bot asks for */
  constructor(private readonly clip: Int16Array) {}

  async *synthesize(_text: string, options: SynthesisOptions & { context: string }): AsyncIterable<Int16Array> {
    if (!(await pause(SIM_DELAYS.ttsFirstAudioMs, options.signal))) return;
    const chunk = options.sampleRate / 10;
    for (let offset = 0; offset < this.clip.length && !options.signal.aborted; offset += chunk) yield this.clip.subarray(offset, offset + chunk);
  }
}

export class DeafSpeechToText implements SpeechToText {
  readonly name = "deaf";
  readonly sampleRates = [16000] as const;

  async open(): Promise<SttSession> {
    return { write: () => undefined, finalize: () => undefined, close: async () => undefined };
  }
}
