/**
 * @module services/tts/testing/fake-cartesia-server
 * A local WebSocket server that speaks Cartesia's TTS protocol: it checks `api_key` and
 * `cartesia_version` in the URL and answers each input with base64 `pcm_s16le` chunks of a tone
 * whose length follows the text (about 60 ms per character, divided by the requested speed:
 * `generation_config.speed`, or `voice.__experimental_controls.speed` on the older −1…1 scale) at
 * the requested rate. Contexts work as Cartesia's do: inputs with `continue: true` add to one
 * context, `flush: true` (with an empty transcript) ends a stretch of audio with `flush_done`, and
 * chunks carry the current `flush_id`; an input with `continue: false` closes the context, which
 * ends with `done`. `{context_id, cancel: true}` stops a context. It refuses, with an `error`
 * message, what Cartesia refuses: no context id, input to a closed context, and a continuation
 * whose model, voice, language or output format differ from the context's. The first chunk of each
 * input can be delayed.
 */
import type { AddressInfo } from "node:net";
import { WebSocketServer, type WebSocket } from "ws";

export interface FakeCartesiaOptions {
  apiKey?: string;
  firstChunkDelayMs?: number;
  msPerCharacter?: number;
}

interface TtsMessage {
  context_id?: string;
  transcript?: string;
  continue?: boolean;
  flush?: boolean;
  cancel?: boolean;
  model_id?: string;
  language?: string;
  voice?: { id: string; __experimental_controls?: { speed?: number } };
  generation_config?: { speed?: number };
  output_format?: { sample_rate: number; encoding: string };
}

interface Context {
  settings: string;
  closed: boolean;
  flushId: number;
  /** The context's work in order: each input's audio, flushes and the final `done`. */
  queue: Promise<void>;
}

export class FakeCartesiaServer {
  readonly server: WebSocketServer;
  /** Inputs that carried text to speak. */
  readonly requests: TtsMessage[] = [];
  /** Every message received, in order (inputs, flushes, closes, cancels). */
  readonly messages: TtsMessage[] = [];
  /** Errors the server answered with, for tests that check the client speaks the protocol. */
  readonly refusals: string[] = [];
  readonly cancelled = new Set<string>();
  private readonly contexts = new Map<string, Context>();

  constructor(private readonly options: FakeCartesiaOptions = {}) {
    this.server = new WebSocketServer({
      port: 0,
      host: "127.0.0.1",
      verifyClient: (info, callback) => {
        const url = new URL(info.req.url ?? "", "http://x");
        const ok = url.pathname === "/tts/websocket" && url.searchParams.get("api_key") === (options.apiKey ?? "ca-key") && Boolean(url.searchParams.get("cartesia_version"));
        callback(ok, ok ? undefined : 401);
      },
    });
    this.server.on("connection", (socket) => socket.on("message", (data) => this.receive(socket, data.toString())));
  }

  /** Resolves with the server's base URL once it listens. */
  async start(): Promise<string> {
    if (!this.server.address()) await new Promise((resolve) => this.server.once("listening", resolve));
    return this.url;
  }

  get url(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  /** Context ids seen, in the order they were opened. */
  get contextIds(): string[] {
    return [...this.contexts.keys()];
  }

  stop(): Promise<void> {
    for (const client of this.server.clients) client.terminate();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }

  private receive(socket: WebSocket, text: string): void {
    let message: TtsMessage;
    try {
      message = JSON.parse(text) as TtsMessage;
    } catch {
      this.refuse(socket, undefined, "message is not JSON");
      return;
    }
    this.messages.push(message);
    const id = message.context_id;
    if (typeof id !== "string" || !id) {
      this.refuse(socket, undefined, "context_id is required");
      return;
    }
    if (message.cancel) {
      this.cancelled.add(id);
      const context = this.contexts.get(id);
      if (context) context.closed = true;
      return;
    }
    if (message.transcript) this.requests.push(message);
    const settings = JSON.stringify([message.model_id, message.voice, message.language, message.output_format, message.generation_config]);
    let context = this.contexts.get(id);
    if (context?.closed) {
      this.refuse(socket, id, `context ${id} is closed`);
      return;
    }
    if (context && context.settings !== settings) {
      this.refuse(socket, id, "a continuation must keep the context's model, voice, language and output format");
      return;
    }
    if (message.flush && message.continue !== true) {
      this.refuse(socket, id, "flush needs continue: true");
      return;
    }
    if (!context) {
      context = { settings, closed: false, flushId: 1, queue: Promise.resolve() };
      this.contexts.set(id, context);
    }
    const current = context;
    const transcript = message.transcript ?? "";
    if (transcript) this.enqueue(id, current, () => this.speak(socket, id, current, transcript, message));
    if (message.flush) {
      this.enqueue(id, current, () => {
        this.send(socket, { type: "flush_done", done: false, flush_done: true, flush_id: current.flushId, status_code: 206, context_id: id });
        current.flushId += 1;
      });
    }
    if (message.continue !== true) {
      current.closed = true;
      this.enqueue(id, current, () => this.send(socket, { type: "done", done: true, status_code: 200, context_id: id }));
    }
  }

  /** Queues work on a context; a cancelled context sends nothing more. */
  private enqueue(id: string, context: Context, work: () => Promise<void> | void): void {
    context.queue = context.queue.then(() => (this.cancelled.has(id) ? undefined : work()));
  }

  private refuse(socket: WebSocket, contextId: string | undefined, error: string): void {
    this.refusals.push(error);
    this.send(socket, { type: "error", done: true, status_code: 400, error, ...(contextId ? { context_id: contextId } : {}) });
  }

  private send(socket: WebSocket, message: Record<string, unknown>): void {
    if (socket.readyState === socket.OPEN) socket.send(JSON.stringify(message));
  }

  /** Streams one input's audio; resolves when it is all sent or the context was cancelled. */
  private async speak(socket: WebSocket, id: string, context: Context, transcript: string, request: TtsMessage): Promise<void> {
    const rate = request.output_format?.sample_rate ?? 16000;
    const samples = Math.round(((transcript.length * (this.options.msPerCharacter ?? 60)) / 1000 / speedOf(request)) * rate);
    const tone = Int16Array.from({ length: samples }, (_, i) => Math.round(8000 * Math.sin((2 * Math.PI * 220 * i) / rate)));
    const chunk = rate / 10;
    await new Promise((resolve) => setTimeout(resolve, this.options.firstChunkDelayMs ?? 0));
    for (let offset = 0; offset < tone.length; offset += chunk) {
      if (socket.readyState !== socket.OPEN || this.cancelled.has(id)) return;
      const piece = tone.subarray(offset, offset + chunk);
      this.send(socket, { type: "chunk", data: Buffer.from(piece.buffer, piece.byteOffset, piece.byteLength).toString("base64"), done: false, status_code: 206, step_time: 1, flush_id: context.flushId, context_id: id });
      await new Promise((resolve) => setImmediate(resolve));
    }
  }
}

/** The pace a request asks for, as a multiplier of the normal one. */
function speedOf(request: TtsMessage): number {
  const experimental = request.voice?.__experimental_controls?.speed;
  if (experimental !== undefined) return experimental >= 0 ? 1 + experimental * 0.5 : 1 + experimental * 0.4;
  return request.generation_config?.speed ?? 1;
}
