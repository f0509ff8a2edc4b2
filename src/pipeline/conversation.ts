/**
 * @module pipeline/conversation
 * One bot's conversation context: the system prompt, what people said (with their names), what the
 * bot really said, and tool exchanges. It stays bounded: the oldest turns go first, the system
 * prompt never, and a tool call is never separated from its result.
 */
import type { ToolCall } from "./frames.js";
import type { ChatMessage } from "../services/llm/language-model.js";

export class Conversation {
  private readonly history: ChatMessage[] = [];

  constructor(
    readonly systemPrompt: string,
    private readonly maxMessages: number,
  ) {}

  addUser(speaker: string | null, text: string): void {
    this.history.push({ role: "user", content: speaker ? `${speaker}: ${text}` : text });
    this.trim();
  }

  /** Adds what the bot actually said aloud; consecutive pieces of one reply are joined. */
  addAssistant(text: string): void {
    const trimmed = text.trim();
    if (!trimmed) return;
    const last = this.history.at(-1);
    if (last?.role === "assistant" && !last.toolCalls && last.content) last.content = `${last.content} ${trimmed}`;
    else this.history.push({ role: "assistant", content: trimmed });
    this.trim();
  }

  addToolExchange(calls: ToolCall[], results: { callId: string; result: string }[]): void {
    this.history.push({ role: "assistant", content: null, toolCalls: calls });
    for (const r of results) this.history.push({ role: "tool", toolCallId: r.callId, content: r.result });
    this.trim();
  }

  /** The messages to send to the model, system prompt first. */
  messages(extra: ChatMessage[] = []): ChatMessage[] {
    return [{ role: "system", content: this.systemPrompt }, ...this.history, ...extra];
  }

  /** The last `count` spoken turns as "Name: text" lines (the bot's as `botName`), for a quick judgement. */
  recentLines(count: number, botName: string): string[] {
    return this.history
      .filter((m) => (m.role === "user" || m.role === "assistant") && typeof m.content === "string" && m.content)
      .slice(-count)
      .map((m) => (m.role === "assistant" ? `${botName}: ${m.content}` : String(m.content)));
  }

  get length(): number {
    return this.history.length;
  }

  private trim(): void {
    const budget = this.maxMessages - 1;
    while (this.history.length > budget) {
      this.history.shift();
      // Never start the history with an orphaned tool result or the tool call it answered.
      while (this.history.length && this.history[0]?.role !== "user") this.history.shift();
    }
  }
}
