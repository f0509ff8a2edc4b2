/**
 * @module testing/meeting-sim/group-llm
 * The scripted model of the bots in a group meeting. It answers the last speaker by name; asked to
 * "ask <name>" something, it ends by calling that bot; answering another bot, it calls that bot
 * back. Left alone, bots answering each other would go on for ever: the turn rules must stop them.
 */
import type { LanguageModel, LlmEvent, LlmRequest } from "../../services/llm/language-model.js";
import { SIM_DELAYS, pause } from "./sim-engines.js";

export class GroupLanguageModel implements LanguageModel {
  readonly name = "meeting-sim-group";
  readonly model = "scripted";

  constructor(private readonly botNames: readonly string[]) {}

  async *stream(request: LlmRequest): AsyncIterable<LlmEvent> {
    const last = request.messages.at(-1);
    const line = last?.role === "user" ? String(last.content) : "";
    const speaker = line.match(/^([^:]{1,40}):/)?.[1] ?? "everyone";
    const asked = line.match(/\bask (\w+)/i)?.[1];
    if (!(await pause(SIM_DELAYS.llmFirstTokenMs, request.signal))) return;
    if (asked) yield { type: "text", text: `Sure ${speaker}. ${asked}, what do you think about it?` };
    else if (this.botNames.includes(speaker)) yield { type: "text", text: `Good point. What do you think, ${speaker}?` };
    else yield { type: "text", text: `Sure ${speaker}, it should be ready by the end of the week.` };
    yield { type: "done", finishReason: "stop" };
  }
}
