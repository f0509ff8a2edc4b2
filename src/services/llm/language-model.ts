/**
 * @module services/llm/language-model
 * The LLM contract, in the OpenAI chat-completions shape that most servers speak: a message list and
 * tool schemas in, a stream of text deltas and tool calls out.
 */
import type { ToolCall } from "../../core/tool-call.js";

export type ChatMessage =
  | { role: "system"; content: string }
  | { role: "user"; content: string; name?: string }
  | { role: "assistant"; content: string | null; toolCalls?: ToolCall[] }
  | { role: "tool"; content: string; toolCallId: string };

/** A function the model may call; `parameters` is a JSON Schema object. */
export interface ToolSchema {
  name: string;
  description: string;
  parameters: Record<string, unknown>;
}

export type LlmEvent =
  | { type: "text"; text: string }
  | { type: "tool-call"; call: ToolCall }
  | { type: "done"; finishReason: string };

export interface LlmRequest {
  messages: readonly ChatMessage[];
  tools: readonly ToolSchema[];
  signal: AbortSignal;
}

export interface LanguageModel {
  readonly name: string;
  readonly model: string;
  /** Streams one answer. Tool calls come whole (arguments complete) once the model has finished them. */
  stream(request: LlmRequest): AsyncIterable<LlmEvent>;
}
