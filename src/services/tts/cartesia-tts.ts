/**
 * @module services/tts/cartesia-tts
 * Cartesia streaming synthesis over one WebSocket (`/tts/websocket`) shared by every bot of the
 * process: each sentence is a request with its own `context_id`, audio comes back as base64
 * `pcm_s16le` chunks at exactly the meeting's rate, and `{context_id, cancel: true}` stops it.
 * Raw `ws` rather than the SDK: multiplexing many bots' contexts on one socket and cancelling them
 * is simplest at the message level, and a plain socket lets tests use a local server.
 */
import { randomUUID } from "node:crypto";
import WebSocket from "ws";
import { z } from "zod";
import { ProviderError, errorMessage } from "../../core/errors.js";
import { AsyncQueue } from "../../util/async-queue.js";
import { cartesiaSpeed } from "./speech-speed.js";
import type { SynthesisOptions, TextToSpeech } from "./text-to-speech.js";

export interface CartesiaOptions {
  apiKey: string;
  baseUrl: string;
  defaultVoiceId: string;
  model?: string;
  version?: string;
  /** No first chunk within this long fails the sentence. */
  firstChunkTimeoutMs?: number;
}

const messageSchema = z.discriminatedUnion("type", [
  z.object({ type: z.literal("chunk"), context_id: z.string(), data: z.string() }),
  z.object({ type: z.literal("done"), context_id: z.string() }),
  z.object({ type: z.literal("error"), context_id: z.string().optional(), error: z.string().optional() }),
  z.object({ type: z.literal("timestamps"), context_id: z.string() }),
]);

type ContextEvent = { audio: Int16Array } | { done: true } | { error: ProviderError };

/** Cartesia voice ids are UUIDs; anything else (e.g. a local voice name) falls back to the default. */
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export class CartesiaTextToSpeech implements TextToSpeech {
  readonly name = "cartesia";
  private socket: Promise<WebSocket> | undefined;
  private readonly contexts = new Map<string, (event: ContextEvent) => void>();

  constructor(private readonly options: CartesiaOptions) {}

  async *synthesize(text: string, options: SynthesisOptions & { context: string }): AsyncIterable<Int16Array> {
    const socket = await this.connect();
    if (options.signal.aborted) return;
    const contextId = `${options.context}-${randomUUID()}`;
    const audio = new AsyncQueue<Int16Array>();
    this.contexts.set(contextId, (event) => {
      if ("audio" in event) audio.push(event.audio);
      else if ("done" in event) audio.end();
      else audio.fail(event.error);
    });
    const onAbort = () => {
      if (socket.readyState === WebSocket.OPEN) socket.send(JSON.stringify({ context_id: contextId, cancel: true }));
      audio.end();
    };
    options.signal.addEventListener("abort", onAbort, { once: true });
    const timeout = setTimeout(() => audio.fail(new ProviderError("cartesia", "no audio within the time limit", { retryable: true })), this.options.firstChunkTimeoutMs ?? 5000);
    try {
      socket.send(JSON.stringify(this.request(text, contextId, options)));
      for await (const chunk of audio) {
        if (options.signal.aborted) return;
        clearTimeout(timeout);
        yield chunk;
      }
    } finally {
      clearTimeout(timeout);
      options.signal.removeEventListener("abort", onAbort);
      this.contexts.delete(contextId);
    }
  }

  private request(text: string, contextId: string, options: SynthesisOptions): Record<string, unknown> {
    const model = this.options.model ?? "sonic-2";
    const speed = options.speed !== undefined && options.speed !== 1 ? cartesiaSpeed(model, options.speed) : {};
    return {
      model_id: model,
      transcript: text,
      voice: {
        mode: "id",
        id: options.voiceId && UUID.test(options.voiceId) ? options.voiceId : this.options.defaultVoiceId,
        ...(speed.experimentalSpeed !== undefined ? { __experimental_controls: { speed: speed.experimentalSpeed } } : {}),
      },
      ...(speed.generation_config ? { generation_config: speed.generation_config } : {}),
      language: options.language.split("-")[0],
      context_id: contextId,
      continue: false,
      output_format: { container: "raw", encoding: "pcm_s16le", sample_rate: options.sampleRate },
    };
  }

  private connect(): Promise<WebSocket> {
    this.socket ??= new Promise((resolve, reject) => {
      const base = this.options.baseUrl.replace(/^http/, "ws").replace(/\/+$/, "");
      const query = new URLSearchParams({ api_key: this.options.apiKey, cartesia_version: this.options.version ?? "2024-11-13" });
      const socket = new WebSocket(`${base}/tts/websocket?${query}`, { handshakeTimeout: 10_000 });
      socket.once("open", () => resolve(socket));
      socket.once("error", (error) => {
        this.socket = undefined;
        reject(new ProviderError("cartesia", errorMessage(error), { retryable: true, cause: error }));
      });
      socket.on("message", (data) => this.dispatch(data.toString()));
      socket.on("close", () => {
        this.socket = undefined;
        for (const deliver of this.contexts.values()) deliver({ error: new ProviderError("cartesia", "connection closed", { retryable: true }) });
      });
    });
    return this.socket;
  }

  private dispatch(text: string): void {
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      return;
    }
    const message = messageSchema.safeParse(json);
    if (!message.success) return;
    const m = message.data;
    const deliver = m.context_id ? this.contexts.get(m.context_id) : undefined;
    if (!deliver) return;
    if (m.type === "chunk") {
      const bytes = Buffer.from(m.data, "base64");
      const aligned = Buffer.from(bytes.subarray(0, bytes.length - (bytes.length % 2)));
      deliver({ audio: new Int16Array(aligned.buffer, aligned.byteOffset, aligned.length / 2) });
    } else if (m.type === "done") deliver({ done: true });
    else if (m.type === "error") deliver({ error: new ProviderError("cartesia", m.error ?? "synthesis failed", { retryable: false }) });
  }
}
