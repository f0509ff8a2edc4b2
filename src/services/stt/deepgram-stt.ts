/**
 * @module services/stt/deepgram-stt
 * Deepgram live transcription over its WebSocket API (`/v1/listen`): binary linear16 audio in,
 * JSON `Results` messages out (interim and final), `Finalize` to flush when the user stops,
 * `KeepAlive` while nobody speaks, `CloseStream` at the end. Raw `ws` rather than the SDK: the
 * session is a handful of messages, and a plain socket lets tests point it at a local server.
 */
import WebSocket from "ws";
import { z } from "zod";
import { ProviderError, errorMessage } from "../../core/errors.js";
import { DRAIN_TIMEOUT_MS, socketClosed } from "./socket-drain.js";
import type { SpeechToText, SttSession, SttSessionHandlers, SttSessionOptions } from "./speech-to-text.js";

export interface DeepgramOptions {
  apiKey: string;
  baseUrl: string;
  model?: string;
}

const resultsSchema = z.object({
  type: z.literal("Results"),
  is_final: z.boolean().optional(),
  channel: z.object({
    alternatives: z.array(z.object({ transcript: z.string(), words: z.array(z.object({ speaker: z.number().int().optional() }).loose()).optional() })).min(1),
  }),
});

/** The diarization label of most of the words, when Deepgram gave one. */
export function majoritySpeaker(words: readonly { speaker?: number }[] | undefined): string | null {
  const counts = new Map<number, number>();
  for (const w of words ?? []) if (w.speaker !== undefined) counts.set(w.speaker, (counts.get(w.speaker) ?? 0) + 1);
  let best: [number, number] | undefined;
  for (const entry of counts) if (!best || entry[1] > best[1]) best = entry;
  return best ? String(best[0]) : null;
}

const KEEPALIVE_MS = 5000;
const CONNECT_TIMEOUT_MS = 10_000;

class DeepgramSession implements SttSession {
  private readonly keepAlive: NodeJS.Timeout;
  private closing = false;

  constructor(
    private readonly socket: WebSocket,
    private readonly handlers: SttSessionHandlers,
    private readonly language: string,
  ) {
    this.keepAlive = setInterval(() => this.sendJson({ type: "KeepAlive" }), KEEPALIVE_MS);
    this.keepAlive.unref();
    socket.on("message", (data, isBinary) => {
      if (!isBinary) this.onMessage(data.toString());
    });
    // A socket error is always followed by its close, which reports it with the reason.
    let socketError: Error | undefined;
    socket.on("error", (error) => {
      socketError = error;
    });
    socket.on("close", (code, reason) => {
      clearInterval(this.keepAlive);
      if (this.closing) return;
      const why = socketError ? `: ${errorMessage(socketError)}` : "";
      handlers.onError(new ProviderError("deepgram", `connection closed (${code} ${reason.toString()})${why}`, { retryable: true, cause: socketError }));
    });
  }

  write(audio: Int16Array): void {
    if (this.socket.readyState === WebSocket.OPEN) this.socket.send(Buffer.from(audio.buffer, audio.byteOffset, audio.byteLength));
  }

  finalize(): void {
    this.sendJson({ type: "Finalize" });
  }

  async close(options: { discard?: boolean } = {}): Promise<void> {
    if (this.closing) return;
    this.closing = true;
    clearInterval(this.keepAlive);
    // Deepgram answers CloseStream with the results of the audio it still holds, then closes.
    const draining = this.socket.readyState === WebSocket.OPEN && !options.discard;
    this.sendJson({ type: "CloseStream" });
    if (draining) await socketClosed(this.socket, DRAIN_TIMEOUT_MS);
    this.socket.close(1000);
  }

  private sendJson(message: object): void {
    if (this.socket.readyState === WebSocket.OPEN) this.socket.send(JSON.stringify(message));
  }

  private onMessage(text: string): void {
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      return;
    }
    const results = resultsSchema.safeParse(json);
    if (!results.success) return;
    const best = results.data.channel.alternatives[0];
    const transcript = best?.transcript ?? "";
    const speakerLabel = majoritySpeaker(best?.words);
    if (transcript.trim()) this.handlers.onTranscript({ text: transcript, final: results.data.is_final ?? false, language: this.language, speakerLabel });
  }
}

export class DeepgramSpeechToText implements SpeechToText {
  readonly name = "deepgram";
  readonly sampleRates = [16000, 24000, 48000];

  constructor(private readonly options: DeepgramOptions) {}

  open(options: SttSessionOptions, handlers: SttSessionHandlers): Promise<SttSession> {
    const query = new URLSearchParams({
      model: this.options.model ?? "nova-3",
      encoding: "linear16",
      sample_rate: String(options.sampleRate),
      channels: "1",
      language: options.language,
      interim_results: "true",
      punctuate: "true",
      smart_format: "true",
      endpointing: "300",
      // Who is talking, as a second witness beside the meeting's speaker events.
      diarize: "true",
    });
    addKeyterms(query, this.options.model ?? "nova-3", options.keyterms ?? []);
    const url = `${this.options.baseUrl.replace(/\/+$/, "")}/v1/listen?${query}`;
    return new Promise((resolve, reject) => {
      const socket = new WebSocket(url, { headers: { Authorization: `Token ${this.options.apiKey}` }, handshakeTimeout: CONNECT_TIMEOUT_MS });
      socket.once("open", () => resolve(new DeepgramSession(socket, handlers, options.language)));
      socket.once("unexpected-response", (_request, response) => {
        reject(new ProviderError("deepgram", `refused the connection with HTTP ${response.statusCode}`, { statusCode: response.statusCode }));
        socket.terminate();
      });
      socket.once("error", (error) => reject(new ProviderError("deepgram", errorMessage(error), { retryable: true, cause: error })));
    });
  }
}

/**
 * Nova-3 takes `keyterm` (a phrase per parameter); older models take `keywords` with a boost.
 * Deepgram caps keyterms, so only the first few names are sent.
 */
export function addKeyterms(query: URLSearchParams, model: string, keyterms: readonly string[]): void {
  const terms = [...new Set(keyterms.map((k) => k.trim()).filter(Boolean))].slice(0, 20);
  for (const term of terms) {
    if (model.startsWith("nova-3")) query.append("keyterm", term);
    else for (const word of term.split(/\s+/)) query.append("keywords", `${word}:2`);
  }
}
