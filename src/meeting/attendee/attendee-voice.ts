/**
 * @module meeting/attendee/attendee-voice
 * The bot's voice as Attendee plays it. Attendee cuts what it receives into 100 ms pieces and, when
 * no audio arrives for 150 ms, throws away whatever is left over that is shorter than a piece — the
 * end of every sentence. So we send whole 100 ms pieces only: frames from the pipeline (already
 * paced at real time) are gathered until a piece is full, and when the voice stops, the last piece
 * is padded with silence and sent after a short wait. Attendee cannot play less than a piece anyway,
 * so gathering adds no delay to what the meeting hears.
 */
import { encodeBase64Pcm } from "../provider-stream/base64-audio.js";
import type { OutboundMessage, VoiceEncoder } from "../provider-stream/stream-adapter.js";

export const PIECE_MS = 100;
/** Silence from the pipeline (which sends a frame every 20 ms while speaking) after which the voice has stopped. */
export const FINISH_AFTER_MS = 80;

export class AttendeeVoice implements VoiceEncoder {
  private readonly pieceSamples: number;
  private pending = new Int16Array(0);
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly send: (message: OutboundMessage) => void,
    private readonly sampleRate: number,
  ) {
    this.pieceSamples = (sampleRate * PIECE_MS) / 1000;
  }

  write(pcm: Int16Array): void {
    const joined = new Int16Array(this.pending.length + pcm.length);
    joined.set(this.pending);
    joined.set(pcm, this.pending.length);
    let offset = 0;
    for (; offset + this.pieceSamples <= joined.length; offset += this.pieceSamples) this.sendPiece(joined.subarray(offset, offset + this.pieceSamples));
    this.pending = joined.slice(offset);
    this.armFinish();
  }

  close(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    this.pending = new Int16Array(0);
  }

  private armFinish(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    if (this.pending.length === 0) return;
    this.timer = setTimeout(() => this.finish(), FINISH_AFTER_MS);
    this.timer.unref();
  }

  /** The voice stopped mid-piece: the rest is padded to a whole piece so Attendee plays it. */
  private finish(): void {
    this.timer = undefined;
    if (this.pending.length === 0) return;
    const piece = new Int16Array(this.pieceSamples);
    piece.set(this.pending);
    this.pending = new Int16Array(0);
    this.sendPiece(piece);
  }

  private sendPiece(piece: Int16Array): void {
    this.send(JSON.stringify({ trigger: "realtime_audio.bot_output", data: { chunk: encodeBase64Pcm(piece), sample_rate: this.sampleRate } }));
  }
}
