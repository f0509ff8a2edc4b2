/**
 * @module tools/mcp/mcp-tool
 * One MCP tool as one of our tools: the model sees the server's own JSON Schema under a safe
 * function name; a call goes to the server with the server's timeout and the turn's abort signal;
 * the answer comes back as text, and a failure as one short sentence the bot can say.
 */
import type { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { ErrorCode, McpError, type Tool as McpToolDescription } from "@modelcontextprotocol/sdk/types.js";
import { z } from "zod";
import { errorMessage } from "../../core/errors.js";
import type { Tool } from "../tool.js";
import { mcpFunctionName } from "./mcp-tool-name.js";

/** Longest tool answer handed to the model; the bot speaks, it does not read out documents. */
const MAX_RESULT_CHARS = 4000;
const MAX_DESCRIPTION_CHARS = 1000;

export interface McpToolOptions {
  client: Client;
  serverName: string;
  tool: McpToolDescription;
  timeoutMs: number;
  takenNames: Set<string>;
}

const anyArguments = z.record(z.string(), z.unknown());

export function mcpTool({ client, serverName, tool, timeoutMs, takenNames }: McpToolOptions): Tool {
  const name = mcpFunctionName(serverName, tool.name, takenNames);
  takenNames.add(name);
  const label = `${serverName} ${tool.title ?? tool.name}`;
  const description = `${tool.description ?? tool.title ?? tool.name} (from the ${serverName} MCP server)`.slice(0, MAX_DESCRIPTION_CHARS);
  return {
    name,
    description,
    args: anyArguments,
    parameters: modelSchema(tool.inputSchema),
    async run(args, context) {
      try {
        const result = await client.callTool({ name: tool.name, arguments: args as Record<string, unknown> }, undefined, { signal: context.signal, timeout: timeoutMs });
        const text = resultText(result);
        if (result.isError) return `The ${label} tool failed: ${sentence(text || "no reason given")}`;
        return text.slice(0, MAX_RESULT_CHARS) || `The ${label} tool returned nothing.`;
      } catch (error) {
        if (error instanceof McpError && error.code === ErrorCode.RequestTimeout) return `The ${label} tool did not answer within ${timeoutMs / 1000} seconds.`;
        return `The ${label} tool is not reachable right now: ${sentence(errorMessage(error))}`;
      }
    },
  };
}

/** The server's input schema as LLM APIs take it: an object schema without a `$schema` marker. */
function modelSchema(inputSchema: McpToolDescription["inputSchema"]): Record<string, unknown> {
  const { $schema: _marker, ...schema } = inputSchema as Record<string, unknown>;
  return { ...schema, type: "object" };
}

/** Text parts joined, structured content as JSON, other parts named by type. */
function resultText(result: Awaited<ReturnType<Client["callTool"]>>): string {
  const content = Array.isArray(result.content) ? result.content : [];
  const parts = content.map((part) => {
    if (part.type === "text") return part.text;
    if (part.type === "resource" && "text" in part.resource) return String(part.resource.text);
    return `[${part.type}]`;
  });
  if (!parts.length && result.structuredContent) parts.push(JSON.stringify(result.structuredContent));
  return parts.join("\n").trim();
}

/** A failure reason short enough to say aloud. */
function sentence(text: string): string {
  const first = text.replace(/\s+/g, " ").trim().slice(0, 200);
  return /[.!?]$/.test(first) ? first : `${first}.`;
}
