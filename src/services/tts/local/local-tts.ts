/**
 * @module services/tts/local/local-tts
 * The embedded synthesiser: flite for English, espeak-ng for every other language, when installed.
 */
import { execFileSync } from "node:child_process";
import type { SynthesisOptions, TextToSpeech } from "../text-to-speech.js";
import { EspeakTextToSpeech } from "./espeak-tts.js";
import type { FliteVoice } from "./flite-library.js";
import { FliteTextToSpeech } from "./flite-tts.js";

export function espeakMissing(): string | undefined {
  try {
    execFileSync("espeak-ng", ["--version"], { stdio: "pipe", timeout: 5000 });
    return undefined;
  } catch {
    return "espeak-ng (apt-get install espeak-ng) for languages other than English";
  }
}

export class LocalTextToSpeech implements TextToSpeech {
  readonly name = "flite+espeak-ng";
  private readonly english: FliteTextToSpeech;
  private readonly other: EspeakTextToSpeech | undefined;

  constructor(defaultVoice: FliteVoice) {
    this.english = new FliteTextToSpeech({ defaultVoice });
    this.other = espeakMissing() ? undefined : new EspeakTextToSpeech();
  }

  synthesize(text: string, options: SynthesisOptions & { context: string }): AsyncIterable<Int16Array> {
    const english = options.language.toLowerCase().startsWith("en");
    return english || !this.other ? this.english.synthesize(text, options) : this.other.synthesize(text, options);
  }
}
