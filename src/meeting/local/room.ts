/**
 * @module meeting/local/room
 * One built-in meeting room: its participants (people in browsers and bots), a mixer that gives
 * each participant everyone else's audio but never its own, and speaking detection that produces
 * the same roster messages a MeetingBaas bot streams. Roster changes are announced on the mixer's
 * clock, at most every few ticks and encoded once, so a crowd joining at once costs one message per
 * participant per announcement rather than one per join. People's pages also get the room's
 * transcript and each bot's voice state (listening, thinking, speaking, holding) as it changes.
 */
import { rms } from "../../audio/pcm.js";
import type { Speaker } from "../../core/speaker.js";
import type { VoiceState } from "../../core/bot-contracts.js";
import { JitterBuffer } from "./jitter-buffer.js";
import { type BotTranscriptLine, type RoomLine, RoomTranscript } from "./room-transcript.js";

export const ROOM_RATE = 16000;
export const ROOM_FRAME_SAMPLES = 320;
const SPEAKING_RMS = 0.015;
const SPEAKING_HANGOVER_FRAMES = 20;
/** Roster announcements are at most this many ticks apart: 200 ms. */
export const ROSTER_EVERY_TICKS = 10;

export interface ParticipantSink {
  /** One 20 ms frame of the mix of everyone else, at 16 kHz. */
  audio(pcm: Int16Array): void;
  /** The roster changed (who is present, who is speaking); `message` is it encoded for people's pages. */
  roster(participants: ParticipantView[], message: string): void;
  /** An event for people's pages (a transcript line, a bot's voice state), encoded once. */
  notice?(message: string): void;
}

export interface ParticipantView {
  id: string;
  name: string;
  kind: "human" | "bot";
  speaking: boolean;
  botId: string | null;
  /** A bot's voice state; null for people and for a bot whose voice has not started. */
  state: VoiceState | null;
}

export class Participant {
  readonly input = new JitterBuffer(ROOM_FRAME_SAMPLES * 2, ROOM_RATE / 5);
  speaking = false;
  voiceState: VoiceState | null = null;
  private quietFrames = SPEAKING_HANGOVER_FRAMES;
  private frame: Int16Array = new Int16Array(ROOM_FRAME_SAMPLES);

  constructor(
    readonly id: string,
    readonly name: string,
    readonly kind: "human" | "bot",
    readonly sink: ParticipantSink,
    public botId: string | null = null,
  ) {}

  /** Takes this tick's frame from the input; returns whether the speaking state changed. */
  pull(): boolean {
    this.frame = this.input.read(ROOM_FRAME_SAMPLES);
    const loud = rms(this.frame) > SPEAKING_RMS;
    this.quietFrames = loud ? 0 : this.quietFrames + 1;
    const speaking = this.quietFrames < SPEAKING_HANGOVER_FRAMES;
    const changed = speaking !== this.speaking;
    this.speaking = speaking;
    return changed;
  }

  get currentFrame(): Int16Array {
    return this.frame;
  }

  view(): ParticipantView {
    return { id: this.id, name: this.name, kind: this.kind, speaking: this.speaking, botId: this.botId, state: this.voiceState };
  }
}

export class Room {
  readonly participants = new Map<string, Participant>();
  readonly transcript = new RoomTranscript();
  private rosterDirty = false;
  private ticksSinceAnnounce = ROSTER_EVERY_TICKS;

  constructor(readonly name: string) {}

  add(participant: Participant): void {
    this.participants.set(participant.id, participant);
    this.rosterDirty = true;
  }

  remove(id: string): void {
    const participant = this.participants.get(id);
    if (!participant) return;
    this.participants.delete(id);
    this.rosterDirty = true;
    if (participant.botId) this.transcript.forget(participant.botId);
  }

  get isEmpty(): boolean {
    return this.participants.size === 0;
  }

  /** One mixer step: every participant gets the sum of the others' current frames. */
  tick(): void {
    let rosterChanged = this.rosterDirty;
    const total = new Int32Array(ROOM_FRAME_SAMPLES);
    for (const p of this.participants.values()) {
      if (p.pull()) rosterChanged = true;
      const frame = p.currentFrame;
      for (let i = 0; i < ROOM_FRAME_SAMPLES; i++) total[i] = (total[i] ?? 0) + (frame[i] ?? 0);
    }
    for (const p of this.participants.values()) {
      const own = p.currentFrame;
      const out = new Int16Array(ROOM_FRAME_SAMPLES);
      for (let i = 0; i < ROOM_FRAME_SAMPLES; i++) {
        const v = (total[i] ?? 0) - (own[i] ?? 0);
        out[i] = Math.min(32767, Math.max(-32768, v));
      }
      p.sink.audio(out);
    }
    this.rosterDirty = rosterChanged;
    this.ticksSinceAnnounce += 1;
    if (this.rosterDirty && this.ticksSinceAnnounce >= ROSTER_EVERY_TICKS) this.announce();
  }

  /** Shows a bot's line to everyone, unless another line already shows it (see room-transcript). */
  publishTranscript(line: BotTranscriptLine): RoomLine | undefined {
    const bots = [...this.participants.values()].filter((p) => p.kind === "bot");
    const shown = this.transcript.accept(line, { scribe: bots[0]?.botId ?? undefined, isBot: (name) => bots.some((b) => b.name === name) });
    if (shown) this.notify({ type: "transcript", ...shown });
    return shown;
  }

  /** A bot's voice changed state: its page entry changes at once, and the roster carries it from now on. */
  setVoiceState(participantId: string, state: VoiceState): void {
    const bot = this.participants.get(participantId);
    if (bot?.kind !== "bot" || bot.voiceState === state) return;
    bot.voiceState = state;
    this.rosterDirty = true;
    this.notify({ type: "bot-state", botId: bot.botId, state });
  }

  private notify(event: object): void {
    const message = JSON.stringify(event);
    for (const p of this.participants.values()) p.sink.notice?.(message);
  }

  roster(): ParticipantView[] {
    return [...this.participants.values()].map((p) => p.view());
  }

  /** The roster as a MeetingBaas bot streams it: everyone but the bot itself. */
  speakersFor(participantId: string): Speaker[] {
    return [...this.participants.values()]
      .filter((p) => p.id !== participantId)
      .map((p, index) => ({ name: p.name, id: index + 1, isSpeaking: p.speaking, timestamp: Date.now(), ...(p.kind === "bot" ? { isBot: true } : {}) }));
  }

  private announce(): void {
    this.rosterDirty = false;
    this.ticksSinceAnnounce = 0;
    const roster = this.roster();
    const message = JSON.stringify({ type: "participants", participants: roster });
    for (const p of this.participants.values()) p.sink.roster(roster, message);
  }
}
