/**
 * @module tools/mcp/testing/stdio-mcp-server
 * A real MCP server on stdin/stdout, built with the official SDK, for tests of the operator's
 * stdio profiles: run it as `node --import tsx stdio-mcp-server.ts`. It offers one read-only tool.
 */
import { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import { StdioServerTransport } from "@modelcontextprotocol/sdk/server/stdio.js";
import { z } from "zod";

const server = new McpServer({ name: "meeting-docs", version: "1.0.0" });
server.registerTool(
  "read_agenda",
  { description: "Read the agenda of a meeting", inputSchema: { meeting: z.string() }, annotations: { readOnlyHint: true } },
  async ({ meeting }) => ({ content: [{ type: "text", text: `Agenda of ${meeting}: budget, hiring, launch date.` }] }),
);
server.registerTool("delete_agenda", { description: "Delete an agenda", annotations: { destructiveHint: true } }, async () => ({ content: [{ type: "text", text: "Deleted." }] }));
await server.connect(new StdioServerTransport());
