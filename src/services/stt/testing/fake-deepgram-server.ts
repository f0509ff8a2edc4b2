/**
 * @module services/stt/testing/fake-deepgram-server
 * A local WebSocket server that speaks Deepgram's live protocol: it checks the `Token` header,
 * takes binary linear16 audio, answers with `Results` messages — an interim one while audio with
 * energy arrives, and the scripted final transcript on `Finalize` — and honours `KeepAlive` and
 * `CloseStream`. Each final uses the next scripted transcript.
 */
import type { AddressInfo } from "node:net";
import { WebSocketServer, type WebSocket } from "ws";

export interface FakeDeepgramOptions {
  apiKey?: string;
  transcripts: string[];
  /** Delay before the final is sent after `Finalize`. */
  finalDelayMs?: number;
}

export class FakeDeepgramServer {
  readonly server: WebSocketServer;
  readonly requests: { url: string; authorization: string | undefined }[] = [];
  readonly control: string[] = [];
  receivedBytes = 0;
  private next = 0;

  constructor(private readonly options: FakeDeepgramOptions) {
    this.server = new WebSocketServer({
      port: 0,
      host: "127.0.0.1",
      verifyClient: (info, callback) => {
        const ok = info.req.headers.authorization === `Token ${options.apiKey ?? "dg-key"}`;
        callback(ok, ok ? undefined : 401, ok ? undefined : "Unauthorized");
      },
    });
    this.server.on("connection", (socket, request) => {
      this.requests.push({ url: request.url ?? "", authorization: request.headers.authorization });
      this.serve(socket);
    });
  }

  /** Resolves with the server's base URL once it listens. */
  async start(): Promise<string> {
    if (!this.server.address()) await new Promise((resolve) => this.server.once("listening", resolve));
    return this.url;
  }

  get url(): string {
    return `ws://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  /** Drops every open connection, as a network failure would. */
  dropAll(): void {
    for (const client of this.server.clients) client.terminate();
  }

  stop(): Promise<void> {
    for (const client of this.server.clients) client.terminate();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }

  private serve(socket: WebSocket): void {
    let heard = 0;
    socket.on("message", (data: Buffer, isBinary) => {
      if (isBinary) {
        this.receivedBytes += data.length;
        heard += data.length;
        if (heard > 16000) {
          heard = 0;
          socket.send(results("...", false));
        }
        return;
      }
      const message = JSON.parse(data.toString()) as { type: string };
      this.control.push(message.type);
      if (message.type === "Finalize") {
        const text = this.options.transcripts[Math.min(this.next++, this.options.transcripts.length - 1)] ?? "";
        setTimeout(() => socket.readyState === socket.OPEN && socket.send(results(text, true)), this.options.finalDelayMs ?? 0);
      }
      if (message.type === "CloseStream") {
        // As Deepgram does: the results still owed go out first, then the metadata, then the close.
        setTimeout(() => {
          if (socket.readyState !== socket.OPEN) return;
          socket.send(JSON.stringify({ type: "Metadata", request_id: "fake", duration: 0 }));
          socket.close(1000);
        }, this.options.finalDelayMs ?? 0);
      }
    });
  }
}

function results(transcript: string, isFinal: boolean): string {
  return JSON.stringify({
    type: "Results",
    channel_index: [0, 1],
    duration: 1,
    start: 0,
    is_final: isFinal,
    speech_final: isFinal,
    from_finalize: isFinal,
    channel: { alternatives: [{ transcript, confidence: 0.98, words: [] }] },
  });
}
