import { afterEach, describe, expect, it } from "vitest";
import { ProviderError } from "../../core/errors.js";
import type { LlmEvent } from "./language-model.js";
import { OpenAiLanguageModel } from "./openai-language-model.js";
import { FakeOpenAiServer } from "./testing/fake-openai-server.js";

async function collect(events: AsyncIterable<LlmEvent>): Promise<LlmEvent[]> {
  const out: LlmEvent[] = [];
  for await (const e of events) out.push(e);
  return out;
}

describe("OpenAiLanguageModel", () => {
  let server: FakeOpenAiServer;
  afterEach(() => server.stop());

  it("streams text deltas and sends messages, tools and model", async () => {
    server = new FakeOpenAiServer({ replies: [{ text: "Sunny and warm today." }] });
    const llm = new OpenAiLanguageModel({ apiKey: undefined, baseUrl: await server.start(), model: "tiny" });
    const events = await collect(
      llm.stream({
        messages: [{ role: "system", content: "Be brief." }, { role: "user", content: "Ada: weather?" }],
        tools: [{ name: "get_time", description: "time", parameters: { type: "object", properties: {} } }],
        signal: new AbortController().signal,
      }),
    );
    const text = events.filter((e) => e.type === "text").map((e) => (e.type === "text" ? e.text : "")).join("");
    expect(text).toBe("Sunny and warm today.");
    expect(events.at(-1)).toEqual({ type: "done", finishReason: "stop" });
    expect(server.requests[0]).toMatchObject({ model: "tiny", stream: true, messages: [{ role: "system" }, { role: "user", content: "Ada: weather?" }] });
    expect(server.requests[0]?.tools?.[0]?.function.name).toBe("get_time");
  });

  it("assembles a tool call streamed in pieces", async () => {
    server = new FakeOpenAiServer({ replies: [{ toolCall: { name: "get_weather", arguments: { location: "Paris", format: "celsius" } } }] });
    const llm = new OpenAiLanguageModel({ apiKey: "k", baseUrl: await server.start(), model: "m" });
    const events = await collect(llm.stream({ messages: [{ role: "user", content: "x" }], tools: [], signal: new AbortController().signal }));
    expect(events).toContainEqual({ type: "tool-call", call: { id: "call_1", name: "get_weather", arguments: '{"location":"Paris","format":"celsius"}' } });
  });

  it("stops when aborted and maps HTTP errors", async () => {
    server = new FakeOpenAiServer({ replies: [{ text: "one two three four five six" }, { status: 401, error: "bad key" }], tokenDelayMs: 50 });
    const llm = new OpenAiLanguageModel({ apiKey: "k", baseUrl: await server.start(), model: "m" });
    const controller = new AbortController();
    const seen: LlmEvent[] = [];
    for await (const e of llm.stream({ messages: [{ role: "user", content: "x" }], tools: [], signal: controller.signal })) {
      seen.push(e);
      if (seen.length === 2) controller.abort();
    }
    expect(seen.length).toBeLessThan(5);
    const error = await collect(llm.stream({ messages: [{ role: "user", content: "x" }], tools: [], signal: new AbortController().signal })).catch((e) => e);
    expect(error).toBeInstanceOf(ProviderError);
    expect((error as ProviderError).statusCode).toBe(401);
    expect((error as ProviderError).retryable).toBe(false);
  });
});
