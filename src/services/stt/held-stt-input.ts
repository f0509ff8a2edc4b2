/**
 * @module services/stt/held-stt-input
 * What a recogniser is sent, held while no session is live: the session may still be opening
 * (a local decoder takes a second to load on a busy machine) or being reopened after a failure.
 * Held audio and utterance ends are replayed in order once a session is attached, so the first
 * words of someone who spoke during that time still reach the recogniser.
 */
import type { SttSession } from "./speech-to-text.js";

type Held = { kind: "audio"; audio: Int16Array } | { kind: "finalize" };

export class HeldSttInput {
  private session: SttSession | undefined;
  private held: Held[] = [];
  private heldSamples = 0;

  /** @param maxHeldSamples oldest held audio is dropped past this, so a dead provider costs bounded memory. */
  constructor(private readonly maxHeldSamples: number) {}

  get live(): SttSession | undefined {
    return this.session;
  }

  write(audio: Int16Array): void {
    if (this.session) {
      this.session.write(audio);
      return;
    }
    this.held.push({ kind: "audio", audio });
    this.heldSamples += audio.length;
    while (this.heldSamples > this.maxHeldSamples) this.dropOldest();
  }

  finalize(): void {
    if (this.session) {
      this.session.finalize();
      return;
    }
    // An utterance end with no audio held before it has nothing to end.
    if (this.held.at(-1)?.kind === "audio") this.held.push({ kind: "finalize" });
  }

  /** Makes `session` the live one and replays what was held, in order. */
  attach(session: SttSession): void {
    const held = this.held;
    this.held = [];
    this.heldSamples = 0;
    this.session = session;
    for (const item of held) {
      if (item.kind === "audio") session.write(item.audio);
      else session.finalize();
    }
  }

  /** Takes the live session away (it failed or the bot is leaving); later input is held again. */
  detach(): SttSession | undefined {
    const session = this.session;
    this.session = undefined;
    return session;
  }

  /** Forgets held input (the bot is leaving). */
  clear(): void {
    this.held = [];
    this.heldSamples = 0;
  }

  private dropOldest(): void {
    const first = this.held.shift();
    if (first?.kind === "audio") this.heldSamples -= first.audio.length;
  }
}
