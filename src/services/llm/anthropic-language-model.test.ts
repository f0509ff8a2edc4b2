import { afterEach, describe, expect, it } from "vitest";
import { ProviderError } from "../../core/errors.js";
import { AnthropicLanguageModel, toAnthropicMessages } from "./anthropic-language-model.js";
import type { LlmEvent } from "./language-model.js";
import { FakeAnthropicServer } from "./testing/fake-anthropic-server.js";

async function collect(events: AsyncIterable<LlmEvent>): Promise<LlmEvent[]> {
  const out: LlmEvent[] = [];
  for await (const e of events) out.push(e);
  return out;
}

const tools = [{ name: "get_time", description: "time", parameters: { type: "object", properties: { location: { type: "string" } }, required: ["location"] } }];

describe("AnthropicLanguageModel", () => {
  let server: FakeAnthropicServer;
  afterEach(() => server.stop());

  it("streams text and sends the system prompt, messages, tools and model", async () => {
    server = new FakeAnthropicServer({ replies: [{ text: "Sunny and warm today." }] });
    const llm = new AnthropicLanguageModel({ apiKey: "sk-ant-test", baseUrl: await server.start(), model: "claude-test" });
    const events = await collect(
      llm.stream({ messages: [{ role: "system", content: "Be brief." }, { role: "user", content: "Ada: weather?" }], tools, signal: new AbortController().signal }),
    );
    expect(events.filter((e) => e.type === "text").map((e) => (e.type === "text" ? e.text : "")).join("")).toBe("Sunny and warm today.");
    expect(events.at(-1)).toEqual({ type: "done", finishReason: "end_turn" });
    expect(server.requests[0]).toMatchObject({
      model: "claude-test",
      stream: true,
      system: "Be brief.",
      messages: [{ role: "user", content: [{ type: "text", text: "Ada: weather?" }] }],
      tools: [{ name: "get_time", input_schema: { type: "object", required: ["location"] } }],
    });
  });

  it("assembles a tool_use block from input_json_delta pieces, after any text", async () => {
    server = new FakeAnthropicServer({ replies: [{ text: "Let me check.", toolUse: { name: "get_time", input: { location: "Asia/Tokyo" } } }] });
    const llm = new AnthropicLanguageModel({ apiKey: "sk-ant-test", baseUrl: await server.start(), model: "m" });
    const events = await collect(llm.stream({ messages: [{ role: "user", content: "time?" }], tools, signal: new AbortController().signal }));
    expect(events.map((e) => e.type)).toEqual(["text", "text", "text", "tool-call", "done"]);
    expect(events).toContainEqual({ type: "tool-call", call: { id: "toolu_01", name: "get_time", arguments: '{"location":"Asia/Tokyo"}' } });
    expect(events.at(-1)).toEqual({ type: "done", finishReason: "tool_use" });
  });

  it("translates a history with tool exchanges into alternating turns", () => {
    const { system, messages } = toAnthropicMessages([
      { role: "system", content: "Persona." },
      { role: "system", content: "Context." },
      { role: "assistant", content: "Hello everyone." },
      { role: "user", content: "Ada: hi" },
      { role: "user", content: "Bob: time in Tokyo?" },
      { role: "assistant", content: null, toolCalls: [{ id: "toolu_1", name: "get_time", arguments: '{"location":"Asia/Tokyo"}' }] },
      { role: "tool", toolCallId: "toolu_1", content: "It is 9 pm." },
    ]);
    expect(system).toBe("Persona.\n\nContext.");
    expect(messages.map((m) => m.role)).toEqual(["user", "assistant", "user", "assistant", "user"]);
    expect(messages[2]?.content).toHaveLength(2);
    expect(messages[3]?.content).toEqual([{ type: "tool_use", id: "toolu_1", name: "get_time", input: { location: "Asia/Tokyo" } }]);
    expect(messages[4]?.content).toEqual([{ type: "tool_result", tool_use_id: "toolu_1", content: "It is 9 pm." }]);
  });

  it("maps API errors to provider errors and stops when aborted", async () => {
    server = new FakeAnthropicServer({ replies: [{ text: "one two three four five six seven" }, { status: 429, error: "slow down" }], tokenDelayMs: 40 });
    const llm = new AnthropicLanguageModel({ apiKey: "sk-ant-test", baseUrl: await server.start(), model: "m" });
    const controller = new AbortController();
    const seen: LlmEvent[] = [];
    for await (const e of llm.stream({ messages: [{ role: "user", content: "x" }], tools: [], signal: controller.signal })) {
      seen.push(e);
      if (seen.length === 2) controller.abort();
    }
    expect(seen.length).toBeLessThan(5);
    const limited = await collect(llm.stream({ messages: [{ role: "user", content: "x" }], tools: [], signal: new AbortController().signal })).catch((e: unknown) => e);
    expect(limited).toBeInstanceOf(ProviderError);
    expect((limited as ProviderError).statusCode).toBe(429);
    expect((limited as ProviderError).retryable).toBe(true);
    const wrongKey = new AnthropicLanguageModel({ apiKey: "wrong", baseUrl: server.baseUrl, model: "m" });
    const refused = await collect(wrongKey.stream({ messages: [{ role: "user", content: "x" }], tools: [], signal: new AbortController().signal })).catch((e: unknown) => e);
    expect((refused as ProviderError).statusCode).toBe(401);
    expect((refused as ProviderError).retryable).toBe(false);
  });
});
