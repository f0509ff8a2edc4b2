/**
 * @module pipeline/stages/response
 * The LLM stage: answers the conversation as a stream of text, running any tool the model calls in
 * the middle of its answer and continuing once the result is in. An interruption aborts the stream.
 * What the bot really said comes back from the output stage and is what enters the conversation.
 */
import { errorMessage } from "../../core/errors.js";
import type { ChatMessage, LanguageModel } from "../../services/llm/language-model.js";
import { toolSchemas, runToolCall } from "../../tools/registry.js";
import type { Tool, ToolContext } from "../../tools/tool.js";
import type { Conversation } from "../conversation.js";
import { type Direction, type Frame, type ToolCall, frame } from "../frames.js";
import { FrameProcessor } from "../processor.js";
import type { TurnMetrics } from "../turn-metrics.js";

/** Tool rounds allowed in one answer, so a confused model cannot loop forever. */
const MAX_TOOL_ROUNDS = 3;

export interface ResponseStageOptions {
  llm: LanguageModel;
  conversation: Conversation;
  metrics: TurnMetrics;
  tools: Tool[];
  toolContext: Omit<ToolContext, "signal">;
}

export class ResponseStage extends FrameProcessor {
  constructor(private readonly options: ResponseStageOptions) {
    super("response");
  }

  protected override async processFrame(f: Frame, direction: Direction): Promise<void> {
    if (f.type === "llm-run") return this.respond(f.turnId, f.instruction ?? null);
    if (f.type === "bot-spoken-text") this.options.conversation.addAssistant(f.text);
    await this.push(f, direction);
  }

  private async respond(turnId: number, instruction: string | null): Promise<void> {
    // A signal per answer, aborted by an interruption: listeners that the LLM client leaves on it
    // go with the answer instead of piling up on the stage's signal, which now lives for many turns.
    const interrupted = this.interruptSignal;
    const answer = new AbortController();
    const abort = () => answer.abort();
    interrupted.addEventListener("abort", abort, { once: true });
    try {
      await this.respondUnder(turnId, instruction, answer.signal);
    } finally {
      interrupted.removeEventListener("abort", abort);
    }
  }

  private async respondUnder(turnId: number, instruction: string | null, signal: AbortSignal): Promise<void> {
    const { conversation } = this.options;
    const extra: ChatMessage[] = instruction ? [{ role: "user", content: instruction }] : [];
    await this.push(frame("llm-response-start", { turnId }));
    try {
      for (let round = 0; round <= MAX_TOOL_ROUNDS && !signal.aborted; round++) {
        const calls = await this.streamOnce(conversation.messages(extra), turnId, signal, round < MAX_TOOL_ROUNDS);
        if (!calls.length) break;
        const results = await Promise.all(calls.map((call) => this.runTool(call, turnId, signal)));
        if (signal.aborted) break;
        conversation.addToolExchange(calls, results);
      }
    } catch (error) {
      if (!signal.aborted) {
        this.logger.warn({ err: errorMessage(error), turnId }, "the LLM failed; turn abandoned");
        await this.pushError(error instanceof Error ? error : new Error(String(error)));
      }
    }
    await this.push(frame("llm-response-end", { turnId, aborted: signal.aborted }));
  }

  /** Streams one completion; returns the tool calls the model asked for. */
  private async streamOnce(messages: ChatMessage[], turnId: number, signal: AbortSignal, allowTools: boolean): Promise<ToolCall[]> {
    const calls: ToolCall[] = [];
    const tools = allowTools ? toolSchemas(this.options.tools) : [];
    for await (const event of this.options.llm.stream({ messages, tools, signal })) {
      if (signal.aborted) break;
      if (event.type === "text" && event.text) {
        this.options.metrics.mark(turnId, "llm_first_token");
        await this.pushUnlessInterrupted(frame("llm-text", { text: event.text, turnId }), signal);
      } else if (event.type === "tool-call") {
        calls.push(event.call);
        await this.pushUnlessInterrupted(frame("tool-call", { call: event.call, turnId }), signal);
      }
    }
    return calls;
  }

  private async runTool(call: ToolCall, turnId: number, signal: AbortSignal): Promise<{ callId: string; result: string }> {
    const result = await runToolCall(call, this.options.tools, { ...this.options.toolContext, signal });
    await this.pushUnlessInterrupted(frame("tool-result", { callId: call.id, name: call.name, result, turnId }), signal);
    return { callId: call.id, result };
  }
}
