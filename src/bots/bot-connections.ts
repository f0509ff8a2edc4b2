/**
 * @module bots/bot-connections
 * The provider's connections to one bot, shown to the bot as a single meeting stream. Most
 * providers open one connection that carries both the meeting audio and the bot's voice (a
 * "duplex" one). Recall.ai opens two: its real-time endpoint, which only listens (meeting audio and
 * participant events), and the Output Media page, which also carries the bot's voice.
 *
 * Rules: a newer connection of the same role replaces the older one; the bot's voice goes to the
 * duplex connection; meeting audio from a listener is used only while no duplex connection is open,
 * so the bot never hears the meeting twice. The bot sees its stream attach when the first
 * connection opens and detach when the last one closes.
 */
import type { Bot } from "./bot.js";
import type { MeetingStream } from "../core/bot-contracts.js";

export type ConnectionRole = "duplex" | "listener";

export interface BotConnection {
  readonly role: ConnectionRole;
  /** Sends the bot's voice; a listener has none. */
  sendVoice?(pcm: Int16Array): void;
  close(code: number, reason: string): void;
}

const hubs = new WeakMap<Bot, BotConnections>();

export class BotConnections {
  private readonly open = new Map<ConnectionRole, BotConnection>();
  private readonly stream: MeetingStream;
  private attached = false;

  private constructor(private readonly bot: Bot) {
    this.stream = {
      sendAudio: (pcm) => this.open.get("duplex")?.sendVoice?.(pcm),
      close: (code, reason) => this.closeAll(code, reason),
    };
  }

  static of(bot: Bot): BotConnections {
    let hub = hubs.get(bot);
    if (!hub) {
      hub = new BotConnections(bot);
      hubs.set(bot, hub);
    }
    return hub;
  }

  add(connection: BotConnection): void {
    const older = this.open.get(connection.role);
    this.open.set(connection.role, connection);
    older?.close(1000, "replaced by a newer connection");
    if (this.attached) return;
    this.attached = true;
    // A bot that already left closes the stream at once, which closes this connection.
    this.bot.attachStream(this.stream);
  }

  remove(connection: BotConnection): void {
    if (this.open.get(connection.role) !== connection) return;
    this.open.delete(connection.role);
    if (this.open.size > 0 || !this.attached) return;
    this.attached = false;
    this.bot.detachStream(this.stream);
  }

  /** Whether meeting audio arriving on this connection is what the bot should hear. */
  hearsFrom(connection: BotConnection): boolean {
    return connection.role === "duplex" || !this.open.has("duplex");
  }

  private closeAll(code: number, reason: string): void {
    const all = [...this.open.values()];
    this.open.clear();
    this.attached = false;
    for (const connection of all) connection.close(code, reason);
  }
}
