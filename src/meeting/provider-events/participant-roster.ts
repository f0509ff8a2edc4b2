/**
 * @module meeting/provider-events/participant-roster
 * Turns the participant events of providers that report changes (Attendee, Recall.ai: someone
 * joined, left, started or stopped speaking) into the whole roster our pipeline reads, the shape
 * MeetingBaas sends: everyone present with a speaking flag. The bot's own name is left out, as
 * MeetingBaas does, so the bot never attributes what it hears to itself.
 */
import type { Speaker } from "../../core/speaker.js";
import type { ParticipantChange } from "../provider-stream/stream-adapter.js";

/** More participants than any meeting holds: a stream announcing more is ignored past this. */
const MAX_PARTICIPANTS = 1000;

interface Present {
  id: number;
  name: string;
  speaking: boolean;
  at: number;
}

export class ParticipantRoster {
  private readonly present = new Map<string, Present>();
  private nextId = 1;

  constructor(private readonly ownName: string) {}

  /** Applies one change; returns the roster when it changed what the pipeline sees. */
  apply(change: ParticipantChange): Speaker[] | undefined {
    if (change.name === this.ownName) return undefined;
    const known = this.present.get(change.participantId);
    if (change.kind === "leave") {
      if (!known) return undefined;
      this.present.delete(change.participantId);
      return this.roster();
    }
    if (!known && this.present.size >= MAX_PARTICIPANTS) return undefined;
    const person = known ?? { id: this.nextId++, name: change.name, speaking: false, at: change.at };
    const before = `${person.name}|${person.speaking}`;
    person.name = change.name || person.name;
    person.at = change.at;
    if (change.kind === "speech_on") person.speaking = true;
    if (change.kind === "speech_off") person.speaking = false;
    this.present.set(change.participantId, person);
    return !known || before !== `${person.name}|${person.speaking}` ? this.roster() : undefined;
  }

  roster(): Speaker[] {
    return [...this.present.values()].map((p) => ({ name: p.name, id: p.id, isSpeaking: p.speaking, timestamp: p.at }));
  }
}
