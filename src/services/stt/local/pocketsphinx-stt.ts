/**
 * @module services/stt/local/pocketsphinx-stt
 * Offline speech-to-text with PocketSphinx (US English). Sessions lease a decoder from a shared pool
 * for each utterance (see decoder-pool.ts), so a silent bot holds no decoder. Audio is decoded in the
 * background as it arrives, interim hypotheses are reported about twice a second, and `finalize()`
 * ends the utterance, reports the final text and returns the decoder. Accuracy is demo-grade (about
 * one word in three wrong on real read speech), so cloud recognisers are preferred when a key is set.
 */
import { availableParallelism } from "node:os";
import { ProviderError, errorMessage } from "../../../core/errors.js";
import { SerialQueue } from "../../../util/serial-queue.js";
import type { SpeechToText, SttSession, SttSessionHandlers, SttSessionOptions } from "../speech-to-text.js";
import { DecoderPool, type DecoderPoolStats } from "./decoder-pool.js";
import { loadPocketSphinx, type PocketSphinxApi } from "./pocketsphinx-library.js";
import { pronounce } from "./pronounce.js";

const INTERIM_EVERY_SAMPLES = 8000;

class PocketSphinxSession implements SttSession {
  private readonly steps = new SerialQueue();
  /** The decoder leased for the utterance in progress. */
  private decoder: unknown;
  private sinceInterim = 0;
  /** No further input is taken. */
  private closing = false;
  /** Queued steps are skipped. */
  private closed = false;

  constructor(
    private readonly api: PocketSphinxApi,
    private readonly pool: DecoderPool<unknown>,
    private readonly handlers: SttSessionHandlers,
    /** Names this bot answers to; a leased decoder learns any it does not know yet. */
    private readonly keyterms: readonly string[],
  ) {
    pool.retain();
  }

  write(audio: Int16Array): void {
    if (this.closing) return;
    const copy = audio.slice();
    this.enqueue(async () => {
      const decoder = this.decoder ?? (await this.beginUtterance());
      if (decoder === undefined) return;
      await this.api.process(decoder, copy);
      this.sinceInterim += copy.length;
      if (this.sinceInterim >= INTERIM_EVERY_SAMPLES) {
        this.sinceInterim = 0;
        const text = this.api.hypothesis(decoder);
        if (text) this.handlers.onTranscript({ text, final: false, language: "en-US" });
      }
    });
  }

  finalize(): void {
    if (this.closing) return;
    this.enqueue(async () => {
      const text = await this.endUtterance();
      if (text) this.handlers.onTranscript({ text, final: true, language: "en-US" });
    });
  }

  async close(options: { discard?: boolean } = {}): Promise<void> {
    if (this.closing) return;
    this.closing = true;
    // Discarding skips the steps still queued, so a decoder lease another bot waits for comes free now.
    if (options.discard) this.closed = true;
    await this.steps.idle();
    this.closed = true;
    // An utterance cut short by the bot leaving still gives its decoder back, clean.
    await this.endUtterance().catch((error: unknown) => this.reportFailure(error));
    this.pool.unretain();
  }

  /** Leases a decoder; undefined when the session closed while it waited for one. */
  private async beginUtterance(): Promise<unknown> {
    const decoder = await this.pool.acquire();
    if (this.closed) {
      this.pool.release(decoder);
      return undefined;
    }
    try {
      await addKeyterms(this.api, decoder, this.keyterms);
    } catch (error) {
      this.pool.release(decoder);
      throw error;
    }
    this.api.startUtterance(decoder);
    this.decoder = decoder;
    this.sinceInterim = 0;
    return decoder;
  }

  /** Ends the utterance in progress, if any, returns its decoder to the pool and gives its text. */
  private async endUtterance(): Promise<string> {
    const decoder = this.decoder;
    if (decoder === undefined) return "";
    this.decoder = undefined;
    try {
      await this.api.endUtterance(decoder);
      return this.api.hypothesis(decoder);
    } finally {
      this.pool.release(decoder);
    }
  }

  /** Steps run one at a time; none is accepted once closing started, so none can touch a returned decoder. */
  private enqueue(step: () => Promise<void>): void {
    if (this.closed) return;
    void this.steps.run(async () => {
      if (this.closed) return;
      try {
        await step();
      } catch (error) {
        this.reportFailure(error);
      }
    });
  }

  private reportFailure(error: unknown): void {
    this.handlers.onError(new ProviderError("pocketsphinx", errorMessage(error), { retryable: true, cause: error }));
  }
}

export interface PocketSphinxOptions {
  /** Most decoders loaded at once (default: one per core, at least two). */
  maxDecoders?: number;
  /** Loaded decoders kept idle for the next utterance (default one). */
  spareDecoders?: number;
}

export class PocketSphinxSpeechToText implements SpeechToText {
  readonly name = "pocketsphinx";
  readonly sampleRates = [16000] as const;
  private pool: DecoderPool<unknown> | undefined;

  constructor(private readonly options: PocketSphinxOptions = {}) {}

  async open(options: SttSessionOptions, handlers: SttSessionHandlers): Promise<SttSession> {
    if (options.sampleRate !== 16000) throw new ProviderError("pocketsphinx", `needs 16 kHz audio, got ${options.sampleRate} Hz`, { retryable: false });
    const api = loadPocketSphinx();
    const pool = this.decoders(api);
    const session = new PocketSphinxSession(api, pool, handlers, options.keyterms ?? []);
    await pool.warm();
    return session;
  }

  /** How the shared decoders are used: alive, idle, waiting, and how long leases waited. */
  stats(): DecoderPoolStats | undefined {
    return this.pool?.stats();
  }

  /** Frees the decoders (the process is shutting down). */
  close(): void {
    this.pool?.close();
    this.pool = undefined;
  }

  private decoders(api: PocketSphinxApi): DecoderPool<unknown> {
    this.pool ??= new DecoderPool(
      { create: () => api.newDecoder(), free: (decoder) => api.free(decoder), trimHeap: () => api.trimHeap() },
      { maxDecoders: this.options.maxDecoders ?? Math.max(2, availableParallelism()), maxIdle: this.options.spareDecoders ?? 1 },
    );
    return this.pool;
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
