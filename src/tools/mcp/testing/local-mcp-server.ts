/**
 * @module tools/mcp/testing/local-mcp-server
 * A real MCP server for tests, built with the official SDK and listening on 127.0.0.1: streamable
 * HTTP at `/mcp` (stateless, one SDK server per request, as the SDK documents) and the older SSE
 * transport at `/sse` + `/messages`. Its CRM-like tools cover what a bot meets: a read-only lookup,
 * a destructive update, a tool that reports an error, and one that never answers in time. Every
 * call and the headers of every HTTP request are recorded.
 */
import { type IncomingMessage, type Server, type ServerResponse, createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import { SSEServerTransport } from "@modelcontextprotocol/sdk/server/sse.js";
import { StreamableHTTPServerTransport } from "@modelcontextprotocol/sdk/server/streamableHttp.js";
import { z } from "zod";

export interface RecordedCall {
  tool: string;
  arguments: Record<string, unknown>;
}

export interface LocalMcpServerOptions {
  /** When set, requests without `Authorization: Bearer <token>` get 401. */
  bearerToken?: string;
  /** How long `slow_lookup` takes (ms). */
  slowMs?: number;
  instructions?: string;
}

export const ACME_ACCOUNT_ANSWER = "ACME Corp renews on March third; the account owner is Dana Whitfield.";

export class LocalMcpServer {
  readonly calls: RecordedCall[] = [];
  readonly requestHeaders: IncomingMessage["headers"][] = [];
  /** Failures while closing per-request sessions; a test may assert there were none. */
  readonly errors: unknown[] = [];
  private readonly http: Server;
  private readonly sseSessions = new Map<string, SSEServerTransport>();

  constructor(private readonly options: LocalMcpServerOptions = {}) {
    this.http = createServer((req, res) => {
      this.handle(req, res).catch((error: unknown) => {
        this.errors.push(error);
        if (!res.headersSent) res.writeHead(500).end(String(error));
      });
    });
  }

  async start(): Promise<string> {
    await new Promise<void>((resolve) => this.http.listen(0, "127.0.0.1", resolve));
    return this.url;
  }

  /** The streamable HTTP endpoint. */
  get url(): string {
    return `${this.origin}/mcp`;
  }

  get sseUrl(): string {
    return `${this.origin}/sse`;
  }

  get origin(): string {
    return `http://127.0.0.1:${(this.http.address() as AddressInfo).port}`;
  }

  /** SSE sessions whose stream is still open (a client that closed has none left). */
  get openSseSessions(): number {
    return this.sseSessions.size;
  }

  async stop(): Promise<void> {
    for (const transport of this.sseSessions.values()) await transport.close();
    this.http.closeAllConnections();
    await new Promise((resolve) => this.http.close(resolve));
  }

  private build(): McpServer {
    const server = new McpServer({ name: "acme-crm", version: "1.0.0" }, { instructions: this.options.instructions });
    server.registerTool(
      "get_account",
      { title: "Get account", description: "Look up a customer account: renewal date and owner", inputSchema: { account: z.string().describe("Company name") }, annotations: { readOnlyHint: true } },
      async ({ account }) => {
        this.calls.push({ tool: "get_account", arguments: { account } });
        const known = /acme/i.test(account);
        return { content: [{ type: "text", text: known ? ACME_ACCOUNT_ANSWER : `No account named ${account}.` }] };
      },
    );
    server.registerTool(
      "update_account",
      { description: "Change an account's notes", inputSchema: { account: z.string(), note: z.string() }, annotations: { readOnlyHint: false, destructiveHint: true } },
      async (args) => {
        this.calls.push({ tool: "update_account", arguments: args });
        return { content: [{ type: "text", text: "Updated." }] };
      },
    );
    server.registerTool("broken_report", { description: "A report that always fails", annotations: { readOnlyHint: true } }, async () => {
      this.calls.push({ tool: "broken_report", arguments: {} });
      return { isError: true, content: [{ type: "text", text: "The reporting database is offline" }] };
    });
    server.registerTool("slow_lookup", { description: "A lookup that takes its time", annotations: { readOnlyHint: true } }, async () => {
      this.calls.push({ tool: "slow_lookup", arguments: {} });
      await new Promise((resolve) => setTimeout(resolve, this.options.slowMs ?? 10_000));
      return { content: [{ type: "text", text: "finally" }] };
    });
    return server;
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    this.requestHeaders.push(req.headers);
    if (this.options.bearerToken && req.headers.authorization !== `Bearer ${this.options.bearerToken}`) {
      res.writeHead(401, { "content-type": "application/json" }).end(JSON.stringify({ error: "unauthorized" }));
      return;
    }
    const path = new URL(req.url ?? "/", "http://x").pathname;
    if (path === "/mcp") {
      const server = this.build();
      const transport = new StreamableHTTPServerTransport({ sessionIdGenerator: undefined, enableJsonResponse: true });
      res.on("close", () => {
        Promise.all([transport.close(), server.close()]).catch((error: unknown) => this.errors.push(error));
      });
      await server.connect(transport);
      await transport.handleRequest(req, res, await readJson(req));
      return;
    }
    if (path === "/sse" && req.method === "GET") {
      const transport = new SSEServerTransport("/messages", res);
      this.sseSessions.set(transport.sessionId, transport);
      res.on("close", () => this.sseSessions.delete(transport.sessionId));
      await this.build().connect(transport);
      return;
    }
    if (path === "/messages" && req.method === "POST") {
      const transport = this.sseSessions.get(new URL(req.url ?? "/", "http://x").searchParams.get("sessionId") ?? "");
      if (!transport) {
        res.writeHead(404).end("unknown session");
        return;
      }
      await transport.handlePostMessage(req, res, await readJson(req));
      return;
    }
    res.writeHead(404).end();
  }
}

async function readJson(req: IncomingMessage): Promise<unknown> {
  if (req.method !== "POST") return undefined;
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const text = Buffer.concat(chunks).toString("utf8");
  return text ? JSON.parse(text) : undefined;
}
