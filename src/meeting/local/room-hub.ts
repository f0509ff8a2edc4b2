/**
 * @module meeting/local/room-hub
 * All built-in rooms of the server and the one clock that mixes them every 20 ms. Rooms appear when
 * someone joins and disappear when the last participant leaves.
 */
import { Room, type TranscriptEvent } from "./room.js";
import { RoomBotMember } from "./room-bot-member.js";

const TICK_MS = 20;

export class RoomHub {
  private readonly rooms = new Map<string, Room>();
  readonly bots = new Map<string, RoomBotMember>();
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
  }

  async addBot(roomName: string, name: string, streamUrl: string, streamRate: number): Promise<RoomBotMember> {
    const member = new RoomBotMember(this.room(roomName), name, streamUrl, streamRate);
    await member.join();
    this.bots.set(member.botId, member);
    return member;
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
