/**
 * @module meeting/local/room-hub
 * All built-in rooms of the server and the one clock that mixes them every 20 ms. Rooms appear when
 * someone joins and disappear when the last participant leaves; a bot is forgotten as soon as it
 * leaves, so nothing here grows with the number of bots that ever came. A room holds at most
 * `maxParticipants` people and bots.
 */
import { type Logger, silentLogger } from "../../logger.js";
import { errorMessage } from "../../core/errors.js";
import { Room } from "./room.js";
import type { TranscriptLine, VoiceState } from "../../core/bot-contracts.js";
import { RoomBotMember } from "./room-bot-member.js";

const TICK_MS = 20;

export interface BotCallbacks {
  /** This server's own webhook for status events (`call_ended` when the room empties). */
  webhookUrl: string | undefined;
}

export interface RoomHubOptions {
  /** How long bots stay in a room with no person left before the call ends for them. */
  emptyRoomMs?: number;
  maxParticipants?: number;
  logger?: Logger;
}

/** A room already holds as many participants as allowed. */
export class RoomFullError extends Error {
  constructor(room: string, max: number) {
    super(`The room "${room}" is full: it holds at most ${max} participants`);
    this.name = "RoomFullError";
  }
}

export class RoomHub {
  private readonly rooms = new Map<string, Room>();
  readonly bots = new Map<string, RoomBotMember>();
  private readonly callbacks = new Map<string, BotCallbacks>();
  private readonly emptySince = new Map<string, NodeJS.Timeout>();
  private readonly emptyRoomMs: number;
  readonly maxParticipants: number;
  private readonly logger: Logger;
  private timer: NodeJS.Timeout | undefined;
  private nextAt = 0;

  constructor(options: RoomHubOptions = {}) {
    this.emptyRoomMs = options.emptyRoomMs ?? 60_000;
    this.maxParticipants = options.maxParticipants ?? 50;
    this.logger = options.logger ?? silentLogger;
  }

  room(name: string): Room {
    let room = this.rooms.get(name);
    if (!room) {
      room = new Room(name);
      this.rooms.set(name, room);
    }
    this.startClock();
    return room;
  }

  get roomNames(): string[] {
    return [...this.rooms.keys()];
  }

  /** Whether anyone is in the room. */
  isOccupied(name: string): boolean {
    return this.rooms.has(name);
  }

  /** Throws RoomFullError when one more participant would exceed the cap. */
  assertRoomFor(name: string): void {
    const room = this.rooms.get(name);
    if (room && room.participants.size >= this.maxParticipants) throw new RoomFullError(name, this.maxParticipants);
  }

  /** Removes a participant and forgets the room once it is empty. */
  leave(roomName: string, participantId: string): void {
    const room = this.rooms.get(roomName);
    room?.remove(participantId);
    if (room?.isEmpty) this.rooms.delete(roomName);
    this.watchOccupancy(roomName);
  }

  async addBot(roomName: string, name: string, streamUrl: string, streamRate: number, callbacks?: BotCallbacks): Promise<RoomBotMember> {
    this.assertRoomFor(roomName);
    const member = new RoomBotMember(name, streamUrl, streamRate, this.logger);
    await member.prepare();
    try {
      // Checked again: other participants may have come while the converters were built.
      this.assertRoomFor(roomName);
    } catch (error) {
      member.leave();
      throw error;
    }
    member.enter(this.room(roomName));
    this.bots.set(member.botId, member);
    if (callbacks) this.callbacks.set(member.botId, callbacks);
    this.watchOccupancy(roomName);
    return member;
  }

  /** Called whenever people come and go: a room with bots but no people ends the call after a while. */
  watchOccupancy(roomName: string): void {
    const room = this.rooms.get(roomName);
    const people = room ? [...room.participants.values()].filter((p) => p.kind === "human").length : 0;
    const pending = this.emptySince.get(roomName);
    if (people > 0 || !room) {
      if (pending) clearTimeout(pending);
      this.emptySince.delete(roomName);
      return;
    }
    if (pending) return;
    const timer = setTimeout(() => void this.endCall(roomName), this.emptyRoomMs);
    timer.unref();
    this.emptySince.set(roomName, timer);
  }

  /** Like a meeting that ended: every bot gets `call_ended` (as MeetingBaas posts it) and leaves. */
  private async endCall(roomName: string): Promise<void> {
    this.emptySince.delete(roomName);
    const members = [...this.bots.values()].filter((m) => !m.left && m.roomName === roomName);
    await Promise.all(
      members.map(async (member) => {
        const webhookUrl = this.callbacks.get(member.botId)?.webhookUrl;
        if (webhookUrl) await this.postCallEnded(webhookUrl, member.botId);
        this.removeBot(member.botId);
      }),
    );
  }

  private async postCallEnded(webhookUrl: string, botId: string): Promise<void> {
    try {
      const response = await fetch(webhookUrl, {
        method: "POST",
        headers: { "content-type": "application/json", "user-agent": "speaking-bots-room" },
        body: JSON.stringify({ event: "bot.status_change", data: { bot_id: botId, status: { code: "call_ended", created_at: new Date().toISOString() } } }),
        signal: AbortSignal.timeout(5000),
      });
      if (!response.ok) this.logger.warn({ botId, status: response.status }, "the server refused the room's call_ended webhook");
    } catch (error) {
      // The bot still leaves the room; the server notices the closed stream instead.
      this.logger.warn({ botId, err: errorMessage(error) }, "could not post the room's call_ended webhook");
    }
  }

  /** Takes a bot out of its room and forgets it; false when no such bot is in a room. */
  removeBot(botId: string): boolean {
    const member = this.bots.get(botId);
    if (!member) return false;
    this.bots.delete(botId);
    this.callbacks.delete(botId);
    if (member.left) return false;
    const roomName = member.roomName;
    member.leave();
    if (roomName) this.leave(roomName, member.participant.id);
    return true;
  }

  /**
   * The bot in a room known by this id: the id the room gave it, or the server's own id for it,
   * which is all the server has until the room's answer arrives (its voice may start before that).
   */
  private member(botId: string): RoomBotMember | undefined {
    const member = this.bots.get(botId) ?? [...this.bots.values()].find((m) => m.clientId === botId);
    return member && !member.left ? member : undefined;
  }

  /** A line a bot heard or said, shown in the bot's room. */
  publishTranscript(botId: string, botName: string, line: TranscriptLine): void {
    const member = this.member(botId);
    if (member) this.rooms.get(member.roomName)?.publishTranscript({ ...line, botId: member.botId, botName });
  }

  /** A bot's voice started listening, thinking, speaking or holding. */
  publishVoiceState(botId: string, state: VoiceState): void {
    const member = this.member(botId);
    if (member) this.rooms.get(member.roomName)?.setVoiceState(member.participant.id, state);
  }

  /** What the hub holds now; all zero (and no clock) once every room has emptied. */
  get held(): { rooms: number; bots: number; callbacks: number; emptyRoomTimers: number; clockRunning: boolean } {
    return { rooms: this.rooms.size, bots: this.bots.size, callbacks: this.callbacks.size, emptyRoomTimers: this.emptySince.size, clockRunning: this.timer !== undefined };
  }

  stop(): void {
    for (const member of this.bots.values()) member.leave();
    this.bots.clear();
    this.callbacks.clear();
    for (const timer of this.emptySince.values()) clearTimeout(timer);
    this.emptySince.clear();
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
  }

  private startClock(): void {
    if (this.timer) return;
    this.nextAt = performance.now();
    const tick = () => {
      for (const room of this.rooms.values()) room.tick();
      if (this.rooms.size === 0) {
        this.timer = undefined;
        return;
      }
      this.nextAt += TICK_MS;
      // After a long stall, catch up by restarting the schedule rather than bursting frames.
      if (performance.now() - this.nextAt > 200) this.nextAt = performance.now();
      this.timer = setTimeout(tick, Math.max(0, this.nextAt - performance.now()));
    };
    this.timer = setTimeout(tick, 0);
  }
}
