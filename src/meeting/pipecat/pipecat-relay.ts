/**
 * @module meeting/pipecat/pipecat-relay
 * For bots launched with `"pipeline": "pipecat"`: instead of the built-in voice pipeline, the
 * meeting's audio is relayed as protobuf frames to an external Pipecat pipeline that connects to
 * `/pipecat/{client_id}`, and the audio it sends back goes to the meeting. The relay does not pace:
 * Pipecat's output transport already sends audio in real time.
 */
import type { WebSocket } from "ws";
import { createResampler, type Resampler } from "../../audio/resampler.js";
import type { TranscriptLine, TurnMetricsSnapshot, VoicePipeline, VoicePipelineOptions } from "../../bots/bot-contracts.js";
import type { Speaker } from "../../pipeline/frames.js";
import { decodePipecat, encodePipecatAudio, encodePipecatMessage } from "./pipecat-codec.js";

const SPEAKING_WINDOW_MS = 200;

export class PipecatRelay implements VoicePipeline {
  private peer: WebSocket | undefined;
  private lastAudioAt = 0;
  private resampler: Resampler | undefined;
  private readonly listeners: ((line: TranscriptLine) => void)[] = [];
  invalidFrames = 0;

  constructor(private readonly options: VoicePipelineOptions) {}

  get clientId(): string {
    return this.options.botId;
  }

  /** The external pipeline connected; a newer connection replaces an older one. */
  attachPeer(socket: WebSocket): void {
    this.peer?.close(1000, "replaced by a newer connection");
    this.peer = socket;
    socket.on("message", (data: Buffer) => void this.fromPipecat(new Uint8Array(data.buffer, data.byteOffset, data.length)));
    socket.on("close", () => {
      if (this.peer === socket) this.peer = undefined;
    });
  }

  async start(): Promise<void> {}

  admitted(): void {
    this.send(encodePipecatMessage({ type: "admitted", bot_name: this.options.persona.name, entry_message: this.options.persona.entryMessage ?? null }));
  }

  pushAudio(pcm: Int16Array): void {
    this.send(encodePipecatAudio(pcm, this.options.streamSampleRate));
  }

  pushSpeakers(speakers: Speaker[]): void {
    this.send(encodePipecatMessage({ type: "speakers", speakers }));
  }

  isSpeaking(): boolean {
    return performance.now() - this.lastAudioAt < SPEAKING_WINDOW_MS;
  }

  metrics(): TurnMetricsSnapshot {
    return { turns: [], stages: {} };
  }

  onTranscript(listener: (line: TranscriptLine) => void): void {
    this.listeners.push(listener);
  }

  async stop(): Promise<void> {
    this.peer?.close(1000, "bot left the meeting");
    this.peer = undefined;
    this.resampler?.destroy();
  }

  private send(bytes: Uint8Array): void {
    if (this.peer?.readyState === this.peer?.OPEN) this.peer?.send(bytes, { binary: true });
  }

  private async fromPipecat(bytes: Uint8Array): Promise<void> {
    const message = decodePipecat(bytes);
    if (message.kind === "audio") {
      if (message.channels !== 1) {
        this.invalidFrames += 1;
        return;
      }
      if (this.resampler?.inputRate !== message.sampleRate) {
        this.resampler?.destroy();
        this.resampler = await createResampler(message.sampleRate, this.options.streamSampleRate);
      }
      this.lastAudioAt = performance.now();
      this.options.sendAudio(this.resampler.process(message.pcm));
    } else if (message.kind === "transcription") {
      for (const l of this.listeners) l({ role: "heard", text: message.text, speaker: message.userId || null, final: true });
    } else if (message.kind === "text") {
      for (const l of this.listeners) l({ role: "said", text: message.text, speaker: null, final: true });
    } else if (message.kind === "invalid") this.invalidFrames += 1;
  }
}
