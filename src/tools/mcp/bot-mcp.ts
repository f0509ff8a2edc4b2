/**
 * @module tools/mcp/bot-mcp
 * Everything MCP for one bot: connects every server of its plan (all or none: a server that fails
 * fails the launch, after the others are closed again), gathers their tools, and writes the part
 * of the system prompt that tells the model what it can call and how.
 */
import type { Logger } from "../../logger.js";
import type { AddressPolicy } from "../../net/address-policy.js";
import type { Resolver } from "../../net/pinned-origin.js";
import type { Tool } from "../tool.js";
import { type McpConnection, connectMcpServer } from "./mcp-connection.js";
import type { McpPlan } from "./mcp-plan.js";

export interface BotMcp {
  tools: Tool[];
  /** The system prompt's MCP section; empty without MCP. */
  promptSection: string;
  /** Closes every session; never rejects. */
  close(): Promise<void>;
}

export const NO_MCP: BotMcp = { tools: [], promptSection: "", close: async () => {} };

export async function connectBotMcp(plan: McpPlan, deps: { policy: AddressPolicy; logger: Logger; reservedNames: Iterable<string>; resolve?: Resolver }): Promise<BotMcp> {
  if (!plan.servers.length && !plan.instructions.length && !plan.described.length) return NO_MCP;
  const takenNames = new Set(deps.reservedNames);
  const settled = await Promise.allSettled(plan.servers.map((server) => connectMcpServer(server, { ...deps, takenNames })));
  const connections = settled.flatMap((result) => (result.status === "fulfilled" ? [result.value] : []));
  const failure = settled.find((result) => result.status === "rejected");
  const closeAll = async () => {
    await Promise.all(connections.map((connection) => connection.close()));
  };
  if (failure) {
    await closeAll();
    throw failure.reason;
  }
  return { tools: connections.flatMap((connection) => connection.tools), promptSection: promptSection(plan, connections), close: closeAll };
}

function promptSection(plan: McpPlan, connections: McpConnection[]): string {
  const lines: string[] = [];
  for (const text of plan.instructions) lines.push(text.trim());
  connections.forEach((connection, index) => {
    const server = plan.servers[index];
    const names = connection.tools.map((tool) => tool.name);
    const notes = [server?.instructions, connection.serverInstructions].filter(Boolean).join(" ");
    lines.push(`- ${connection.serverName}: ${names.length ? `functions ${names.join(", ")}` : "no functions available to you"}.${notes ? ` ${notes}` : ""}`);
  });
  for (const server of plan.described) {
    lines.push(`- ${server.name} (described only; you cannot call it)${server.tools.length ? `: tools ${server.tools.join(", ")}` : ""}.${server.instructions ? ` ${server.instructions}` : ""}`);
  }
  if (!lines.length) return "";
  return [
    "## Live tools (MCP)",
    "During the meeting you can call functions of these MCP servers. Call one only when it helps answer what was asked; say the result briefly in your own words. If a function fails, say so in one short sentence.",
    ...lines,
  ].join("\n");
}
