/**
 * @module services/stt/local/pocketsphinx-stt
 * Offline speech-to-text with PocketSphinx (US English). One decoder per session; audio is decoded
 * in the background as it arrives, interim hypotheses are reported about twice a second, and
 * `finalize()` ends the utterance and reports the final text. Accuracy is demo-grade (about one word
 * in three wrong on real read speech), so cloud recognisers are preferred when a key is set.
 */
import { ProviderError, errorMessage } from "../../../errors.js";
import type { SpeechToText, SttSession, SttSessionHandlers, SttSessionOptions } from "../speech-to-text.js";
import { loadPocketSphinx, type PocketSphinxApi } from "./pocketsphinx-library.js";
import { pronounce } from "./pronounce.js";

const INTERIM_EVERY_SAMPLES = 8000;

class PocketSphinxSession implements SttSession {
  private chain: Promise<void> = Promise.resolve();
  private inUtterance = false;
  private sinceInterim = 0;
  private closed = false;

  constructor(
    private readonly api: PocketSphinxApi,
    private readonly decoder: unknown,
    private readonly handlers: SttSessionHandlers,
  ) {}

  write(audio: Int16Array): void {
    if (this.closed) return;
    const copy = audio.slice();
    this.enqueue(async () => {
      if (!this.inUtterance) {
        this.api.startUtterance(this.decoder);
        this.inUtterance = true;
      }
      await this.api.process(this.decoder, copy);
      this.sinceInterim += copy.length;
      if (this.sinceInterim >= INTERIM_EVERY_SAMPLES) {
        this.sinceInterim = 0;
        const text = this.api.hypothesis(this.decoder);
        if (text) this.handlers.onTranscript({ text, final: false, language: "en-US" });
      }
    });
  }

  finalize(): void {
    if (this.closed) return;
    this.enqueue(async () => {
      if (!this.inUtterance) return;
      this.inUtterance = false;
      this.sinceInterim = 0;
      await this.api.endUtterance(this.decoder);
      const text = this.api.hypothesis(this.decoder);
      if (text) this.handlers.onTranscript({ text, final: true, language: "en-US" });
    });
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.chain;
    this.api.free(this.decoder);
  }

  /** Steps run one at a time; none is accepted once closing started, so none can touch a freed decoder. */
  private enqueue(step: () => Promise<void>): void {
    if (this.closed) return;
    this.chain = this.chain.then(step).catch((error: unknown) => {
      this.handlers.onError(new ProviderError("pocketsphinx", errorMessage(error), { retryable: true, cause: error }));
    });
  }
}

export class PocketSphinxSpeechToText implements SpeechToText {
  readonly name = "pocketsphinx";
  readonly sampleRates = [16000] as const;

  async open(options: SttSessionOptions, handlers: SttSessionHandlers): Promise<SttSession> {
    if (options.sampleRate !== 16000) throw new ProviderError("pocketsphinx", `needs 16 kHz audio, got ${options.sampleRate} Hz`, { retryable: false });
    const api = loadPocketSphinx();
    const decoder = await api.newDecoder();
    await addKeyterms(api, decoder, options.keyterms ?? []);
    return new PocketSphinxSession(api, decoder, handlers);
  }
}

/**
 * Makes the names the bot answers to recognisable: a word missing from the dictionary is added
 * with flite's pronunciation (to the language model too), since PocketSphinx never outputs a word
 * it does not know. Names it cannot pronounce are left out; recognition still works without them.
 */
export async function addKeyterms(api: PocketSphinxApi, decoder: unknown, keyterms: readonly string[]): Promise<string[]> {
  const added: string[] = [];
  const words = new Set(keyterms.flatMap((k) => k.toLowerCase().split(/\s+/)).filter((w) => /^[a-z][a-z'-]*$/.test(w)));
  for (const word of words) {
    if (api.hasWord(decoder, word)) continue;
    const phones = await pronounce(word);
    if (phones && api.addWord(decoder, word, phones)) added.push(word);
  }
  return added;
}
