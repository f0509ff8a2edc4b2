/**
 * @module meeting/local/room-bot-member
 * A bot sitting in a built-in room, behaving exactly like a MeetingBaas bot: it dials the server's
 * stream URL, sends the handshake, streams the room's mix (everyone but itself) in 100 ms chunks at
 * the requested rate with the speaker roster, and plays the PCM it gets back into the room.
 */
import { randomUUID } from "node:crypto";
import { createResampler, type Resampler } from "../../audio/resampler.js";
import { errorMessage } from "../../core/errors.js";
import type { Logger } from "../../logger.js";
import { ProviderStream } from "../provider-stream/provider-stream.js";
import { Participant, ROOM_RATE, type Room } from "./room.js";

const CHUNK_FRAMES = 5;

export class RoomBotMember {
  readonly botId = randomUUID();
  /** The server's own id for this bot: the last part of the stream URL it dials (`…/ws/<client id>`). */
  readonly clientId: string;
  readonly participant: Participant;
  private room: Room | undefined;
  private stream: ProviderStream | undefined;
  private toStream: Resampler | undefined;
  private fromStream: Resampler | undefined;
  private pending: Int16Array[] = [];
  left = false;

  constructor(
    name: string,
    private readonly streamUrl: string,
    private readonly streamRate: number,
    private readonly logger: Logger,
  ) {
    this.clientId = streamUrl.slice(streamUrl.lastIndexOf("/") + 1);
    this.participant = new Participant(`bot-${this.botId}`, name, "bot", {
      audio: (pcm) => this.forwardMix(pcm),
      roster: () => {
        if (this.room) this.stream?.sendSpeakers(this.room.speakersFor(this.participant.id));
      },
    }, this.botId);
  }

  /** The room this bot sits in ("" before it entered). */
  get roomName(): string {
    return this.room?.name ?? "";
  }

  /** Builds the converters; nothing is joined or dialed yet. */
  async prepare(): Promise<void> {
    this.toStream = await createResampler(ROOM_RATE, this.streamRate);
    this.fromStream = await createResampler(this.streamRate, ROOM_RATE);
  }

  /** Sits down in the room and dials the stream (connecting happens in the background). */
  enter(room: Room): void {
    this.room = room;
    room.add(this.participant);
    const stream = new ProviderStream({ url: this.streamUrl, botId: this.botId, sampleRate: this.streamRate, reconnect: true });
    this.stream = stream;
    stream.on("audio", (pcm) => {
      if (this.fromStream) this.participant.input.write(this.fromStream.process(pcm));
    });
    stream.on("open", () => stream.sendSpeakers(room.speakersFor(this.participant.id)));
    // A failed dial is retried by the stream itself; the server fails the bot if it never connects.
    const noteFailure = (error: unknown) => this.logger.debug({ botId: this.botId, err: errorMessage(error) }, "room bot could not reach its stream; retrying");
    stream.on("error", noteFailure);
    stream.connect().catch(noteFailure);
  }

  leave(): void {
    if (this.left) return;
    this.left = true;
    this.stream?.close();
    this.room?.remove(this.participant.id);
    this.toStream?.destroy();
    this.fromStream?.destroy();
  }

  private forwardMix(pcm: Int16Array): void {
    if (!this.stream?.isOpen || !this.toStream) return;
    this.pending.push(pcm);
    if (this.pending.length < CHUNK_FRAMES) return;
    const joined = new Int16Array(this.pending.reduce((n, c) => n + c.length, 0));
    let offset = 0;
    for (const c of this.pending) {
      joined.set(c, offset);
      offset += c.length;
    }
    this.pending = [];
    this.stream.sendAudio(this.toStream.process(joined));
  }
}
