/**
 * @module audio/echo/echo-suppressor
 * Removes known output signals (references) from inbound meeting audio. While no reference has
 * played for a second the input passes untouched at no cost. Otherwise each reference's channel
 * cancels its echo in turn, and a stretch the references explain almost entirely (what is left is
 * 10 dB or more below the input) is echo alone: it is replaced by silence, so the VAD, barge-in and
 * the recogniser never hear the bot's own voice. Someone talking over the bot is not explained by
 * the reference, so that audio passes, with the echo taken out.
 */
import { EchoChannel, type EchoReference, MAX_PIECE } from "./echo-channel.js";
import { NoiseFloor } from "./noise-floor.js";

export type { EchoReference } from "./echo-channel.js";

/** Where the references come from: the bot's own voice today, sibling bots' voices later. */
export interface EchoReferenceSource {
  references(): readonly EchoReference[];
}

/** After the last reference sample, echo handling stays on this long (the delay searched, and more). */
const TAIL_MS = 1000;
/** What is left must be at most this share of the input for a stretch to count as echo (-10 dB). */
const ECHO_RATIO = 0.1;
/** Noise fluctuates around its floor; this much of it is allowed in what is left. */
const NOISE_ALLOWANCE = 2;

export interface EchoStats {
  /** Inbound chunks seen, and those that went through the canceller. */
  chunks: number;
  processedChunks: number;
  /** Pieces (≤ 20 ms) with a reference playing into them, and those judged echo alone. */
  referencePieces: number;
  echoPieces: number;
}

export class EchoSuppressor {
  readonly stats: EchoStats = { chunks: 0, processedChunks: 0, referencePieces: 0, echoPieces: 0 };
  private readonly channels = new Map<EchoReference, EchoChannel>();
  private readonly noiseFloor = new NoiseFloor();
  private readonly active: EchoChannel[] = [];
  private readonly tail: number;
  private a = new Float32Array(MAX_PIECE);
  private b = new Float32Array(MAX_PIECE);

  constructor(
    private readonly source: EchoReferenceSource,
    readonly rate = 16000,
  ) {
    this.tail = (TAIL_MS * rate) / 1000;
  }

  /** The echo delay found for a reference, in milliseconds. */
  delayMs(reference: EchoReference): number | undefined {
    return this.channels.get(reference)?.delayMs;
  }

  /** Whether echo of this reference has been heard and is being cancelled. */
  cancelling(reference: EchoReference): boolean {
    return this.channels.get(reference)?.cancelling ?? false;
  }

  /**
   * Takes the inbound chunk that starts at stream position `position`; returns it unchanged when no
   * reference is recent, else a new chunk with echo removed.
   */
  process(pcm: Int16Array, position: number): Int16Array {
    this.stats.chunks += 1;
    const active = this.activeChannels(position);
    if (active.length === 0) return pcm;
    this.stats.processedChunks += 1;
    const out = new Int16Array(pcm.length);
    for (let offset = 0; offset < pcm.length; offset += MAX_PIECE) {
      const count = Math.min(MAX_PIECE, pcm.length - offset);
      this.processPiece(pcm, offset, count, position + offset, active, out);
    }
    return out;
  }

  private processPiece(pcm: Int16Array, offset: number, count: number, position: number, channels: EchoChannel[], out: Int16Array): void {
    let inputEnergy = 0;
    for (let i = 0; i < count; i++) {
      const x = pcm[offset + i]! / 32768;
      this.a[i] = x;
      inputEnergy += x * x;
    }
    let unexplained = -1;
    for (const channel of channels) {
      const left = channel.process(this.a, position, count, this.b);
      if (left >= 0) unexplained = left;
      const swap = this.a;
      this.a = this.b;
      this.b = swap;
    }
    if (unexplained >= 0) this.stats.referencePieces += 1;
    const noise = this.noiseFloor.update(inputEnergy / count) * count;
    // Background noise cannot be cancelled: what is left counts against the echo only above it.
    if (unexplained >= 0 && inputEnergy > 0 && unexplained <= ECHO_RATIO * inputEnergy + NOISE_ALLOWANCE * noise) {
      this.stats.echoPieces += 1;
      return;
    }
    for (let i = 0; i < count; i++) {
      const s = this.a[i]! * 32768;
      out[offset + i] = s >= 32767 ? 32767 : s <= -32768 ? -32768 : Math.round(s);
    }
  }

  /** Channels of the references heard within the tail, creating or dropping channels as the source changes. */
  private activeChannels(position: number): EchoChannel[] {
    const references = this.source.references();
    for (const reference of this.channels.keys()) if (!references.includes(reference)) this.channels.delete(reference);
    const active = this.active;
    active.length = 0;
    for (const reference of references) {
      if (position >= reference.end + this.tail) continue;
      let channel = this.channels.get(reference);
      if (!channel) {
        channel = new EchoChannel(reference, this.rate);
        this.channels.set(reference, channel);
      }
      active.push(channel);
    }
    return active;
  }
}
