/**
 * @module test/e2e/stream-peers
 * WebSocket peers for the end-to-end suites: a well-behaved Pipecat pipeline that speaks in real
 * time and counts the meeting audio it hears, a one-shot hostile connection that reports how it was
 * closed, and a flood that redials and sends as fast as the socket takes.
 */
import WebSocket from "ws";
import { decodePipecat } from "../../src/meeting/pipecat/pipecat-codec.js";
import { pipecatAudioFrame, toneBytes } from "../../src/meeting/pipecat/testing/pipecat-frames.js";

export interface CloseResult {
  code: number;
  reason: string;
}

/** Opens `url`, lets `send` misbehave once it is open, and resolves with how the server closed it. */
export function closeOf(url: string, send: (socket: WebSocket) => void, timeoutMs = 15_000): Promise<CloseResult> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(url);
    let lastError = "none";
    const timer = setTimeout(() => {
      socket.terminate();
      reject(new Error(`the server never closed ${url} (last socket error: ${lastError})`));
    }, timeoutMs);
    socket.once("open", () => send(socket));
    socket.once("close", (code, reason) => {
      clearTimeout(timer);
      resolve({ code, reason: reason.toString() });
    });
    // ws reports a refused or reset socket as an error, then closes it: the close decides.
    socket.on("error", (error) => {
      lastError = error.message;
    });
  });
}

export interface FloodResult {
  connections: number;
  /** Seconds of audio the flood tried to send. */
  audioSeconds: number;
  wallSeconds: number;
  /** How the server closed each connection; a connection the flood itself ended at its deadline is not counted. */
  closeCodes: number[];
}

/** Sends `frame` (worth `frameSeconds` of audio) as fast as the socket drains, redialing each time the server closes, for `durationMs`. */
export async function flood(url: string, frame: Uint8Array, frameSeconds: number, durationMs: number): Promise<FloodResult> {
  const started = Date.now();
  const end = started + durationMs;
  const result: FloodResult = { connections: 0, audioSeconds: 0, wallSeconds: 0, closeCodes: [] };
  while (Date.now() < end) {
    result.connections += 1;
    const code = await new Promise<number | undefined>((resolve) => {
      const socket = new WebSocket(url);
      // Closing at the deadline is ours: the server echoes a close without a status (1005), which says nothing about it.
      let endedByFlood = false;
      const pump = (): void => {
        while (socket.readyState === WebSocket.OPEN && socket.bufferedAmount < 1_000_000 && Date.now() < end) {
          socket.send(frame);
          result.audioSeconds += frameSeconds;
        }
        if (socket.readyState !== WebSocket.OPEN) return;
        if (Date.now() >= end) {
          endedByFlood = true;
          socket.close();
        } else setImmediate(pump);
      };
      socket.once("open", pump);
      socket.once("close", (closeCode) => resolve(endedByFlood ? undefined : closeCode));
      socket.on("error", () => socket.terminate());
    });
    if (code !== undefined) result.closeCodes.push(code);
  }
  result.wallSeconds = (Date.now() - started) / 1000;
  return result;
}

/** A Pipecat pipeline that behaves: it says a tone in real time and counts the meeting audio it hears. */
export class PipecatPipelinePeer {
  heardSamples = 0;
  private socket: WebSocket | undefined;
  private timer: NodeJS.Timeout | undefined;

  async connect(url: string): Promise<void> {
    const socket = new WebSocket(url);
    this.socket = socket;
    socket.on("message", (data: Buffer) => {
      const message = decodePipecat(new Uint8Array(data));
      if (message.kind === "audio") this.heardSamples += message.pcm.length;
    });
    await new Promise((resolve, reject) => {
      socket.once("open", resolve);
      socket.once("error", reject);
    });
  }

  /** Sends 100 ms of tone every 100 ms at `sampleRate`. */
  speak(sampleRate = 16000): void {
    const frame = pipecatAudioFrame({ audio: toneBytes(0.1, sampleRate), sampleRate });
    this.timer = setInterval(() => {
      if (this.socket?.readyState === WebSocket.OPEN) this.socket.send(frame);
    }, 100);
  }

  get isOpen(): boolean {
    return this.socket?.readyState === WebSocket.OPEN;
  }

  close(): void {
    if (this.timer) clearInterval(this.timer);
    this.socket?.close();
  }
}
