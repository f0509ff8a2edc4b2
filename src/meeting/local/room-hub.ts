/**
 * @module meeting/local/room-hub
 * All built-in rooms of the server and the one clock that mixes them every 20 ms. Rooms appear when
 * someone joins and disappear when the last participant leaves.
 */
import { Room, type TranscriptEvent } from "./room.js";
import { RoomBotMember } from "./room-bot-member.js";

const TICK_MS = 20;

export interface BotCallbacks {
  /** MeetingBaas-style webhook for status events (`call_ended` when the room empties). */
  webhookUrl: string | undefined;
  apiKey: string | undefined;
}

export class RoomHub {
  private readonly rooms = new Map<string, Room>();
  readonly bots = new Map<string, RoomBotMember>();
  private readonly callbacks = new Map<string, BotCallbacks>();
  private readonly emptySince = new Map<string, NodeJS.Timeout>();

  /** `emptyRoomMs`: how long bots stay in a room with no person left before the call ends for them. */
  constructor(private readonly emptyRoomMs = 60_000) {}
  private timer: NodeJS.Timeout | undefined;
  private nextAt = 0;

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

  /** Removes a participant and forgets the room once it is empty. */
  leave(roomName: string, participantId: string): void {
    const room = this.rooms.get(roomName);
    room?.remove(participantId);
    if (room?.isEmpty) this.rooms.delete(roomName);
    this.watchOccupancy(roomName);
  }

  async addBot(roomName: string, name: string, streamUrl: string, streamRate: number, callbacks?: BotCallbacks): Promise<RoomBotMember> {
    const member = new RoomBotMember(this.room(roomName), name, streamUrl, streamRate);
    await member.join();
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
    const members = [...this.bots.values()].filter((m) => !m.left && this.roomOf(m) === roomName);
    await Promise.all(
      members.map(async (member) => {
        const callbacks = this.callbacks.get(member.botId);
        if (callbacks?.webhookUrl) {
          await fetch(callbacks.webhookUrl, {
            method: "POST",
            headers: { "content-type": "application/json", "x-meeting-baas-api-key": callbacks.apiKey ?? "", "user-agent": "speaking-bots-room" },
            body: JSON.stringify({ event: "bot.status_change", data: { bot_id: member.botId, status: { code: "call_ended", created_at: new Date().toISOString() } } }),
            signal: AbortSignal.timeout(5000),
          }).catch(() => {});
        }
        this.removeBot(member.botId);
      }),
    );
  }

  removeBot(botId: string): boolean {
    const member = this.bots.get(botId);
    if (!member || member.left) return false;
    const roomName = this.roomOf(member);
    member.leave();
    if (roomName) this.leave(roomName, member.participant.id);
    return true;
  }

  publishTranscript(roomName: string, line: TranscriptEvent): void {
    this.rooms.get(roomName)?.publishTranscript(line);
  }

  stop(): void {
    for (const member of this.bots.values()) member.leave();
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
  }

  private roomOf(member: RoomBotMember): string {
    for (const [name, room] of this.rooms) if (room.participants.has(member.participant.id)) return name;
    return "";
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
