/**
 * @module services/stt/local/pocketsphinx-library
 * The PocketSphinx C API (Debian's libpocketsphinx3 with the pocketsphinx-en-us model) bound with
 * koffi. Decoding calls run on koffi's worker threads (`.async`), so the event loop never waits on
 * the recogniser.
 */
import { existsSync } from "node:fs";
import koffi from "koffi";

export const POCKETSPHINX_MODEL_DIR = "/usr/share/pocketsphinx/model/en-us";

type AsyncFn = ((...args: unknown[]) => unknown) & { async: (...args: unknown[]) => void };

export interface PocketSphinxApi {
  /** Loads the model (about 0.3 s, off the event loop). */
  newDecoder(): Promise<unknown>;
  startUtterance(decoder: unknown): void;
  process(decoder: unknown, pcm: Int16Array): Promise<void>;
  endUtterance(decoder: unknown): Promise<void>;
  hypothesis(decoder: unknown): string;
  /** Whether the decoder's dictionary has this word. */
  hasWord(decoder: unknown, word: string): boolean;
  /** Adds a word with its phones (CMU set, space-separated) to the dictionary and language model. */
  addWord(decoder: unknown, word: string, phones: string): boolean;
  free(decoder: unknown): void;
  /** Hands freed heap back to the system: glibc otherwise keeps a freed decoder's 100 MB. */
  trimHeap(): void;
}

let api: PocketSphinxApi | undefined;

/** What is missing for the local recogniser, or undefined when it can run. */
export function pocketSphinxMissing(): string | undefined {
  if (!existsSync(`${POCKETSPHINX_MODEL_DIR}/en-us.lm.bin`)) return "the pocketsphinx-en-us model (apt-get install pocketsphinx-en-us)";
  try {
    loadPocketSphinx();
    return undefined;
  } catch {
    return "libpocketsphinx3 (apt-get install pocketsphinx)";
  }
}

function promisify(fn: AsyncFn, ...args: unknown[]): Promise<unknown> {
  return new Promise((resolve, reject) => fn.async(...args, (error: unknown, result: unknown) => (error ? reject(error) : resolve(result))));
}

export function loadPocketSphinx(): PocketSphinxApi {
  if (api) return api;
  const sphinxbase = koffi.load("libsphinxbase.so.3");
  const lib = koffi.load("libpocketsphinx.so.3");
  const cmdLnInit = sphinxbase.func("void *cmd_ln_init(void *inout, void *defn, int strict, ...)");
  const psArgs = lib.func("void *ps_args()");
  const psInit = lib.func("void *ps_init(void *config)") as AsyncFn;
  const psStart = lib.func("int ps_start_utt(void *ps)");
  const psProcess = lib.func("int ps_process_raw(void *ps, const int16_t *data, size_t n, int no_search, int full_utt)") as AsyncFn;
  const psEnd = lib.func("int ps_end_utt(void *ps)") as AsyncFn;
  const psHyp = lib.func("const char *ps_get_hyp(void *ps, _Out_ int32_t *score)");
  const psFree = lib.func("int ps_free(void *ps)");
  const mallocTrim = loadMallocTrim();
  const psLookup = lib.func("void *ps_lookup_word(void *ps, const char *word)");
  const psAddWord = lib.func("int ps_add_word(void *ps, const char *word, const char *phones, int update)");
  const ckdFree = sphinxbase.func("void ckd_free(void *ptr)");
  const m = POCKETSPHINX_MODEL_DIR;
  api = {
    async newDecoder() {
      const args = ["-hmm", `${m}/en-us`, "-lm", `${m}/en-us.lm.bin`, "-dict", `${m}/cmudict-en-us.dict`, "-logfn", "/dev/null"];
      const config = cmdLnInit(null, psArgs(), 1, ...args.flatMap((arg) => ["str", arg]), "void *", null);
      const decoder = await promisify(psInit, config);
      if (!decoder) throw new Error("pocketsphinx could not load its model");
      return decoder;
    },
    startUtterance: (decoder) => void psStart(decoder),
    process: async (decoder, pcm) => void (await promisify(psProcess, decoder, pcm, pcm.length, 0, 0)),
    endUtterance: async (decoder) => void (await promisify(psEnd, decoder)),
    hypothesis: (decoder) => (psHyp(decoder, [0]) as string | null) ?? "",
    hasWord: (decoder, word) => {
      const phones = psLookup(decoder, word);
      if (!phones) return false;
      ckdFree(phones);
      return true;
    },
    addWord: (decoder, word, phones) => (psAddWord(decoder, word, phones, 1) as number) >= 0,
    free: (decoder) => void psFree(decoder),
    trimHeap: () => void mallocTrim?.(0),
  };
  return api;
}

/** glibc's `malloc_trim`, where the C library has it (musl does not, and returns memory itself). */
function loadMallocTrim(): ((pad: number) => number) | undefined {
  try {
    return koffi.load("libc.so.6").func("int malloc_trim(size_t pad)") as (pad: number) => number;
  } catch {
    return undefined;
  }
}
