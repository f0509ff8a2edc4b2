/**
 * @module meeting/meetingbaas/testing/fake-meeting-bot
 * One emulated MeetingBaas bot in a meeting: dials the stream URL, streams meeting audio without a
 * break (queued speech, else silence) in real-time chunks, announces the roster, and records the PCM
 * our server sends back as it would play it.
 */
import { concatPcm } from "../../../audio/pcm.js";
import type { Speaker } from "../../../core/speaker.js";
import { ProviderStream } from "../../provider-stream/provider-stream.js";

export interface FakeBotScript {
  /** Meeting participants announced in the roster once "admitted". */
  participants: string[];
  /** Delay before dialing the stream URL; `null` never dials. */
  connectDelayMs: number | null;
  /** Samples per chunk sent (default 100 ms). */
  chunkSamples?: number;
  protocolVersion?: 1 | 2;
  /**
   * Re-dial the stream URL when the socket drops (1 s backing off to 60 s), as MeetingBaas bots do:
   * a server restarted with the same client ids gets its streams back.
   */
  redial?: boolean;
}

export class FakeMeetingBot {
  readonly received: Int16Array[] = [];
  /** `performance.now()` at each received chunk, to find gaps in the bot's voice. */
  readonly arrivals: number[] = [];
  readonly violations: string[] = [];
  firstAudioReceivedAt: number | undefined;
  /** How many times the stream opened: more than one means the bot re-dialed. */
  opens = 0;
  /** Close codes the bot's stream saw, in order (1006 when the server vanished). */
  readonly closeCodes: number[] = [];
  readonly streamErrors: string[] = [];
  private stream: ProviderStream | undefined;
  private timer: NodeJS.Timeout | undefined;
  private queued = new Int16Array(0);
  private readonly chunkSamples: number;
  connected = false;
  left = false;

  constructor(
    readonly botId: string,
    readonly streamUrl: string,
    readonly sampleRate: number,
    private readonly script: FakeBotScript,
  ) {
    this.chunkSamples = script.chunkSamples ?? sampleRate / 10;
    if (script.connectDelayMs !== null) setTimeout(() => void this.dial(), script.connectDelayMs).unref();
  }

  /** A participant says this (PCM at the stream rate); it is sent after what is already queued. */
  say(pcm: Int16Array, speaker = this.script.participants[0] ?? "Participant"): void {
    const joined = new Int16Array(this.queued.length + pcm.length);
    joined.set(this.queued);
    joined.set(pcm, this.queued.length);
    this.queued = joined;
    this.setSpeaking(speaker, true);
  }

  /** Whether queued speech is still being streamed into the meeting. */
  get talking(): boolean {
    return this.queued.length > 0;
  }

  /** Everything our server sent, concatenated, as it would have played. */
  heard(): Int16Array {
    return concatPcm(this.received);
  }

  leave(): void {
    this.left = true;
    if (this.timer) clearInterval(this.timer);
    this.stream?.close();
  }

  private async dial(): Promise<void> {
    if (this.left) return;
    const stream = new ProviderStream({
      url: this.streamUrl,
      botId: this.botId,
      sampleRate: this.sampleRate,
      protocolVersion: this.script.protocolVersion,
      reconnect: this.script.redial ?? false,
    });
    this.stream = stream;
    stream.on("audio", (pcm) => {
      this.firstAudioReceivedAt ??= performance.now();
      this.arrivals.push(performance.now());
      this.received.push(pcm);
    });
    stream.on("protocol-violation", (text) => this.violations.push(text));
    stream.on("error", (error) => this.streamErrors.push(error.message));
    stream.on("close", (code) => this.closeCodes.push(code));
    stream.on("open", () => this.opened());
    try {
      await stream.connect();
    } catch {
      // Refused or unreachable: a redialing bot tries again on its own, any other bot stays out.
      return;
    }
  }

  /** Each time the stream opens (first dial or re-dial): announce the roster, keep the audio flowing. */
  private opened(): void {
    this.opens += 1;
    this.connected = true;
    this.sendRoster(null);
    if (this.opens === 1) this.streamMeetingAudio();
  }

  /** Meeting audio in real-time chunks from the first connection on; dropped while disconnected. */
  private streamMeetingAudio(): void {
    const periodMs = (this.chunkSamples / this.sampleRate) * 1000;
    let next = performance.now();
    const tick = (): void => {
      if (this.left) return;
      this.sendChunk();
      next += periodMs;
      this.timer = setTimeout(tick, Math.max(0, next - performance.now()));
    };
    tick();
  }

  private sendChunk(): void {
    const chunk = new Int16Array(this.chunkSamples);
    const take = Math.min(this.chunkSamples, this.queued.length);
    chunk.set(this.queued.subarray(0, take));
    const wasSpeaking = this.queued.length > 0;
    this.queued = this.queued.slice(take);
    this.stream?.sendAudio(chunk);
    if (wasSpeaking && this.queued.length === 0) this.sendRoster(null);
  }

  private setSpeaking(name: string, speaking: boolean): void {
    this.sendRoster(speaking ? name : null);
  }

  private sendRoster(speaking: string | null): void {
    const speakers: Speaker[] = this.script.participants.map((name, index) => ({
      name,
      id: index + 1,
      timestamp: Date.now(),
      isSpeaking: name === speaking,
    }));
    this.stream?.sendSpeakers(speakers);
  }
}
