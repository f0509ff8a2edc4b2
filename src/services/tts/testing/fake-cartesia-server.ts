/**
 * @module services/tts/testing/fake-cartesia-server
 * A local WebSocket server that speaks Cartesia's TTS protocol: it checks `api_key` and
 * `cartesia_version` in the URL, answers each request with base64 `pcm_s16le` chunks of a tone
 * whose length follows the text (about 60 ms per character, divided by the requested speed:
 * `generation_config.speed`, or `voice.__experimental_controls.speed` on the older −1…1 scale) at
 * the requested rate, then `done`;
 * `{context_id, cancel: true}` stops a context. The first chunk can be delayed.
 */
import type { AddressInfo } from "node:net";
import { WebSocketServer, type WebSocket } from "ws";

export interface FakeCartesiaOptions {
  apiKey?: string;
  firstChunkDelayMs?: number;
  msPerCharacter?: number;
}

interface TtsRequest {
  context_id: string;
  transcript?: string;
  cancel?: boolean;
  voice?: { id: string; __experimental_controls?: { speed?: number } };
  generation_config?: { speed?: number };
  output_format?: { sample_rate: number; encoding: string };
}

export class FakeCartesiaServer {
  readonly server: WebSocketServer;
  readonly requests: TtsRequest[] = [];
  readonly cancelled = new Set<string>();

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
    this.server.on("connection", (socket) => socket.on("message", (data) => this.handle(socket, JSON.parse(data.toString()) as TtsRequest)));
  }

  /** Resolves with the server's base URL once it listens. */
  async start(): Promise<string> {
    if (!this.server.address()) await new Promise((resolve) => this.server.once("listening", resolve));
    return this.url;
  }

  get url(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  stop(): Promise<void> {
    for (const client of this.server.clients) client.terminate();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }

  private handle(socket: WebSocket, request: TtsRequest): void {
    this.requests.push(request);
    if (request.cancel) {
      this.cancelled.add(request.context_id);
      return;
    }
    const rate = request.output_format?.sample_rate ?? 16000;
    const samples = Math.round((((request.transcript?.length ?? 0) * (this.options.msPerCharacter ?? 60)) / 1000 / speedOf(request)) * rate);
    const tone = Int16Array.from({ length: samples }, (_, i) => Math.round(8000 * Math.sin((2 * Math.PI * 220 * i) / rate)));
    const chunk = rate / 10;
    let offset = 0;
    const sendNext = () => {
      if (socket.readyState !== socket.OPEN) return;
      if (this.cancelled.has(request.context_id)) return;
      if (offset >= tone.length) {
        socket.send(JSON.stringify({ type: "done", done: true, status_code: 200, context_id: request.context_id }));
        return;
      }
      const piece = tone.subarray(offset, offset + chunk);
      offset += chunk;
      socket.send(JSON.stringify({ type: "chunk", data: Buffer.from(piece.buffer, piece.byteOffset, piece.byteLength).toString("base64"), done: false, status_code: 206, step_time: 1, context_id: request.context_id }));
      setImmediate(sendNext);
    };
    setTimeout(sendNext, this.options.firstChunkDelayMs ?? 0);
  }
}

/** The pace a request asks for, as a multiplier of the normal one. */
function speedOf(request: TtsRequest): number {
  const experimental = request.voice?.__experimental_controls?.speed;
  if (experimental !== undefined) return experimental >= 0 ? 1 + experimental * 0.5 : 1 + experimental * 0.4;
  return request.generation_config?.speed ?? 1;
}
