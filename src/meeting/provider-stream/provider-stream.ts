/**
 * @module meeting/provider-stream/provider-stream
 * The meeting side of the stream, as a MeetingBaas bot behaves: it dials our stream URL, sends the
 * JSON handshake, then the meeting's PCM as binary frames and the speaker roster as JSON arrays, and
 * plays whatever PCM comes back as the bot's voice. The built-in room and the MeetingBaas emulator
 * both use it, so our server always meets the same protocol.
 */
import { EventEmitter } from "node:events";
import WebSocket from "ws";
import type { Speaker } from "../../core/speaker.js";
import { Backoff } from "../../util/backoff.js";

export interface ProviderStreamOptions {
  url: string;
  botId: string;
  sampleRate: number;
  protocolVersion?: 1 | 2;
  /** Re-dial with backoff (1 s doubling to 60 s) when the socket drops, as newer bots do. */
  reconnect?: boolean;
}

export interface ProviderStreamEvents {
  open: [];
  /** PCM the server sent: the bot's voice. */
  audio: [pcm: Int16Array];
  /** A text frame: the server must never send one on this socket. */
  "protocol-violation": [text: string];
  close: [code: number, reason: string];
  error: [error: Error];
}

export class ProviderStream extends EventEmitter<ProviderStreamEvents> {
  private socket: WebSocket | undefined;
  private closed = false;
  private readonly redial = new Backoff({ initialMs: 1000, maxMs: 60_000 });
  /** Aborted by close(): ends a pending re-dial pause and its timer. */
  private readonly closing = new AbortController();
  private redialPending = false;

  constructor(private readonly options: ProviderStreamOptions) {
    super();
  }

  /** Dials the stream URL; resolves once the socket is open and the handshake sent. */
  connect(): Promise<void> {
    return new Promise((resolve, reject) => {
      const socket = new WebSocket(this.options.url, { perMessageDeflate: false });
      this.socket = socket;
      socket.binaryType = "nodebuffer";
      socket.once("open", () => {
        this.redial.reset();
        socket.send(
          JSON.stringify({ protocol_version: this.options.protocolVersion ?? 1, bot_id: this.options.botId, offset: 0.0, sample_rate: this.options.sampleRate }),
        );
        this.emit("open");
        resolve();
      });
      socket.on("message", (data: Buffer, isBinary) => {
        if (!isBinary) {
          this.emit("protocol-violation", data.toString("utf8"));
          return;
        }
        if (data.length % 2 !== 0) {
          this.emit("protocol-violation", `odd-length audio frame of ${data.length} bytes`);
          return;
        }
        const copy = Buffer.from(data);
        this.emit("audio", new Int16Array(copy.buffer, copy.byteOffset, copy.length / 2));
      });
      socket.once("error", (error) => {
        if (socket.readyState !== WebSocket.OPEN) reject(error);
        if (this.listenerCount("error") > 0) this.emit("error", error);
      });
      socket.once("close", (code, reason) => {
        this.emit("close", code, reason.toString());
        if (!this.closed && this.options.reconnect) this.scheduleReconnect();
      });
    });
  }

  get isOpen(): boolean {
    return this.socket?.readyState === WebSocket.OPEN;
  }

  /** Sends meeting audio; dropped while disconnected, as the real bot does. */
  sendAudio(pcm: Int16Array): void {
    if (this.isOpen) this.socket?.send(Buffer.from(pcm.buffer, pcm.byteOffset, pcm.byteLength), { binary: true });
  }

  sendSpeakers(speakers: readonly Speaker[]): void {
    if (!this.isOpen) return;
    this.socket?.send(JSON.stringify(speakers.map((s) => ({ name: s.name, id: s.id, timestamp: s.timestamp, isSpeaking: s.isSpeaking, ...(s.isBot ? { isBot: true } : {}) }))));
  }

  /** Leaves: a plain close with no application code, like the real bot. */
  close(): void {
    this.closed = true;
    this.closing.abort();
    this.socket?.close();
  }

  /** One pending re-dial at most: a failed dial both rejects and closes, and each asks for a retry. */
  private scheduleReconnect(): void {
    if (this.closed || this.redialPending) return;
    this.redialPending = true;
    // The pause never rejects; a dial that fails asks for the next one.
    void this.redial.wait({ signal: this.closing.signal, ref: false }).then((waited) => {
      this.redialPending = false;
      if (waited && !this.closed) this.connect().catch(() => this.scheduleReconnect());
    });
  }
}
