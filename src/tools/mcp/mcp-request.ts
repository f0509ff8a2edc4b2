/**
 * @module tools/mcp/mcp-request
 * `mcp`, `mcp_profile` and `mcp_profile_tool_access` of `POST /bots`, with the original API's names
 * and limits. A request may only name remote servers (streamable HTTP, or the older SSE transport);
 * servers started as local processes (stdio) exist only in the server's own profile file.
 */
import { z } from "zod";
import { outboundHeadersSchema } from "../../net/outbound-headers.js";
import { urlShapeProblem } from "../../net/pinned-origin.js";

export const MCP_TRANSPORTS = ["streamable_http", "sse", "http"] as const;
export type McpRemoteTransport = (typeof MCP_TRANSPORTS)[number];

const toolName = z.string().trim().min(1).max(200);

export const mcpServerRequestSchema = z
  .object({
    name: z.string().trim().min(1).max(120).describe("Server name; the bot's function names are mcp_<name>_<tool>"),
    enabled: z.boolean().default(true).describe("Disabled servers are described to the model but not connected"),
    url: z
      .string()
      .trim()
      .max(2048)
      .optional()
      .describe("Remote MCP endpoint (http or https); required with a transport. Private, loopback and metadata addresses are refused unless the server's FETCH_ALLOW_HOSTS opens them"),
    headers: outboundHeadersSchema.optional().describe("Headers for every request to the server (e.g. Authorization); need https:// unless the host is allowlisted. Never logged"),
    transport: z
      .enum(MCP_TRANSPORTS)
      .optional()
      .describe("streamable_http (or http, the same): the current MCP HTTP transport; sse: the older HTTP+SSE transport. Omit for a metadata-only server the bot cannot call"),
    tools: z.array(toolName).max(50).optional().describe("Tool names the server is known to offer (shown to the model for metadata-only servers)"),
    tool_allowlist: z.array(toolName).max(50).optional().describe("Only these tools of the server are offered to the model; all of them when omitted"),
    timeout_seconds: z.number().min(0.1).max(300).optional().describe("Connect and tool-call timeout; default MCP_TIMEOUT_SECONDS"),
    instructions: z.string().max(4000).optional().describe("How and when the bot should use this server; added to its system prompt"),
  })
  .strict()
  .superRefine((server, context) => {
    if (server.transport && !server.url) context.addIssue({ code: "custom", path: ["url"], message: `is required when transport is ${server.transport}` });
    if (!server.transport && (server.url || server.headers)) context.addIssue({ code: "custom", path: ["transport"], message: "is required when url or headers are given" });
    const problem = server.url ? urlShapeProblem(server.url) : undefined;
    if (problem) context.addIssue({ code: "custom", path: ["url"], message: problem });
  });

export type McpServerRequest = z.infer<typeof mcpServerRequestSchema>;

export const mcpRequestSchema = z
  .object({
    servers: z.array(mcpServerRequestSchema).max(10).default([]).describe("MCP servers whose tools the bot may call"),
    instructions: z.string().max(4000).optional().describe("How the bot should use its MCP tools; added to its system prompt"),
  })
  .strict()
  .superRefine((mcp, context) => {
    const seen = new Set<string>();
    mcp.servers.forEach((server, index) => {
      const key = server.name.toLowerCase();
      if (seen.has(key)) context.addIssue({ code: "custom", path: ["servers", index, "name"], message: `another server is already called ${server.name}` });
      seen.add(key);
    });
  })
  .describe("MCP servers (Model Context Protocol) that give the bot live tools, and instructions for using them");

export type McpRequest = z.infer<typeof mcpRequestSchema>;

export const mcpProfileSchema = z
  .string()
  .trim()
  .regex(/^[a-z0-9][a-z0-9_-]{0,63}$/i, "must be a profile name such as professional")
  .describe("A named set of MCP servers from the server's MCP_PROFILES_FILE (e.g. professional, personal, all), merged with `mcp`");

export const mcpToolAccessSchema = z
  .enum(["read_only", "read_write"])
  .meta({ default: "read_only" })
  .describe("Tools of the mcp_profile servers offered to the bot: read_only (the default) or read_write, as the profile file defines them");
