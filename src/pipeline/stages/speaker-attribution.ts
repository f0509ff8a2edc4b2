/**
 * @module pipeline/stages/speaker-attribution
 * Names the speaker of every transcript. The provider's speaker events fill the roster; the VAD
 * marks when the utterance began and ended (its decisions lag the speech by the configured minimum
 * speech and silence, which are taken off); the participant flagged as speaking for most of that
 * span said it. Where the recogniser diarizes, it also learns which of its voice labels belongs to
 * whom, and uses that when no speaker was flagged (a provider's late or missing event). Failing
 * both, it keeps the recogniser's guess, or the only person there.
 *
 * A sibling bot (another bot of this server in the meeting) needs no speaker event: the server
 * knows exactly when it spoke. Speech heard while a sibling was speaking for at least half of it is
 * the sibling's, unless a person was flagged for longer; the roster counts the sibling as a bot.
 */
import type { VadParams } from "../../services/vad/voice-activity.js";
import { type Direction, type Frame, frame } from "../frames.js";
import { FrameProcessor } from "../processor.js";
import type { TurnContext } from "../turn/turn-context.js";

export class SpeakerAttributionStage extends FrameProcessor {
  private utteranceStart: number | undefined;
  private utteranceEnd: number | undefined;
  /** Diarization label → votes per participant name, from utterances the speaker events attributed. */
  private readonly voices = new Map<string, Map<string, number>>();
  /** Since when the bot has been talking without a break; undefined while it is quiet. */
  private botSince: number | undefined;
  private lastVadStart = Number.NEGATIVE_INFINITY;

  constructor(
    private readonly context: TurnContext,
    private readonly vad: Pick<VadParams, "minSpeechMs" | "minSilenceMs">,
  ) {
    super("speaker-attribution");
  }

  protected override async processFrame(f: Frame, direction: Direction): Promise<void> {
    switch (f.type) {
      case "speakers-update":
        for (const span of this.context.roster.update(f.speakers, f.createdAt)) {
          if (this.onlyBotAudible(span.start)) this.context.roster.looksLikeSelf(span.name);
        }
        this.context.changed();
        break;
      case "bot-started-speaking":
        this.botSince = f.createdAt;
        break;
      case "bot-stopped-speaking":
        this.botSince = undefined;
        break;
      case "user-started-speaking":
        this.lastVadStart = f.createdAt;
        this.utteranceStart = f.createdAt - this.vad.minSpeechMs;
        this.utteranceEnd = undefined;
        this.context.vadSpeaking = true;
        this.context.lastVadActivityAt = f.createdAt;
        this.context.participation.othersSpeaking(true, this.utteranceStart);
        this.context.changed();
        break;
      case "user-stopped-speaking":
        this.utteranceEnd = f.createdAt - this.vad.minSilenceMs;
        this.context.vadSpeaking = false;
        this.context.lastVadActivityAt = f.createdAt;
        this.context.participation.othersSpeaking(false, this.utteranceEnd);
        this.context.changed();
        break;
      case "transcription":
      case "interim-transcription": {
        const speaker = this.speakerOf(f.speaker, f.createdAt, f.diarization ?? null, f.type === "transcription");
        if (speaker !== f.speaker) {
          return void (await this.push(frame(f.type, { text: f.text, speaker, language: f.language, diarization: f.diarization ?? null }), direction));
        }
        break;
      }
    }
    await this.push(f, direction);
  }

  private speakerOf(guess: string | null, now: number, label: string | null, final: boolean): string | null {
    const { roster } = this.context;
    if (this.utteranceStart !== undefined) {
      const sibling = this.siblingOf(this.utteranceStart, this.utteranceEnd ?? now);
      if (sibling) return sibling;
      const attributed = roster.attribute(this.utteranceStart, this.utteranceEnd ?? now);
      if (attributed) {
        if (final) roster.heard(attributed);
        if (label !== null && final) this.learn(label, attributed);
        return attributed;
      }
    }
    return (label !== null ? this.voiceOf(label) : null) ?? guess ?? roster.soleHuman();
  }

  /** The sibling that spoke at least half of [start, end], unless a person was flagged for longer. */
  private siblingOf(start: number, end: number): string | null {
    const heard = this.context.group?.siblingSpeaking(start, end);
    if (!heard || heard.overlapMs < (end - start) / 2) return null;
    const flagged = this.context.roster.strongest(start, end);
    const person = flagged && this.context.group?.siblingNamed(flagged.name) === null ? flagged : null;
    return person && person.overlap > heard.overlapMs ? null : heard.name;
  }

  /** The bot was talking from before `start`, and the VAD has heard nobody start since then. */
  private onlyBotAudible(start: number): boolean {
    if (this.botSince === undefined || this.botSince > start) return false;
    return !this.context.vadSpeaking && this.lastVadStart < start;
  }

  private learn(label: string, name: string): void {
    const votes = this.voices.get(label) ?? new Map<string, number>();
    votes.set(name, (votes.get(name) ?? 0) + 1);
    this.voices.set(label, votes);
  }

  private voiceOf(label: string): string | null {
    let best: [string, number] | undefined;
    for (const entry of this.voices.get(label) ?? []) if (!best || entry[1] > best[1]) best = entry;
    return best?.[0] ?? null;
  }
}
