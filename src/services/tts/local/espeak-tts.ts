/**
 * @module services/tts/local/espeak-tts
 * Offline text-to-speech with espeak-ng for the languages flite cannot speak (it covers over a
 * hundred): a process per sentence writing a 22.05 kHz WAV to stdout, resampled to the meeting's
 * rate. Less natural than flite in English, so it is used only for other languages.
 */
import { execFile } from "node:child_process";
import { pieces } from "../../../audio/pcm.js";
import { resampleClip } from "../../../audio/resampler.js";
import { espeakWordsPerMinute } from "../speech-speed.js";
import type { SynthesisOptions, TextToSpeech } from "../text-to-speech.js";
import { parseWav } from "./flite-library.js";

const CHUNK_MS = 100;

/** espeak-ng voice names are language codes ("es", "fr", "pt-br"…). */
export function espeakVoiceFor(language: string): string {
  return language.toLowerCase();
}

export class EspeakTextToSpeech implements TextToSpeech {
  readonly name = "espeak-ng";

  async *synthesize(text: string, options: SynthesisOptions & { context: string }): AsyncIterable<Int16Array> {
    const wav = await new Promise<Buffer>((resolve, reject) => {
      const rate = options.speed !== undefined && options.speed !== 1 ? ["-s", String(espeakWordsPerMinute(options.speed))] : [];
      execFile("espeak-ng", ["--stdout", ...rate, "-v", espeakVoiceFor(options.language), "--", text], { encoding: "buffer", timeout: 30_000, signal: options.signal }, (error, stdout) =>
        error ? reject(error) : resolve(stdout),
      );
    }).catch((error: unknown) => {
      if (options.signal.aborted) return undefined;
      throw error;
    });
    if (!wav || options.signal.aborted) return;
    const { pcm, sampleRate } = parseWav(wav);
    const audio = await resampleClip(pcm, sampleRate, options.sampleRate);
    for (const piece of pieces(audio, (options.sampleRate * CHUNK_MS) / 1000)) {
      if (options.signal.aborted) return;
      yield piece;
    }
  }
}
