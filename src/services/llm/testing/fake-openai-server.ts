/**
 * @module services/llm/testing/fake-openai-server
 * A local server that answers `POST /v1/chat/completions` the way OpenAI does: server-sent events of
 * `chat.completion.chunk` objects ending with `data: [DONE]`, tool calls split across chunks, or a
 * plain JSON completion when `stream` is false. Replies are scripted by the test, with configurable
 * delays before the first token and between tokens; every request is recorded.
 */
import { type IncomingMessage, type Server, type ServerResponse, createServer } from "node:http";
import type { AddressInfo } from "node:net";

export type ScriptedReply =
  | { text: string }
  | { toolCall: { name: string; arguments: Record<string, unknown> } }
  | { status: number; error: string };

export interface FakeOpenAiOptions {
  /** Picks the reply for a request; by default replies are taken from `replies` in order, the last repeating. */
  reply?: (body: ChatRequestBody, index: number) => ScriptedReply;
  replies?: ScriptedReply[];
  firstTokenDelayMs?: number;
  tokenDelayMs?: number;
}

export interface ChatRequestBody {
  model: string;
  stream?: boolean;
  messages: { role: string; content: string | null; tool_calls?: unknown[]; tool_call_id?: string }[];
  tools?: { type: string; function: { name: string } }[];
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export class FakeOpenAiServer {
  readonly requests: ChatRequestBody[] = [];
  private readonly server: Server;

  constructor(private readonly options: FakeOpenAiOptions = {}) {
    this.server = createServer((req, res) => void this.handle(req, res));
  }

  async start(): Promise<string> {
    await new Promise<void>((resolve) => this.server.listen(0, "127.0.0.1", resolve));
    return this.baseUrl;
  }

  /** The `baseURL` an OpenAI client should use. */
  get baseUrl(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/v1`;
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise((resolve) => this.server.close(resolve));
  }

  private pick(body: ChatRequestBody): ScriptedReply {
    const index = this.requests.length - 1;
    if (this.options.reply) return this.options.reply(body, index);
    const replies = this.options.replies ?? [{ text: "Hello there." }];
    return replies[Math.min(index, replies.length - 1)] ?? { text: "" };
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    if (req.method !== "POST" || !req.url?.endsWith("/chat/completions")) {
      res.writeHead(404, { "content-type": "application/json" }).end(JSON.stringify({ error: { message: "not found" } }));
      return;
    }
    const body = JSON.parse(Buffer.concat(chunks).toString("utf8")) as ChatRequestBody;
    this.requests.push(body);
    const reply = this.pick(body);
    if ("status" in reply) {
      res.writeHead(reply.status, { "content-type": "application/json" });
      res.end(JSON.stringify({ error: { message: reply.error, type: "invalid_request_error", code: null } }));
      return;
    }
    if (!body.stream) return this.complete(res, body, reply);
    await this.streamReply(res, body, reply);
  }

  private complete(res: ServerResponse, body: ChatRequestBody, reply: { text: string } | { toolCall: { name: string; arguments: Record<string, unknown> } }): void {
    const message =
      "text" in reply
        ? { role: "assistant", content: reply.text }
        : { role: "assistant", content: null, tool_calls: [{ id: "call_1", type: "function", function: { name: reply.toolCall.name, arguments: JSON.stringify(reply.toolCall.arguments) } }] };
    res.writeHead(200, { "content-type": "application/json" });
    res.end(JSON.stringify({ id: "chatcmpl-fake", object: "chat.completion", created: 0, model: body.model, choices: [{ index: 0, message, finish_reason: "text" in reply ? "stop" : "tool_calls" }] }));
  }

  private async streamReply(res: ServerResponse, body: ChatRequestBody, reply: { text: string } | { toolCall: { name: string; arguments: Record<string, unknown> } }): Promise<void> {
    res.writeHead(200, { "content-type": "text/event-stream", "cache-control": "no-cache", connection: "keep-alive" });
    const send = (delta: Record<string, unknown>, finish: string | null = null) =>
      res.write(`data: ${JSON.stringify({ id: "chatcmpl-fake", object: "chat.completion.chunk", created: 0, model: body.model, choices: [{ index: 0, delta, finish_reason: finish }] })}\n\n`);
    send({ role: "assistant", content: "" });
    await sleep(this.options.firstTokenDelayMs ?? 0);
    if ("text" in reply) {
      for (const token of reply.text.match(/\S+\s*/g) ?? []) {
        if (res.destroyed) return;
        send({ content: token });
        await sleep(this.options.tokenDelayMs ?? 0);
      }
      send({}, "stop");
    } else {
      const args = JSON.stringify(reply.toolCall.arguments);
      const half = Math.floor(args.length / 2);
      send({ tool_calls: [{ index: 0, id: "call_1", type: "function", function: { name: reply.toolCall.name, arguments: "" } }] });
      send({ tool_calls: [{ index: 0, function: { arguments: args.slice(0, half) } }] });
      send({ tool_calls: [{ index: 0, function: { arguments: args.slice(half) } }] });
      send({}, "tool_calls");
    }
    res.write("data: [DONE]\n\n");
    res.end();
  }
}
