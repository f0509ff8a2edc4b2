/**
 * @module meeting/pipecat/pipecat-peer
 * One connection of an external Pipecat pipeline to a bot's relay. It checks each inbound frame
 * (codec rules, then the bot's flood budget), resamples the pipeline's voice to the meeting's rate,
 * and sends the meeting's audio out without letting a peer that stops reading grow our memory.
 *
 * Who pays for what: a peer that breaks the protocol loses this connection (close code and reason,
 * logged) and the bot waits for a proper one; a failure of our own code here is the relay's, and
 * `onFault` fails the bot. Nothing escapes into the socket's event handler.
 */
import type { WebSocket } from "ws";
import type { Resampler } from "../../audio/resampler.js";
import type { TranscriptLine } from "../../core/bot-contracts.js";
import type { Logger } from "../../logger.js";
import { closeForViolation, closeSocket } from "../close-socket.js";
import { asError, guardedCall } from "../../util/guarded-call.js";
import type { InboundBudget } from "../inbound-budget.js";
import { CLOSE_CODES, type StreamViolation, violation } from "../stream-violation.js";
import { decodePipecat } from "./pipecat-codec.js";

/** Meeting audio queued for a peer that stopped reading (~30 s at 16 kHz); beyond, it is dropped. */
const MAX_OUTBOUND_BACKLOG_BYTES = 1_000_000;
/** The peer's voice held while its resampler is being built. */
const MAX_PENDING_SECONDS = 1;

export interface PipecatPeerHandlers {
  /** The meeting's rate: the peer's voice is resampled to it. */
  outputRate: number;
  budget: InboundBudget;
  logger: Logger;
  createResampler(inputRate: number, outputRate: number): Promise<Resampler>;
  /** The peer's voice, at the meeting's rate. */
  play(pcm: Int16Array): void;
  transcript(line: TranscriptLine): void;
  /** Our own code failed on this connection. */
  onFault(error: Error): void;
  /** The connection ended, whoever closed it. */
  onClose(peer: PipecatPeer): void;
}

export class PipecatPeer {
  private inputRate: number | undefined;
  private resampler: Resampler | undefined;
  private pending: Int16Array[] = [];
  private pendingSamples = 0;
  private closed = false;
  private dropped = 0;

  constructor(
    private readonly socket: WebSocket,
    private readonly handlers: PipecatPeerHandlers,
  ) {
    socket.on("message", (data: Buffer | ArrayBuffer | Buffer[], isBinary: boolean) =>
      guardedCall(
        () => this.receive(data, isBinary),
        (error) => handlers.onFault(error),
      ),
    );
    socket.on("close", () => this.ended());
    socket.on("error", (error) => {
      handlers.logger.warn({ err: error.message }, "Pipecat connection error");
      this.ended();
    });
  }

  get isOpen(): boolean {
    return !this.closed && this.socket.readyState === this.socket.OPEN;
  }

  send(bytes: Uint8Array): void {
    if (!this.isOpen) return;
    if (this.socket.bufferedAmount > MAX_OUTBOUND_BACKLOG_BYTES) {
      this.dropped += 1;
      if (this.dropped === 1 || this.dropped % 500 === 0) this.handlers.logger.warn({ dropped: this.dropped }, "the Pipecat pipeline is not reading; dropping meeting audio");
      return;
    }
    this.socket.send(bytes, { binary: true });
  }

  close(code: number, reason: string): void {
    closeSocket(this.socket, code, reason);
    this.ended();
  }

  private receive(data: Buffer | ArrayBuffer | Buffer[], isBinary: boolean): void {
    if (this.closed) return;
    if (!isBinary) {
      this.refuse(violation(CLOSE_CODES.unsupportedData, "the Pipecat bridge takes binary protobuf frames only"));
      return;
    }
    const bytes = Buffer.isBuffer(data) ? data : Array.isArray(data) ? Buffer.concat(data) : Buffer.from(data);
    const message = decodePipecat(bytes);
    const found =
      message.kind === "invalid"
        ? message.violation
        : (this.handlers.budget.admitMessage() ?? (message.kind === "audio" ? this.handlers.budget.admitAudio(message.pcm.length / message.sampleRate) : undefined));
    if (found) this.refuse(found);
    else if (message.kind === "audio") this.playAudio(message.pcm, message.sampleRate);
    else if (message.kind === "transcription") this.deliver(() => this.handlers.transcript({ role: "heard", text: message.text, speaker: message.userId || null, final: true }));
    else if (message.kind === "text") this.deliver(() => this.handlers.transcript({ role: "said", text: message.text, speaker: null, final: true }));
    // Message and interruption frames need nothing: the relay neither paces nor buffers the voice.
  }

  /** The first audio frame fixes the peer's rate; one resampler is built for it, once. */
  private playAudio(pcm: Int16Array, rate: number): void {
    if (this.inputRate === undefined) {
      this.inputRate = rate;
      const onFault = (error: Error): void => this.handlers.onFault(error);
      this.handlers.createResampler(rate, this.handlers.outputRate).then(
        (resampler) => guardedCall(() => this.resamplerReady(resampler), onFault),
        (error: unknown) => onFault(asError(error)),
      );
    } else if (rate !== this.inputRate) {
      this.refuse(violation(CLOSE_CODES.invalidPayload, `sample rate changed from ${this.inputRate} to ${rate} Hz mid-stream`));
      return;
    }
    const resampler = this.resampler;
    if (resampler) {
      this.deliver(() => this.handlers.play(resampler.process(pcm)));
      return;
    }
    this.pending.push(pcm);
    this.pendingSamples += pcm.length;
    while (this.pendingSamples > MAX_PENDING_SECONDS * rate) this.pendingSamples -= this.pending.shift()?.length ?? this.pendingSamples;
  }

  private resamplerReady(resampler: Resampler): void {
    if (this.closed) {
      resampler.destroy();
      return;
    }
    this.resampler = resampler;
    const held = this.pending;
    this.pending = [];
    this.pendingSamples = 0;
    for (const pcm of held) this.deliver(() => this.handlers.play(resampler.process(pcm)));
  }

  /** Hands something to the relay; a throw or rejection there is a fault of the relay. */
  private deliver(call: () => void): void {
    guardedCall(call, (error) => this.handlers.onFault(error));
  }

  private refuse(found: StreamViolation): void {
    this.handlers.logger.warn({ code: found.code, reason: found.reason }, "closing a Pipecat connection that broke the protocol");
    closeForViolation(this.socket, found);
    this.ended();
  }

  private ended(): void {
    if (this.closed) return;
    this.closed = true;
    this.pending = [];
    this.resampler?.destroy();
    this.resampler = undefined;
    this.handlers.onClose(this);
  }
}
