/**
 * @module tools/registry
 * The tools a bot may offer its LLM. Adding a tool is one file exporting a `Tool` and one entry in
 * `ALL_TOOLS`. Calls are validated against the tool's zod schema and never throw: a failure becomes
 * a sentence the model can say.
 */
import { z } from "zod";
import { errorMessage } from "../core/errors.js";
import type { ToolCall } from "../core/tool-call.js";
import type { ToolSchema } from "../services/llm/language-model.js";
import { getTime } from "./get-time.js";
import { getWeather } from "./get-weather.js";
import { type Tool, type ToolContext, defineTool } from "./tool.js";

export const ALL_TOOLS: Tool[] = [defineTool(getWeather), defineTool(getTime)];

const schemaCache = new WeakMap<readonly Tool[], ToolSchema[]>();

/** The tools as the model sees them; computed once per tool list, since every turn asks. */
export function toolSchemas(tools: readonly Tool[]): ToolSchema[] {
  const cached = schemaCache.get(tools);
  if (cached) return cached;
  const schemas = tools.map((tool) => {
    if (tool.parameters) return { name: tool.name, description: tool.description, parameters: tool.parameters };
    // The input view: fields with defaults are optional for the model.
    const { $schema: _ignored, ...parameters } = z.toJSONSchema(tool.args, { io: "input" }) as Record<string, unknown>;
    return { name: tool.name, description: tool.description, parameters };
  });
  schemaCache.set(tools, schemas);
  return schemas;
}

export async function runToolCall(call: ToolCall, tools: readonly Tool[], context: ToolContext): Promise<string> {
  const tool = tools.find((candidate) => candidate.name === call.name);
  if (!tool) return `There is no tool called ${call.name}.`;
  let raw: unknown;
  try {
    raw = call.arguments.trim() ? JSON.parse(call.arguments) : {};
  } catch {
    return `The arguments for ${call.name} were not valid JSON.`;
  }
  const args = tool.args.safeParse(raw);
  if (!args.success) return `The arguments for ${call.name} were wrong: ${args.error.issues.map((i) => `${i.path.join(".")} ${i.message}`).join("; ")}.`;
  try {
    return await tool.run(args.data, context);
  } catch (error) {
    return `The ${call.name} tool failed: ${errorMessage(error)}.`;
  }
}
