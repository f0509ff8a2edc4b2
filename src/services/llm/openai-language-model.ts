/**
 * @module services/llm/openai-language-model
 * Any OpenAI-compatible chat-completions server (OpenAI, Ollama, vLLM, llama.cpp server,
 * OpenRouter…) through the official `openai` SDK: streamed text, and tool calls assembled from
 * their streamed pieces into whole calls.
 */
import OpenAI from "openai";
import type { ChatCompletionMessageParam, ChatCompletionTool } from "openai/resources/chat/completions";
import { ProviderError, errorMessage } from "../../core/errors.js";
import type { ToolCall } from "../../core/tool-call.js";
import type { ChatMessage, LanguageModel, LlmEvent, LlmRequest, ToolSchema } from "./language-model.js";

export interface OpenAiOptions {
  apiKey: string | undefined;
  baseUrl: string | undefined;
  model: string;
  /** No first token within this long fails the request. */
  timeoutMs?: number;
}

function toOpenAiMessage(message: ChatMessage): ChatCompletionMessageParam {
  switch (message.role) {
    case "assistant":
      return {
        role: "assistant",
        content: message.content,
        ...(message.toolCalls?.length
          ? { tool_calls: message.toolCalls.map((c) => ({ id: c.id, type: "function" as const, function: { name: c.name, arguments: c.arguments } })) }
          : {}),
      };
    case "tool":
      return { role: "tool", content: message.content, tool_call_id: message.toolCallId };
    default:
      return message;
  }
}

function toOpenAiTool(tool: ToolSchema): ChatCompletionTool {
  return { type: "function", function: { name: tool.name, description: tool.description, parameters: tool.parameters } };
}

export class OpenAiLanguageModel implements LanguageModel {
  readonly name = "openai-compatible";
  readonly model: string;
  private readonly client: OpenAI;

  constructor(options: OpenAiOptions) {
    this.model = options.model;
    this.client = new OpenAI({
      // Local servers (Ollama, llama.cpp) need no key, but the SDK insists on one.
      apiKey: options.apiKey ?? "not-needed",
      baseURL: options.baseUrl,
      maxRetries: 0,
      timeout: options.timeoutMs ?? 30_000,
    });
  }

  async *stream(request: LlmRequest): AsyncIterable<LlmEvent> {
    let stream: AsyncIterable<OpenAI.Chat.Completions.ChatCompletionChunk>;
    try {
      stream = await this.client.chat.completions.create(
        {
          model: this.model,
          stream: true,
          messages: request.messages.map(toOpenAiMessage),
          ...(request.tools.length ? { tools: request.tools.map(toOpenAiTool) } : {}),
        },
        { signal: request.signal },
      );
    } catch (error) {
      throw asProviderError(error);
    }
    const calls = new Map<number, ToolCall>();
    let finishReason = "stop";
    try {
      for await (const chunk of stream) {
        const choice = chunk.choices[0];
        if (!choice) continue;
        if (choice.delta.content) yield { type: "text", text: choice.delta.content };
        for (const piece of choice.delta.tool_calls ?? []) {
          const call = calls.get(piece.index) ?? { id: piece.id ?? `call_${piece.index}`, name: "", arguments: "" };
          if (piece.id) call.id = piece.id;
          call.name += piece.function?.name ?? "";
          call.arguments += piece.function?.arguments ?? "";
          calls.set(piece.index, call);
        }
        if (choice.finish_reason) finishReason = choice.finish_reason;
      }
    } catch (error) {
      if (request.signal.aborted) return;
      throw asProviderError(error);
    }
    for (const call of calls.values()) yield { type: "tool-call", call };
    yield { type: "done", finishReason };
  }
}

function asProviderError(error: unknown): ProviderError {
  if (error instanceof OpenAI.APIError) {
    return new ProviderError("llm", error.message, { statusCode: error.status, cause: error });
  }
  return new ProviderError("llm", errorMessage(error), { retryable: true, cause: error });
}
