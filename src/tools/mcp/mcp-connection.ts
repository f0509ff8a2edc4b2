/**
 * @module tools/mcp/mcp-connection
 * One bot's live connection to one MCP server, through the official `@modelcontextprotocol/sdk`
 * client: connect (streamable HTTP, SSE, or a local process for the operator's stdio servers), list
 * the tools, keep the allowed ones as our own `Tool`s, and close when the bot ends.
 *
 * A server chosen by a request is reached only through a fetch pinned to the addresses the policy
 * accepted; its headers go with every request and nowhere else (never into logs or errors).
 */
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { SSEClientTransport } from "@modelcontextprotocol/sdk/client/sse.js";
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import type { Transport } from "@modelcontextprotocol/sdk/shared/transport.js";
import type { Tool as McpToolDescription } from "@modelcontextprotocol/sdk/types.js";
import { AppError, errorMessage } from "../../core/errors.js";
import type { Logger } from "../../logger.js";
import type { AddressPolicy } from "../../net/address-policy.js";
import { headersWouldLeak } from "../../net/outbound-headers.js";
import { type PinnedFetch, createPinnedFetch } from "../../net/pinned-fetch.js";
import { FetchRefusedError, type Resolver } from "../../net/pinned-origin.js";
import { VERSION } from "../../core/version.js";
import type { Tool } from "../tool.js";
import type { McpServerPlan } from "./mcp-plan.js";
import { mcpTool } from "./mcp-tool.js";

/** Pages of tools/list read at most, so a server cannot keep a bot's launch waiting forever. */
const MAX_TOOL_PAGES = 10;

export interface McpConnection {
  readonly serverName: string;
  /** The server's tools this bot may call, named `mcp_<server>_<tool>`. */
  readonly tools: Tool[];
  /** What the server itself says about using it (from its initialize answer), if anything. */
  readonly serverInstructions: string | undefined;
  /** Closes the session; never rejects. */
  close(): Promise<void>;
}

export interface McpConnectDeps {
  policy: AddressPolicy;
  logger: Logger;
  /** Function names already used by this bot's tools. */
  takenNames: Set<string>;
  resolve?: Resolver;
}

export async function connectMcpServer(plan: McpServerPlan, deps: McpConnectDeps): Promise<McpConnection> {
  const pinned = await pinIfUntrusted(plan, deps);
  const transport = createTransport(plan, pinned);
  const client = new Client({ name: "speaking-bots", version: VERSION });
  const close = async () => {
    try {
      await client.close();
    } catch (error) {
      deps.logger.warn({ server: plan.name, err: errorMessage(error) }, "MCP session did not close cleanly");
    }
    await pinned?.close();
  };
  try {
    await withDeadline(client.connect(transport, { timeout: plan.timeoutMs }), plan.timeoutMs, "connect");
    const listed = await listAllTools(client, plan.timeoutMs);
    const tools = listed.filter((tool) => plan.allows(tool)).map((tool) => mcpTool({ client, serverName: plan.name, tool, timeoutMs: plan.timeoutMs, takenNames: deps.takenNames }));
    deps.logger.info({ server: plan.name, offered: listed.length, allowed: tools.map((tool) => tool.name) }, "MCP server connected");
    return { serverName: plan.name, tools, serverInstructions: client.getInstructions()?.slice(0, 4000), close };
  } catch (error) {
    await close();
    throw new AppError("MCP_UNAVAILABLE", `${plan.field}: MCP server ${plan.name} could not be used: ${errorMessage(error)}`, { retryable: true });
  }
}

/** Request-chosen servers are reached only at addresses the policy accepted; headers never in clear text. */
async function pinIfUntrusted(plan: McpServerPlan, deps: McpConnectDeps): Promise<PinnedFetch | undefined> {
  if (plan.trusted || plan.target.kind !== "http") return undefined;
  const { url, headers } = plan.target;
  if (headersWouldLeak(url, headers, deps.policy.isAllowlisted(new URL(url).hostname))) {
    throw new AppError("VALIDATION_FAILED", `${plan.field}.headers: headers need an https:// URL (plain http would send them in clear text)`);
  }
  try {
    return await createPinnedFetch(new URL(url), deps.policy, deps.resolve);
  } catch (error) {
    if (error instanceof FetchRefusedError) throw new AppError("VALIDATION_FAILED", `${plan.field}.url: ${error.message}`);
    throw error;
  }
}

function createTransport(plan: McpServerPlan, pinned: PinnedFetch | undefined): Transport {
  const target = plan.target;
  if (target.kind === "stdio") {
    return new StdioClientTransport({ command: target.command, args: target.args, env: target.env, cwd: target.cwd, stderr: "ignore" });
  }
  const options = { requestInit: { headers: target.headers }, ...(pinned ? { fetch: pinned.fetch } : {}) };
  return target.transport === "sse" ? new SSEClientTransport(new URL(target.url), options) : new StreamableHTTPClientTransport(new URL(target.url), options);
}

async function listAllTools(client: Client, timeoutMs: number): Promise<McpToolDescription[]> {
  const tools: McpToolDescription[] = [];
  let cursor: string | undefined;
  for (let page = 0; page < MAX_TOOL_PAGES; page++) {
    const result = await client.listTools(cursor ? { cursor } : undefined, { timeout: timeoutMs });
    tools.push(...result.tools);
    cursor = result.nextCursor;
    if (!cursor) break;
  }
  return tools;
}

/** The SDK times requests out, but not a transport that never opens (an SSE stream that never starts). */
async function withDeadline<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer to ${what} within ${ms / 1000} s`)), ms);
  });
  try {
    return await Promise.race([promise, deadline]);
  } finally {
    clearTimeout(timer);
  }
}
