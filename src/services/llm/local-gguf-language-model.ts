/**
 * @module services/llm/local-gguf-language-model
 * A GGUF chat model run in this process with node-llama-cpp (prebuilt CPU binary, no download;
 * an optional install, see gguf-runtime), for LLM_MODEL_PATH. The model and one context are loaded once and shared; bots take turns on it,
 * one answer at a time. Replies are plain text: tools are offered only through OpenAI-compatible
 * servers, where function calling is reliable.
 */
import { existsSync } from "node:fs";
import { AsyncQueue } from "../../util/async-queue.js";
import { SerialQueue } from "../../util/serial-queue.js";
import { ProviderError, errorMessage } from "../../core/errors.js";
import { GGUF_RUNTIME, type GgufChatHistoryItem, type GgufContext, type GgufRuntime, loadGgufRuntime } from "./gguf-runtime.js";
import type { ChatMessage, LanguageModel, LlmEvent, LlmRequest } from "./language-model.js";

type ChatHistoryItem = GgufChatHistoryItem;

interface Loaded {
  lib: GgufRuntime;
  context: GgufContext;
}

function toHistory(messages: readonly ChatMessage[]): { history: ChatHistoryItem[]; prompt: string } {
  const history: ChatHistoryItem[] = [];
  for (const m of messages) {
    if (m.role === "system") history.push({ type: "system", text: m.content });
    else if (m.role === "user") history.push({ type: "user", text: m.content });
    else if (m.role === "assistant" && m.content) history.push({ type: "model", response: [m.content] });
    else if (m.role === "tool") history.push({ type: "user", text: `(tool result) ${m.content}` });
  }
  const last = history.at(-1);
  if (last?.type === "user") {
    history.pop();
    return { history, prompt: last.text };
  }
  return { history, prompt: "" };
}

export class LocalGgufLanguageModel implements LanguageModel {
  readonly name = "local-gguf";
  readonly model: string;
  private loading: Promise<Loaded> | undefined;
  /** One answer at a time: the model has one context. */
  private readonly turns = new SerialQueue();

  /** `runtime` is the package that runs the model; tests name a missing one. */
  constructor(
    private readonly modelPath: string,
    private readonly runtime = GGUF_RUNTIME,
  ) {
    this.model = modelPath.split("/").at(-1) ?? modelPath;
  }

  async *stream(request: LlmRequest): AsyncIterable<LlmEvent> {
    const chunks = new AsyncQueue<string>();
    const turn = this.turns.run(() => this.answer(request, (text) => chunks.push(text)));
    turn.then(
      () => chunks.end(),
      (error: unknown) => chunks.fail(error instanceof ProviderError ? error : new ProviderError("local-gguf", errorMessage(error), { retryable: false })),
    );
    // An aborted answer stops at once, even while it still waits for its turn on the model.
    const onAbort = () => chunks.end();
    request.signal.addEventListener("abort", onAbort, { once: true });
    try {
      for await (const text of chunks) yield { type: "text", text };
    } finally {
      request.signal.removeEventListener("abort", onAbort);
    }
    yield { type: "done", finishReason: request.signal.aborted ? "aborted" : "stop" };
  }

  private load(): Promise<Loaded> {
    this.loading ??= (async () => {
      if (!existsSync(this.modelPath)) throw new ProviderError("local-gguf", `LLM_MODEL_PATH points to ${this.modelPath}, which does not exist`, { retryable: false });
      const lib = await loadGgufRuntime(this.runtime);
      const llama = await lib.getLlama({ gpu: false, build: "never" });
      const model = await llama.loadModel({ modelPath: this.modelPath });
      return { lib, context: await model.createContext({ contextSize: 4096 }) };
    })();
    this.loading.catch(() => (this.loading = undefined));
    return this.loading;
  }

  private async answer(request: LlmRequest, onText: (text: string) => void): Promise<void> {
    const { lib, context } = await this.load();
    const sequence = context.getSequence();
    try {
      const session = new lib.LlamaChatSession({ contextSequence: sequence });
      const { history, prompt } = toHistory(request.messages);
      session.setChatHistory(history);
      await session.prompt(prompt, { onTextChunk: onText, signal: request.signal, stopOnAbortSignal: true, maxTokens: 256 });
    } finally {
      sequence.dispose();
    }
  }
}
