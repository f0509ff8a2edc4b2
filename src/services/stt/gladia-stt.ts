/**
 * @module services/stt/gladia-stt
 * Gladia live transcription (v2): `POST /v2/live` with the `x-gladia-key` header opens a session
 * and returns its WebSocket URL; binary PCM goes in, `{type: "transcript", data: {is_final,
 * utterance: {text}}}` messages come out, and `{type: "stop_recording"}` ends it.
 */
import WebSocket from "ws";
import { z } from "zod";
import { ProviderError, errorMessage } from "../../core/errors.js";
import { DRAIN_TIMEOUT_MS, socketClosed } from "./socket-drain.js";
import type { SpeechToText, SttSession, SttSessionHandlers, SttSessionOptions } from "./speech-to-text.js";

export interface GladiaOptions {
  apiKey: string;
  baseUrl: string;
}

const sessionSchema = z.object({ id: z.string(), url: z.string() });
const transcriptSchema = z.object({
  type: z.literal("transcript"),
  data: z.object({ is_final: z.boolean(), utterance: z.object({ text: z.string(), language: z.string().optional() }) }),
});

class GladiaSession implements SttSession {
  private closing = false;

  constructor(
    private readonly socket: WebSocket,
    handlers: SttSessionHandlers,
  ) {
    socket.on("message", (data, isBinary) => {
      if (isBinary) return;
      let json: unknown;
      try {
        json = JSON.parse(data.toString());
      } catch {
        return;
      }
      const message = transcriptSchema.safeParse(json);
      if (!message.success) return;
      const { utterance, is_final } = message.data.data;
      if (utterance.text.trim()) handlers.onTranscript({ text: utterance.text.trim(), final: is_final, language: utterance.language ?? null });
    });
    // A socket error is always followed by its close, which reports it with the reason.
    let socketError: Error | undefined;
    socket.on("error", (error) => {
      socketError = error;
    });
    socket.on("close", (code) => {
      if (this.closing) return;
      const why = socketError ? `: ${errorMessage(socketError)}` : "";
      handlers.onError(new ProviderError("gladia", `connection closed (${code})${why}`, { retryable: true, cause: socketError }));
    });
  }

  write(audio: Int16Array): void {
    if (this.socket.readyState === WebSocket.OPEN) this.socket.send(Buffer.from(audio.buffer, audio.byteOffset, audio.byteLength));
  }

  /** Gladia ends utterances with its own endpointing; there is nothing to flush. */
  finalize(): void {}

  async close(options: { discard?: boolean } = {}): Promise<void> {
    if (this.closing) return;
    this.closing = true;
    if (this.socket.readyState === WebSocket.OPEN) {
      // After stop_recording Gladia post-processes what it holds, sends the last results and closes.
      this.socket.send(JSON.stringify({ type: "stop_recording" }));
      if (!options.discard) await socketClosed(this.socket, DRAIN_TIMEOUT_MS);
    }
    this.socket.close(1000);
  }
}

export class GladiaSpeechToText implements SpeechToText {
  readonly name = "gladia";
  readonly sampleRates = [16000, 8000, 32000, 44100, 48000];

  constructor(private readonly options: GladiaOptions) {}

  async open(options: SttSessionOptions, handlers: SttSessionHandlers): Promise<SttSession> {
    const session = await this.createSession(options);
    return new Promise((resolve, reject) => {
      const socket = new WebSocket(session.url, { handshakeTimeout: 10_000 });
      socket.once("open", () => resolve(new GladiaSession(socket, handlers)));
      socket.once("error", (error) => reject(new ProviderError("gladia", errorMessage(error), { retryable: true, cause: error })));
    });
  }

  private async createSession(options: SttSessionOptions): Promise<z.infer<typeof sessionSchema>> {
    let response: Response;
    try {
      response = await fetch(`${this.options.baseUrl.replace(/\/+$/, "")}/v2/live`, {
        method: "POST",
        headers: { "x-gladia-key": this.options.apiKey, "content-type": "application/json" },
        body: JSON.stringify({
          encoding: "wav/pcm",
          bit_depth: 16,
          sample_rate: options.sampleRate,
          channels: 1,
          language_config: { languages: [options.language.split("-")[0]], code_switching: false },
          messages_config: { receive_partial_transcripts: true, receive_final_transcripts: true },
          ...customVocabulary(options.keyterms ?? []),
        }),
        signal: AbortSignal.timeout(10_000),
      });
    } catch (error) {
      throw new ProviderError("gladia", errorMessage(error), { retryable: true, cause: error });
    }
    const body = await response.json().catch(() => undefined);
    if (!response.ok) throw new ProviderError("gladia", `session refused: HTTP ${response.status} ${JSON.stringify(body ?? {}).slice(0, 200)}`, { statusCode: response.status });
    const parsed = sessionSchema.safeParse(body);
    if (!parsed.success) throw new ProviderError("gladia", "session answer had no id and url", { statusCode: 502, retryable: false });
    return parsed.data;
  }
}

/** Gladia's live custom vocabulary: the names, with a firm push towards them. */
export function customVocabulary(keyterms: readonly string[]): Record<string, unknown> {
  const vocabulary = [...new Set(keyterms.map((k) => k.trim()).filter(Boolean))].slice(0, 50);
  if (!vocabulary.length) return {};
  return { realtime_processing: { custom_vocabulary: true, custom_vocabulary_config: { vocabulary, default_intensity: 0.6 } } };
}
