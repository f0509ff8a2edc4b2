/**
 * @module services/tts/cartesia-tts
 * Cartesia streaming synthesis over one WebSocket (`/tts/websocket`) shared by every bot of the
 * process. A reply is one Cartesia context: each sentence goes in as an input with
 * `continue: true` followed by a flush, whose `flush_done` marks the end of that sentence's audio,
 * so sentence two neither opens a new context nor breaks the voice's prosody. Ending the reply
 * sends `continue: false`; an interruption sends `{context_id, cancel: true}`. Audio comes back as
 * base64 `pcm_s16le` at exactly the meeting's rate.
 * Raw `ws` rather than the SDK: multiplexing many bots' contexts on one socket and cancelling them
 * is simplest at the message level, and a plain socket lets tests use a local server.
 */
import { randomUUID } from "node:crypto";
import WebSocket from "ws";
import { ProviderError, errorMessage } from "../../core/errors.js";
import { AsyncQueue } from "../../util/async-queue.js";
import { type CartesiaEvent, decodeCartesiaMessage } from "./cartesia-messages.js";
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

type SentenceEvent = { audio: Int16Array } | { end: true } | { error: ProviderError };

/** One reply's Cartesia context. Its sentences run one after another. */
interface Reply {
  key: string;
  contextId: string;
  /** The request fields every input of the context repeats; a change needs a new context. */
  settings: Record<string, unknown>;
  settingsKey: string;
  deliver: ((event: SentenceEvent) => void) | undefined;
  busy: Promise<void>;
  idle: NodeJS.Timeout | undefined;
}

/** A reply that nobody ended is closed after this long without a sentence, so contexts do not pile up. */
const REPLY_IDLE_MS = 10_000;

/** Cartesia voice ids are UUIDs; anything else (e.g. a local voice name) falls back to the default. */
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export class CartesiaTextToSpeech implements TextToSpeech {
  readonly name = "cartesia";
  private socket: Promise<WebSocket> | undefined;
  private readonly replies = new Map<string, Reply>();
  private readonly byContextId = new Map<string, Reply>();

  constructor(private readonly options: CartesiaOptions) {}

  async *synthesize(text: string, options: SynthesisOptions & { context: string }): AsyncIterable<Int16Array> {
    const socket = await this.connect();
    if (options.signal.aborted) return;
    const reply = this.replyFor(options);
    let release = () => {};
    const previous = reply.busy;
    reply.busy = new Promise<void>((resolve) => (release = resolve));
    await previous;
    try {
      if (options.signal.aborted) return;
      // The sentence before failed and closed the context: this one starts a new context.
      if (this.replies.get(reply.key) !== reply) yield* this.synthesize(text, options);
      else yield* this.sentence(socket, reply, text, options.signal);
    } finally {
      release();
    }
  }

  /** Closes the reply's context; later sentences with the same key open a new one. Idempotent. */
  endReply(key: string): void {
    const reply = this.replies.get(key);
    if (!reply) return;
    this.replies.delete(key);
    clearTimeout(reply.idle);
    // After the sentence in flight, if any, which keeps receiving its audio: closing earlier would cut it.
    void reply.busy.then(() => {
      if (!this.byContextId.has(reply.contextId)) return;
      this.forget(reply);
      this.send({ ...reply.settings, context_id: reply.contextId, transcript: "", continue: false });
    });
  }

  private async *sentence(socket: WebSocket, reply: Reply, text: string, signal: AbortSignal): AsyncIterable<Int16Array> {
    clearTimeout(reply.idle);
    const audio = new AsyncQueue<Int16Array>();
    reply.deliver = (event) => {
      if ("error" in event) {
        this.forget(reply);
        audio.fail(event.error);
      } else if ("end" in event) audio.end();
      else audio.push(event.audio);
    };
    const onAbort = () => {
      this.forget(reply);
      this.send({ context_id: reply.contextId, cancel: true });
      audio.end();
    };
    signal.addEventListener("abort", onAbort, { once: true });
    const timeout = setTimeout(() => reply.deliver?.({ error: new ProviderError("cartesia", "no audio within the time limit", { retryable: true }) }), this.options.firstChunkTimeoutMs ?? 5000);
    try {
      socket.send(JSON.stringify({ ...reply.settings, context_id: reply.contextId, transcript: text, continue: true }));
      socket.send(JSON.stringify({ ...reply.settings, context_id: reply.contextId, transcript: "", continue: true, flush: true }));
      for await (const chunk of audio) {
        if (signal.aborted) return;
        clearTimeout(timeout);
        yield chunk;
      }
    } finally {
      clearTimeout(timeout);
      signal.removeEventListener("abort", onAbort);
      reply.deliver = undefined;
      if (this.replies.get(reply.key) === reply) reply.idle = setTimeout(() => this.endReply(reply.key), REPLY_IDLE_MS).unref();
    }
  }

  /** The open reply for this context key, or a new one when there is none or its settings changed. */
  private replyFor(options: SynthesisOptions & { context: string }): Reply {
    const settings = this.settings(options);
    const settingsKey = JSON.stringify(settings);
    const open = this.replies.get(options.context);
    if (open && open.settingsKey === settingsKey) return open;
    if (open) this.endReply(open.key);
    const reply: Reply = { key: options.context, contextId: randomUUID(), settings, settingsKey, deliver: undefined, busy: Promise.resolve(), idle: undefined };
    this.replies.set(reply.key, reply);
    this.byContextId.set(reply.contextId, reply);
    return reply;
  }

  private forget(reply: Reply): void {
    clearTimeout(reply.idle);
    if (this.replies.get(reply.key) === reply) this.replies.delete(reply.key);
    this.byContextId.delete(reply.contextId);
  }

  private settings(options: SynthesisOptions): Record<string, unknown> {
    const model = this.options.model ?? "sonic-2";
    const speed = options.speed !== undefined && options.speed !== 1 ? cartesiaSpeed(model, options.speed) : {};
    return {
      model_id: model,
      voice: {
        mode: "id",
        id: options.voiceId && UUID.test(options.voiceId) ? options.voiceId : this.options.defaultVoiceId,
        ...(speed.experimentalSpeed !== undefined ? { __experimental_controls: { speed: speed.experimentalSpeed } } : {}),
      },
      ...(speed.generation_config ? { generation_config: speed.generation_config } : {}),
      language: options.language.split("-")[0],
      output_format: { container: "raw", encoding: "pcm_s16le", sample_rate: options.sampleRate },
    };
  }

  /** Sends on the socket if it is open; a closed socket already failed every sentence in flight. */
  private send(message: Record<string, unknown>): void {
    void this.socket?.then(
      (socket) => socket.readyState === WebSocket.OPEN && socket.send(JSON.stringify(message)),
      () => undefined,
    );
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
      socket.on("message", (data) => this.dispatch(decodeCartesiaMessage(data.toString())));
      socket.on("close", () => {
        this.socket = undefined;
        const open = [...this.byContextId.values()];
        for (const reply of open) {
          this.forget(reply);
          reply.deliver?.({ error: new ProviderError("cartesia", "connection closed", { retryable: true }) });
        }
      });
    });
    return this.socket;
  }

  private dispatch(event: CartesiaEvent | null): void {
    if (!event) return;
    if (event.kind === "error" && event.contextId === undefined) {
      // An error for no context concerns whatever is in flight on this socket.
      for (const reply of this.byContextId.values()) reply.deliver?.({ error: new ProviderError("cartesia", event.error, { retryable: false }) });
      return;
    }
    const reply = event.contextId === undefined ? undefined : this.byContextId.get(event.contextId);
    if (!reply) return;
    // A context the provider ended (or failed) takes no more input: the next sentence opens another.
    if (event.kind === "done" || event.kind === "error") this.forget(reply);
    if (!reply.deliver) return;
    if (event.kind === "audio") reply.deliver({ audio: event.audio });
    else if (event.kind === "error") reply.deliver({ error: new ProviderError("cartesia", event.error, { retryable: false }) });
    // The end of the flushed sentence, or of the whole context if the provider closed it early.
    else reply.deliver({ end: true });
  }
}
