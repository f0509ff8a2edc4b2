/**
 * @module pipeline/voice-state
 * Follows what a bot's voice is doing from the frames going through its pipeline, and reports each
 * change once: `listening` until it is asked to answer, `thinking` while the answer is being made,
 * `speaking` from its first audio sent to its last, then `listening` again. An interruption, or an
 * answer that produced no audio, brings it back to `listening`. (`holding`, waiting for the floor,
 * is left to a turn policy that knows about the other bots.)
 */
import type { VoiceState } from "../core/bot-contracts.js";
import type { Frame } from "./frames.js";
import { SAID_AT } from "./transcript-lines.js";

export class VoiceStateTracker {
  private current: VoiceState | undefined;
  private readonly listeners: ((state: VoiceState) => void)[] = [];

  /** @param isSpeaking whether the output stage is playing a reply right now. */
  constructor(private readonly isSpeaking: () => boolean) {}

  get state(): VoiceState | undefined {
    return this.current;
  }

  onChange(listener: (state: VoiceState) => void): void {
    this.listeners.push(listener);
  }

  /** The pipeline started: the bot listens. */
  started(): void {
    this.set("listening");
  }

  /** Sees one frame pushed by stage `source` (every stage reports it; changes are reported once). */
  observe(source: string, f: Frame): void {
    switch (f.type) {
      case "llm-run":
        if (!this.isSpeaking()) this.set("thinking");
        break;
      case "bot-started-speaking":
        this.set("speaking");
        break;
      case "bot-stopped-speaking":
        this.set("listening");
        break;
      case "interruption":
        if (!this.isSpeaking()) this.set("listening");
        break;
      case "llm-response-end":
        // Past the output stage with nothing playing: the answer had no audio (empty, failed, cut off).
        if (source === SAID_AT && !this.isSpeaking() && this.current === "thinking") this.set("listening");
        break;
    }
  }

  private set(state: VoiceState): void {
    if (state === this.current) return;
    this.current = state;
    for (const listener of this.listeners) listener(state);
  }
}
