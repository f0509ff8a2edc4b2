/**
 * @module services/llm/unavailable-language-model
 * The LLM used when none is configured: instead of staying silent, the bot says in one sentence
 * which setting would give it a voice of its own. The setting names are written exactly (the room
 * shows them as they are); the voice says them as words (see pipeline/text/spoken-names).
 */
import type { LanguageModel, LlmEvent, LlmRequest } from "./language-model.js";

export const MISSING_LLM_SENTENCE =
  "I can hear you, but no language model is configured for me yet. Set LLM_BASE_URL to an OpenAI-compatible server such as Ollama, set OPENAI_API_KEY, or set LLM_MODEL_PATH to a GGUF file, then restart the server, and I will be able to answer.";

export class UnavailableLanguageModel implements LanguageModel {
  readonly name = "none";
  readonly model = "none";

  async *stream(request: LlmRequest): AsyncIterable<LlmEvent> {
    if (request.signal.aborted) return;
    yield { type: "text", text: MISSING_LLM_SENTENCE };
    yield { type: "done", finishReason: "stop" };
  }
}
