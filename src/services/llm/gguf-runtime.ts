/**
 * @module services/llm/gguf-runtime
 * node-llama-cpp, which runs GGUF models in-process, is an optional install (`npm run setup --
 * --gguf`): with its platform binaries it is about 700 MB, for a feature most installs never use.
 * This module finds and loads it, and says how to add it when it is not there. The types below
 * are the few parts of its API we call, so the project type-checks without it.
 */
import { createRequire } from "node:module";
import { ProviderError, errorMessage } from "../../core/errors.js";

export const GGUF_RUNTIME = "node-llama-cpp";
const installHint = (name: string) => `${name} is not installed: run \`npm run setup -- --gguf\` to add it (about 700 MB)`;
export const GGUF_INSTALL_HINT = installHint(GGUF_RUNTIME);

export type GgufChatHistoryItem = { type: "system"; text: string } | { type: "user"; text: string } | { type: "model"; response: string[] };

export interface GgufContextSequence {
  dispose(): void;
}

export interface GgufContext {
  getSequence(): GgufContextSequence;
}

interface GgufChatSession {
  setChatHistory(history: GgufChatHistoryItem[]): void;
  prompt(text: string, options: { onTextChunk: (text: string) => void; signal: AbortSignal; stopOnAbortSignal: boolean; maxTokens: number }): Promise<string>;
}

export interface GgufRuntime {
  getLlama(options: { gpu: false; build: "never" }): Promise<{
    loadModel(options: { modelPath: string }): Promise<{ createContext(options: { contextSize: number }): Promise<GgufContext> }>;
  }>;
  LlamaChatSession: new (options: { contextSequence: GgufContextSequence }) => GgufChatSession;
}

/** What to install when the runtime cannot be found; undefined when it is there. */
export function ggufRuntimeMissing(name = GGUF_RUNTIME): string | undefined {
  try {
    createRequire(import.meta.url).resolve(name);
    return undefined;
  } catch {
    return installHint(name);
  }
}

export async function loadGgufRuntime(name = GGUF_RUNTIME): Promise<GgufRuntime> {
  const missing = ggufRuntimeMissing(name);
  if (missing) throw new ProviderError("local-gguf", missing, { retryable: false });
  try {
    // A name held in a variable: the compiler must not require the optional package's types.
    return (await import(name)) as GgufRuntime;
  } catch (error) {
    throw new ProviderError("local-gguf", `${name} failed to load: ${errorMessage(error)}`, { retryable: false, cause: error });
  }
}
