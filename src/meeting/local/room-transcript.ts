/**
 * @module meeting/local/room-transcript
 * The room's one transcript, as people's pages show it. Every bot reports what it heard and said;
 * the room turns that into lines that each appear once:
 * - what was heard is taken from one bot only, the room's scribe (the bot present longest), and
 *   not when the speaker is a bot, whose own line already says exactly what it said;
 * - an utterance keeps one id from its first interim to its final, so a page replaces the
 *   interim text with the final instead of adding a line;
 * - each line carries the time it began and, for a reply, its latency.
 * The last final lines are kept, so someone who joins or reconnects sees what was just said.
 */
import type { TranscriptLine } from "../../core/bot-contracts.js";

/** A line reported by one bot of the room. */
export interface BotTranscriptLine extends TranscriptLine {
  botId: string;
  botName: string;
}

/** A line as people's pages receive it. */
export interface RoomLine extends BotTranscriptLine {
  /** Stays the same from an utterance's first interim to its final. */
  id: string;
  /** When the utterance began (its first report), in milliseconds since the epoch. */
  at: number;
}

/** Who is in the room, as the transcript needs to know it. */
export interface TranscriptContext {
  /** The bot whose hearing the room shows. */
  scribe: string | undefined;
  /** Whether a participant of this name is a bot. */
  isBot(name: string): boolean;
}

export const KEPT_LINES = 100;

export class RoomTranscript {
  private next = 1;
  private readonly open = new Map<string, { id: string; at: number }>();
  private readonly recent: RoomLine[] = [];

  constructor(private readonly now: () => number = Date.now) {}

  /** The line to show for what a bot reported, or undefined when another line already shows it. */
  accept(line: BotTranscriptLine, context: TranscriptContext): RoomLine | undefined {
    if (line.role === "heard" && (line.botId !== context.scribe || (line.speaker !== null && context.isBot(line.speaker)))) return undefined;
    const key = `${line.botId}:${line.role}`;
    const utterance = this.open.get(key) ?? { id: `l${this.next++}`, at: this.now() };
    if (line.final) this.open.delete(key);
    else this.open.set(key, utterance);
    const shown: RoomLine = { ...line, ...utterance };
    if (line.final) {
      this.recent.push(shown);
      if (this.recent.length > KEPT_LINES) this.recent.shift();
    }
    return shown;
  }

  /** A bot left: an utterance it was still hearing will not be finished. */
  forget(botId: string): void {
    for (const key of this.open.keys()) if (key.startsWith(`${botId}:`)) this.open.delete(key);
  }

  /** The last final lines, oldest first. */
  get history(): readonly RoomLine[] {
    return this.recent;
  }
}
