/**
 * @module services/stt/testing/fake-gladia-server
 * A local server speaking Gladia's live API: `POST /v2/live` (checks `x-gladia-key`, answers
 * `{id, url}`), then a WebSocket at that URL that takes binary PCM and, once it has received
 * `speechBytes` of audio, sends a partial and then the final scripted transcript.
 */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { WebSocketServer } from "ws";

export class FakeGladiaServer {
  private readonly http: Server;
  private readonly wss = new WebSocketServer({ noServer: true });
  readonly sessions: Record<string, unknown>[] = [];
  stopped = 0;

  constructor(private readonly options: { apiKey?: string; transcript: string; speechBytes: number }) {
    this.http = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on("data", (c: Buffer) => chunks.push(c));
      req.on("end", () => {
        if (req.method !== "POST" || req.url !== "/v2/live") return void res.writeHead(404).end();
        if (req.headers["x-gladia-key"] !== (options.apiKey ?? "gl-key")) return void res.writeHead(401, { "content-type": "application/json" }).end('{"message":"Unauthorized"}');
        this.sessions.push(JSON.parse(Buffer.concat(chunks).toString()) as Record<string, unknown>);
        const id = `session-${this.sessions.length}`;
        res.writeHead(201, { "content-type": "application/json" }).end(JSON.stringify({ id, url: `${this.wsBase}/v2/live/${id}` }));
      });
    });
    this.http.on("upgrade", (req, socket, head) => this.wss.handleUpgrade(req, socket, head, (ws) => this.serve(ws)));
  }

  async start(): Promise<string> {
    await new Promise<void>((resolve) => this.http.listen(0, "127.0.0.1", resolve));
    return `http://127.0.0.1:${(this.http.address() as AddressInfo).port}`;
  }

  private get wsBase(): string {
    return `ws://127.0.0.1:${(this.http.address() as AddressInfo).port}`;
  }

  async stop(): Promise<void> {
    for (const client of this.wss.clients) client.terminate();
    this.http.closeAllConnections();
    await new Promise((resolve) => this.http.close(resolve));
  }

  private serve(ws: import("ws").WebSocket): void {
    let bytes = 0;
    let done = false;
    const send = (isFinal: boolean, text: string) =>
      ws.send(JSON.stringify({ type: "transcript", session_id: "s", created_at: new Date().toISOString(), data: { id: "u1", is_final: isFinal, utterance: { text, language: "en", start: 0, end: 1, channel: 0 } } }));
    ws.on("message", (data: Buffer, isBinary) => {
      if (!isBinary) {
        if (JSON.parse(data.toString()).type === "stop_recording") {
          this.stopped += 1;
          // Nothing is left to post-process here: the session ends at once, as Gladia ends it.
          ws.close(1000);
        }
        return;
      }
      bytes += data.length;
      if (!done && bytes >= this.options.speechBytes) {
        done = true;
        send(false, this.options.transcript.split(" ").slice(0, 2).join(" "));
        send(true, this.options.transcript);
      }
    });
  }
}
