/**
 * The LLM stage through the stage probe, with a scripted model on fake timers: the answer streams
 * out between its start and end frames, tools run in the middle of it, a failure abandons the turn
 * with a report, and an interruption aborts the model's stream.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { z } from "zod";
import type { LlmEvent } from "../../services/llm/language-model.js";
import { defineTool } from "../../tools/tool.js";
import { Conversation } from "../conversation.js";
import { type Frame, frame } from "../frames.js";
import { FAIL_MARK, ScriptedLlm } from "../testing/fake-services.js";
import { StageProbe, sendWhileClockRuns } from "../testing/run-stage.js";
import { TurnMetrics } from "../turn-metrics.js";
import { ResponseStage } from "./response.js";

const add = defineTool({
  name: "add",
  description: "Adds two numbers",
  args: z.object({ a: z.number(), b: z.number() }),
  run: async ({ a, b }) => String(a + b),
});

const say = (text: string): LlmEvent => ({ type: "text", text });
const done: LlmEvent = { type: "done", finishReason: "stop" };
const callAdd = (id: string): LlmEvent => ({ type: "tool-call", call: { id, name: "add", arguments: '{"a":2,"b":3}' } });

function setup(replies: LlmEvent[][]) {
  const llm = new ScriptedLlm(replies, 10);
  const conversation = new Conversation("You are Sam.", 50);
  conversation.addUser("Alice", "What is two plus three?");
  const stage = new ResponseStage({ llm, conversation, metrics: new TurnMetrics(), tools: [add], toolContext: { weatherApiUrl: "http://127.0.0.1:9", now: () => new Date(0) } });
  return { llm, conversation, probe: new StageProbe(stage) };
}

/** Sends frames while the fake clock runs a second on, since the stage waits on it. */
const sendTimed = (probe: StageProbe, ...frames: Frame[]) => sendWhileClockRuns(probe, (ms) => vi.advanceTimersByTimeAsync(ms), 1000, ...frames);

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

describe("response stage", () => {
  it("streams the answer between start and end, asking with the conversation and the turn's instruction", async () => {
    const { llm, probe } = setup([[say("Five"), say(", I think."), done]]);
    await sendTimed(probe, frame("llm-run", { turnId: 4, instruction: "Answer briefly." }));
    expect(probe.types()).toEqual(["llm-response-start", "llm-text", "llm-text", "llm-response-end"]);
    expect(probe.of("llm-text").map((f) => [f.text, f.turnId])).toEqual([
      ["Five", 4],
      [", I think.", 4],
    ]);
    expect(probe.of("llm-response-end")[0]).toMatchObject({ turnId: 4, aborted: false });
    expect(llm.requests[0]?.messages).toEqual([
      { role: "system", content: "You are Sam." },
      { role: "user", content: "Alice: What is two plus three?" },
      { role: "user", content: "Answer briefly." },
    ]);
    expect(llm.requests[0]?.tools.map((t) => t.name)).toEqual(["add"]);
  });

  it("runs a tool the model calls and answers again with its result in the conversation", async () => {
    const { llm, conversation, probe } = setup([[callAdd("c1"), done], [say("It is 5."), done]]);
    await sendTimed(probe, frame("llm-run", { turnId: 1 }));
    expect(probe.types()).toEqual(["llm-response-start", "tool-call", "tool-result", "llm-text", "llm-response-end"]);
    expect(probe.of("tool-result")[0]).toMatchObject({ callId: "c1", name: "add", result: "5" });
    expect(llm.requests[1]?.messages.slice(-2)).toEqual([
      { role: "assistant", content: null, toolCalls: [{ id: "c1", name: "add", arguments: '{"a":2,"b":3}' }] },
      { role: "tool", toolCallId: "c1", content: "5" },
    ]);
    expect(conversation.length).toBe(3);
  });

  it("stops offering tools after three rounds, so a model that keeps calling them must answer", async () => {
    const { llm, probe } = setup([[callAdd("c1")], [callAdd("c2")], [callAdd("c3")], [say("Five."), done]]);
    await sendTimed(probe, frame("llm-run", { turnId: 1 }));
    expect(llm.requests.map((r) => r.tools.length)).toEqual([1, 1, 1, 0]);
    expect(probe.types(["llm-text", "llm-response-end"])).toEqual(["llm-text", "llm-response-end"]);
  });

  it("abandons a turn the model failed, reports it upstream, and still ends the response", async () => {
    const { probe } = setup([[say("Fi"), say(FAIL_MARK)]]);
    await sendTimed(probe, frame("llm-run", { turnId: 2 }));
    expect(probe.types()).toEqual(["llm-response-start", "llm-text", "llm-response-end"]);
    expect(probe.upstream.map((f) => f.type)).toEqual(["error"]);
    expect(probe.of("llm-response-end")[0]).toMatchObject({ aborted: false });
  });

  it("an interruption aborts the model's stream: no more text, and the end says aborted", async () => {
    const { llm, probe } = setup([[say("One"), say("two"), say("three"), done]]);
    const answering = probe.send(frame("llm-run", { turnId: 3 }));
    await vi.advanceTimersByTimeAsync(15);
    await probe.send(frame("interruption"));
    await vi.advanceTimersByTimeAsync(1000);
    await answering;
    expect(llm.requests[0]?.signal.aborted).toBe(true);
    expect(probe.of("llm-text").map((f) => f.text)).toEqual(["One"]);
    expect(probe.of("llm-response-end")[0]).toMatchObject({ turnId: 3, aborted: true });
    expect(probe.upstream).toEqual([]);
  });

  it("remembers what the bot really said, as it comes back from the output", async () => {
    const { conversation, probe } = setup([]);
    await probe.sendUpstream(frame("bot-spoken-text", { text: "Five, I…", turnId: 1, complete: false }));
    expect(conversation.messages().at(-1)).toEqual({ role: "assistant", content: "Five, I…" });
    expect(probe.upstream.map((f) => f.type)).toEqual(["bot-spoken-text"]);
  });
});
