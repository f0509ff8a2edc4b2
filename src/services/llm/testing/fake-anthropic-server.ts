/**
 * @module services/llm/testing/fake-anthropic-server
 * A local server that answers `POST /v1/messages` the way Anthropic's Messages API does. Streaming
 * requests get server-sent events — `message_start`, `content_block_start`, `ping`,
 * `content_block_delta` (`text_delta`, or `input_json_delta` pieces of a tool's input),
 * `content_block_stop`, `message_delta` with the stop reason, `message_stop` — and others a whole
 * message. It checks the key (`x-api-key`, or `Authorization: Bearer` as the current SDK sends it) and
 * `anthropic-version`, answers errors in Anthropic's error shape,
 * and records every request. Replies are scripted by the test.
 */
import { type IncomingMessage, type Server, type ServerResponse, createServer } from "node:http";
import type { AddressInfo } from "node:net";

export type AnthropicScriptedReply =
  | { text: string }
  | { toolUse: { name: string; input: Record<string, unknown> }; text?: string }
  | { status: number; error: string };

export interface FakeAnthropicOptions {
  apiKey?: string;
  replies?: AnthropicScriptedReply[];
  tokenDelayMs?: number;
}

export interface AnthropicRequestBody {
  model: string;
  max_tokens: number;
  stream?: boolean;
  system?: string;
  messages: { role: "user" | "assistant"; content: string | Record<string, unknown>[] }[];
  tools?: { name: string; description?: string; input_schema: Record<string, unknown> }[];
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export class FakeAnthropicServer {
  readonly requests: AnthropicRequestBody[] = [];
  private readonly server: Server;

  constructor(private readonly options: FakeAnthropicOptions = {}) {
    this.server = createServer((req, res) => {
      this.handle(req, res).catch((error: unknown) => {
        res.destroy(error instanceof Error ? error : new Error(String(error)));
      });
    });
  }

  /** Resolves with the API root an Anthropic client should use as its base URL. */
  async start(): Promise<string> {
    await new Promise<void>((resolve) => this.server.listen(0, "127.0.0.1", resolve));
    return this.baseUrl;
  }

  get baseUrl(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise((resolve) => this.server.close(resolve));
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    if (req.method !== "POST" || req.url?.split("?")[0] !== "/v1/messages") return this.error(res, 404, "not_found_error", "Not found");
    const key = req.headers["x-api-key"] ?? req.headers.authorization?.replace(/^Bearer /, "");
    if (key !== (this.options.apiKey ?? "sk-ant-test")) return this.error(res, 401, "authentication_error", "invalid x-api-key");
    if (!req.headers["anthropic-version"]) return this.error(res, 400, "invalid_request_error", "anthropic-version header is required");
    const body = JSON.parse(Buffer.concat(chunks).toString("utf8")) as AnthropicRequestBody;
    this.requests.push(body);
    const replies = this.options.replies ?? [{ text: "Hello there." }];
    const reply = replies[Math.min(this.requests.length - 1, replies.length - 1)] ?? { text: "" };
    if ("status" in reply) return this.error(res, reply.status, reply.status === 429 ? "rate_limit_error" : "api_error", reply.error);
    if (!body.stream) return this.whole(res, body, reply);
    await this.streamed(res, body, reply);
  }

  private error(res: ServerResponse, status: number, type: string, message: string): void {
    res.writeHead(status, { "content-type": "application/json" }).end(JSON.stringify({ type: "error", error: { type, message } }));
  }

  private whole(res: ServerResponse, body: AnthropicRequestBody, reply: Exclude<AnthropicScriptedReply, { status: number }>): void {
    const content: Record<string, unknown>[] = [];
    if (reply.text) content.push({ type: "text", text: reply.text });
    if ("toolUse" in reply) content.push({ type: "tool_use", id: "toolu_01", name: reply.toolUse.name, input: reply.toolUse.input });
    res.writeHead(200, { "content-type": "application/json" });
    res.end(JSON.stringify({ ...messageShell(body.model), content, stop_reason: "toolUse" in reply ? "tool_use" : "end_turn", usage: { input_tokens: 10, output_tokens: 10 } }));
  }

  private async streamed(res: ServerResponse, body: AnthropicRequestBody, reply: Exclude<AnthropicScriptedReply, { status: number }>): Promise<void> {
    res.writeHead(200, { "content-type": "text/event-stream", "cache-control": "no-cache", connection: "keep-alive" });
    const send = (event: Record<string, unknown> & { type: string }) => res.write(`event: ${event.type}\ndata: ${JSON.stringify(event)}\n\n`);
    send({ type: "message_start", message: { ...messageShell(body.model), content: [], stop_reason: null, usage: { input_tokens: 10, output_tokens: 1 } } });
    let index = 0;
    if (reply.text) {
      send({ type: "content_block_start", index, content_block: { type: "text", text: "" } });
      send({ type: "ping" });
      for (const token of reply.text.match(/\S+\s*/g) ?? []) {
        if (res.destroyed) return;
        send({ type: "content_block_delta", index, delta: { type: "text_delta", text: token } });
        await sleep(this.options.tokenDelayMs ?? 0);
      }
      send({ type: "content_block_stop", index });
      index++;
    }
    if ("toolUse" in reply) {
      const input = JSON.stringify(reply.toolUse.input);
      const half = Math.floor(input.length / 2);
      send({ type: "content_block_start", index, content_block: { type: "tool_use", id: `toolu_0${this.requests.length}`, name: reply.toolUse.name, input: {} } });
      send({ type: "content_block_delta", index, delta: { type: "input_json_delta", partial_json: "" } });
      send({ type: "content_block_delta", index, delta: { type: "input_json_delta", partial_json: input.slice(0, half) } });
      send({ type: "content_block_delta", index, delta: { type: "input_json_delta", partial_json: input.slice(half) } });
      send({ type: "content_block_stop", index });
    }
    send({ type: "message_delta", delta: { stop_reason: "toolUse" in reply ? "tool_use" : "end_turn", stop_sequence: null }, usage: { output_tokens: 12 } });
    send({ type: "message_stop" });
    res.end();
  }
}

function messageShell(model: string): Record<string, unknown> {
  return { id: "msg_fake", type: "message", role: "assistant", model, stop_sequence: null };
}
