/**
 * @module services/llm/anthropic-language-model
 * Claude through the official `@anthropic-ai/sdk`, streamed from the Messages API and mapped onto
 * our LanguageModel events: `text_delta` pieces become text, a `tool_use` block (its input streamed
 * as `input_json_delta` pieces) becomes one whole tool call when its block stops.
 *
 * Our chat-completions-shaped history is translated on the way in: system messages become the
 * `system` field, tool results become `tool_result` blocks of a user turn, and consecutive messages
 * of one role are merged, since the Messages API wants the roles to alternate.
 */
import Anthropic from "@anthropic-ai/sdk";
import type { MessageParam, RawMessageStreamEvent, Tool as AnthropicTool } from "@anthropic-ai/sdk/resources/messages/messages";
import { ProviderError, errorMessage } from "../../core/errors.js";
import type { ToolCall } from "../../core/tool-call.js";
import type { ChatMessage, LanguageModel, LlmEvent, LlmRequest, ToolSchema } from "./language-model.js";

export interface AnthropicOptions {
  apiKey: string;
  /** API root, e.g. https://api.anthropic.com; tests point it at a local server. */
  baseUrl: string | undefined;
  model: string;
  /** Spoken answers are short; this only bounds a runaway reply. */
  maxTokens?: number;
  timeoutMs?: number;
}

type Block = Exclude<MessageParam["content"], string>[number];

/** Opens a conversation whose first remembered message is the bot's own (its greeting). */
const CONVERSATION_START = "(The meeting has started.)";

export function toAnthropicMessages(messages: readonly ChatMessage[]): { system: string; messages: MessageParam[] } {
  const system: string[] = [];
  const turns: { role: "user" | "assistant"; content: Block[] }[] = [];
  const add = (role: "user" | "assistant", blocks: Block[]) => {
    if (!blocks.length) return;
    const last = turns.at(-1);
    if (last?.role === role) last.content.push(...blocks);
    else turns.push({ role, content: blocks });
  };
  for (const message of messages) {
    switch (message.role) {
      case "system":
        system.push(message.content);
        break;
      case "user":
        add("user", message.content ? [{ type: "text", text: message.content }] : []);
        break;
      case "assistant":
        add("assistant", [
          ...(message.content ? [{ type: "text" as const, text: message.content }] : []),
          ...(message.toolCalls ?? []).map((call) => ({ type: "tool_use" as const, id: call.id, name: call.name, input: parseInput(call.arguments) })),
        ]);
        break;
      case "tool":
        add("user", [{ type: "tool_result", tool_use_id: message.toolCallId, content: message.content }]);
        break;
    }
  }
  if (turns[0]?.role === "assistant") turns.unshift({ role: "user", content: [{ type: "text", text: CONVERSATION_START }] });
  return { system: system.join("\n\n"), messages: turns };
}

function toAnthropicTool(tool: ToolSchema): AnthropicTool {
  return { name: tool.name, description: tool.description, input_schema: { type: "object", ...tool.parameters } };
}

function parseInput(text: string): unknown {
  try {
    return text.trim() ? JSON.parse(text) : {};
  } catch {
    return {};
  }
}

export class AnthropicLanguageModel implements LanguageModel {
  readonly name = "anthropic";
  readonly model: string;
  private readonly client: Anthropic;

  constructor(private readonly options: AnthropicOptions) {
    this.model = options.model;
    this.client = new Anthropic({ apiKey: options.apiKey, baseURL: options.baseUrl, maxRetries: 0, timeout: options.timeoutMs ?? 30_000 });
  }

  async *stream(request: LlmRequest): AsyncIterable<LlmEvent> {
    const { system, messages } = toAnthropicMessages(request.messages);
    let stream: AsyncIterable<RawMessageStreamEvent>;
    try {
      stream = await this.client.messages.create(
        {
          model: this.model,
          max_tokens: this.options.maxTokens ?? 1024,
          stream: true,
          messages,
          ...(system ? { system } : {}),
          ...(request.tools.length ? { tools: request.tools.map(toAnthropicTool) } : {}),
        },
        { signal: request.signal },
      );
    } catch (error) {
      throw asProviderError(error);
    }
    const toolBlocks = new Map<number, ToolCall>();
    let finishReason = "end_turn";
    try {
      for await (const event of stream) {
        if (event.type === "content_block_start" && event.content_block.type === "tool_use") {
          toolBlocks.set(event.index, { id: event.content_block.id, name: event.content_block.name, arguments: "" });
        } else if (event.type === "content_block_delta") {
          if (event.delta.type === "text_delta" && event.delta.text) yield { type: "text", text: event.delta.text };
          else if (event.delta.type === "input_json_delta") {
            const call = toolBlocks.get(event.index);
            if (call) call.arguments += event.delta.partial_json;
          }
        } else if (event.type === "content_block_stop") {
          const call = toolBlocks.get(event.index);
          if (call) {
            toolBlocks.delete(event.index);
            yield { type: "tool-call", call: { ...call, arguments: call.arguments || "{}" } };
          }
        } else if (event.type === "message_delta" && event.delta.stop_reason) {
          finishReason = event.delta.stop_reason;
        }
      }
    } catch (error) {
      if (request.signal.aborted) return;
      throw asProviderError(error);
    }
    yield { type: "done", finishReason };
  }
}

function asProviderError(error: unknown): ProviderError {
  if (error instanceof Anthropic.APIError && error.status !== undefined) {
    return new ProviderError("anthropic", error.message, { statusCode: error.status, cause: error });
  }
  return new ProviderError("anthropic", errorMessage(error), { retryable: true, cause: error });
}
