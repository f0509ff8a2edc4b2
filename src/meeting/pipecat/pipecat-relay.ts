/**
 * @module meeting/pipecat/pipecat-relay
 * For bots launched with `"pipeline": "pipecat"`: instead of the built-in voice pipeline, the
 * meeting's audio is relayed as protobuf frames to an external Pipecat pipeline, and the audio it
 * sends back goes to the meeting. The pipeline connects to `/pipecat/{token}` with the secret only
 * the bot's creator was given; one pipeline at a time, a second is refused while the first is live.
 * The relay does not pace: Pipecat's output transport already sends audio in real time, and the
 * bot's inbound budget closes a connection that sends faster than twice that.
 */
import type { WebSocket } from "ws";
import { createResampler, type Resampler } from "../../audio/resampler.js";
import type { TranscriptLine, TurnMetricsSnapshot, VoicePipeline } from "../../core/bot-contracts.js";
import type { VoicePipelineOptions } from "../../pipeline/voice-pipeline-options.js";
import type { Logger } from "../../logger.js";
import type { Speaker } from "../../core/speaker.js";
import { closeSocket } from "../close-socket.js";
import { InboundBudget } from "../inbound-budget.js";
import { CLOSE_CODES } from "../stream-violation.js";
import { encodePipecatAudio, encodePipecatMessage } from "./pipecat-codec.js";
import { PipecatPeer } from "./pipecat-peer.js";

const SPEAKING_WINDOW_MS = 200;

export interface PipecatRelayHooks {
  /** The secret in this relay's `/pipecat/{token}` URL. */
  token: string;
  logger: Logger;
  /** Called once, when the relay stops: its registry forgets it. */
  onStop(): void;
  createResampler?: (inputRate: number, outputRate: number) => Promise<Resampler>;
  budget?: InboundBudget;
}

export class PipecatRelay implements VoicePipeline {
  readonly peerToken: string;
  private peer: PipecatPeer | undefined;
  private stopped = false;
  private lastAudioAt = 0;
  private readonly budget: InboundBudget;
  private readonly listeners: ((line: TranscriptLine) => void)[] = [];

  constructor(
    private readonly options: VoicePipelineOptions,
    private readonly hooks: PipecatRelayHooks,
  ) {
    this.peerToken = hooks.token;
    this.budget = hooks.budget ?? new InboundBudget();
  }

  /** An external pipeline connected with this relay's secret. */
  attachPeer(socket: WebSocket): void {
    if (this.stopped) {
      closeSocket(socket, CLOSE_CODES.policyViolation, "this bot has left the meeting");
      return;
    }
    if (this.peer?.isOpen) {
      this.hooks.logger.warn("refused a second Pipecat pipeline while one is connected");
      closeSocket(socket, CLOSE_CODES.policyViolation, "another Pipecat pipeline is already connected to this bot");
      return;
    }
    this.peer = new PipecatPeer(socket, {
      outputRate: this.options.streamSampleRate,
      budget: this.budget,
      logger: this.hooks.logger,
      createResampler: this.hooks.createResampler ?? createResampler,
      play: (pcm) => this.playFromPeer(pcm),
      transcript: (line) => this.transcript(line),
      onFault: (error) => this.options.onFatal(error),
      onClose: (peer) => {
        if (this.peer === peer) this.peer = undefined;
      },
    });
    this.hooks.logger.info("Pipecat pipeline connected");
  }

  get peerConnected(): boolean {
    return this.peer?.isOpen ?? false;
  }

  async start(): Promise<void> {}

  admitted(): void {
    this.peer?.send(encodePipecatMessage({ type: "admitted", bot_name: this.options.persona.name, entry_message: this.options.persona.entryMessage ?? null }));
  }

  pushAudio(pcm: Int16Array): void {
    this.peer?.send(encodePipecatAudio(pcm, this.options.streamSampleRate));
  }

  pushSpeakers(speakers: Speaker[]): void {
    this.peer?.send(encodePipecatMessage({ type: "speakers", speakers }));
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
    if (this.stopped) return;
    this.stopped = true;
    this.peer?.close(1000, "bot left the meeting");
    this.peer = undefined;
    this.hooks.onStop();
  }

  /** The pipeline's voice, already at the meeting's rate. */
  private playFromPeer(pcm: Int16Array): void {
    this.lastAudioAt = performance.now();
    this.options.sendAudio(pcm);
  }

  private transcript(line: TranscriptLine): void {
    for (const listener of this.listeners) listener(line);
  }
}
