/**
 * @module tools/tool
 * An LLM function tool: a schema the model sees and a function that runs it. Adding a tool is one
 * file that exports one of these and one line in the registry.
 */
import type { z } from "zod";

export interface ToolContext {
  signal: AbortSignal;
  /** Outside services a tool may call (base URLs come from config so tests stay on loopback). */
  weatherApiUrl: string;
  now: () => Date;
}

export interface Tool<Args extends z.ZodType = z.ZodType> {
  name: string;
  description: string;
  /** Validates the model's arguments; its JSON Schema is what the model sees. */
  args: Args;
  /**
   * The JSON Schema the model sees, when it comes from elsewhere (an MCP server publishes its own);
   * `args` then only checks the shape and the tool's owner validates the rest.
   */
  parameters?: Record<string, unknown>;
  /** Returns the text handed back to the model; failures are returned as a sentence, not thrown. */
  run(args: z.infer<Args>, context: ToolContext): Promise<string>;
}

/**
 * Registers a tool in a list of tools of any argument type. The list only ever calls `run` with
 * arguments that `args` has just validated, so erasing the argument type here is safe.
 */
export function defineTool<Args extends z.ZodType>(tool: Tool<Args>): Tool {
  return tool as unknown as Tool;
}
