/**
 * @module pipeline/stages/floor-gate
 * Lets a reply's voice out only when the floor is free: no person speaking (the VAD and the speaker
 * events agree) and the bot holds the meeting's floor. A reply that is ready early waits here; it is
 * dropped if someone takes a turn meanwhile (the talk has moved on) or if it waited longer than
 * `reply_hold_max_ms`. It also keeps the audio of the reply being played, so a reply cut off by a
 * false interruption can resume from the sentence that was cut.
 */
import { type Direction, type Frame, frame } from "../frames.js";
import { FrameProcessor } from "../processor.js";
import { countDecision } from "../turn/decision-counters.js";
import type { TurnContext } from "../turn/turn-context.js";

/**
 * How often a waiting reply looks again besides being told of every change (a person's speech, a
 * release of the floor, in any process): a safety net, kept slow because with Redis each look is a
 * round trip, and twenty bots waiting on one floor would otherwise send hundreds a second.
 */
const RECHECK_MS = 500;
/** Dropped replies remembered until their last frames have gone by. */
const KEPT_DROPPED = 32;

interface Sentence {
  text: string;
  sampleRate: number;
  audio: Int16Array[];
}

type Verdict = { go: true } | { go: false; reason: "moved_on" | "stale" | "interrupted" };

export class FloorGateStage extends FrameProcessor {
  private readonly dropped = new Set<number>();
  /** The reply last let through, sentence by sentence, for a resume. */
  private playing: { turnId: number; sentences: Sentence[]; heard: string } | undefined;

  constructor(private readonly context: TurnContext) {
    super("floor-gate");
  }

  protected override async processFrame(f: Frame, direction: Direction): Promise<void> {
    switch (f.type) {
      case "tts-started": {
        const verdict = await this.waitForFloor(f.turnId, this.interruptSignal);
        if (!verdict.go) {
          this.dropped.add(f.turnId);
          if (this.dropped.size > KEPT_DROPPED) this.dropped.delete(this.dropped.values().next().value as number);
          if (verdict.reason !== "interrupted") await this.drop(f.turnId, verdict.reason);
          return;
        }
        this.playing = { turnId: f.turnId, sentences: [], heard: "" };
        this.context.participation.turnTaken(performance.now());
        break;
      }
      case "tts-audio":
        if (this.dropped.has(f.turnId)) return;
        this.remember(f.turnId, f.audio, f.sampleRate, f.text);
        break;
      case "tts-stopped":
        if (this.dropped.delete(f.turnId)) return;
        break;
      case "reply-resume":
        await this.resume(f.turnId);
        return;
      case "bot-spoken-text":
        if (this.playing?.turnId === f.turnId) this.playing.heard = f.text;
        break;
      case "bot-started-speaking":
        this.context.botSpeaking = true;
        this.ownVoice(true, f.createdAt);
        break;
      case "bot-stopped-speaking":
        this.context.botSpeaking = false;
        this.ownVoice(false, f.createdAt);
        await this.context.floor.release(this.context.holderId);
        this.context.changed();
        break;
      case "end":
      case "cancel":
        // A floor shared with other bots must not stay held by one that has left.
        this.ownVoice(false, performance.now());
        await this.context.floor.release(this.context.holderId);
        break;
    }
    await this.push(f, direction);
  }

  /** The siblings and the participation budget learn when this bot's voice is out. */
  private ownVoice(on: boolean, at: number): void {
    this.context.group?.speaking(on, at);
    this.context.participation.selfSpeaking(on, at);
  }

  private remember(turnId: number, audio: Int16Array, sampleRate: number, text: string | null): void {
    const playing = this.playing;
    if (playing?.turnId !== turnId) return;
    const last = playing.sentences.at(-1);
    if (text !== null || !last) playing.sentences.push({ text: text ?? "", sampleRate, audio: [audio] });
    else last.audio.push(audio);
  }

  /** Resolves once the reply may start, or with the reason it must not. */
  private waitForFloor(turnId: number, signal: AbortSignal): Promise<Verdict> {
    const { context } = this;
    const readyAt = performance.now();
    let held = false;
    return new Promise((resolve) => {
      let settled = false;
      let checking = false;
      const finish = (verdict: Verdict) => {
        if (settled) return;
        settled = true;
        clearInterval(poll);
        clearTimeout(staleAt);
        unsubscribe();
        unsubscribeFloor();
        signal.removeEventListener("abort", onAbort);
        if (held && verdict.go) this.logger.info({ turnId, waitedMs: Math.round(performance.now() - readyAt) }, "reply held until the floor was free");
        resolve(verdict);
      };
      const check = async () => {
        if (settled || checking) return;
        checking = true;
        try {
          if (context.movedOnSince(turnId)) return finish({ go: false, reason: "moved_on" });
          if (performance.now() - readyAt > context.policy.replyHoldMaxMs) return finish({ go: false, reason: "stale" });
          if (!context.humanSpeaking(performance.now()) && (await context.floor.tryAcquire(context.holderId))) {
            // The floor may have been taken for a reply that must not go after all.
            if (settled) await context.floor.release(context.holderId);
            return finish({ go: true });
          }
          if (!held) {
            held = true;
            countDecision("held", "floor_busy");
          }
        } finally {
          checking = false;
        }
      };
      const recheck = () => void check();
      const onAbort = () => finish({ go: false, reason: "interrupted" });
      const poll = setInterval(recheck, RECHECK_MS);
      // The reply goes stale at a known moment: look then, not at the next poll.
      const staleAt = setTimeout(recheck, context.policy.replyHoldMaxMs + 1);
      const unsubscribe = context.onChange(recheck);
      const unsubscribeFloor = context.floor.onRelease(recheck);
      signal.addEventListener("abort", onAbort, { once: true });
      if (signal.aborted) onAbort();
      else recheck();
    });
  }

  private async drop(turnId: number, reason: "moved_on" | "stale"): Promise<void> {
    countDecision("dropped", reason);
    this.logger.info({ turnId, reason }, "reply dropped before it was heard");
    await this.push(frame("reply-dropped", { turnId, reason }), "upstream");
  }

  /** Plays again, from the sentence that was cut off, a reply a false interruption stopped. */
  private async resume(turnId: number): Promise<void> {
    const playing = this.playing;
    const { context } = this;
    if (playing?.turnId !== turnId || context.movedOnSince(turnId) || context.humanSpeaking(performance.now())) return;
    if (!(await context.floor.tryAcquire(context.holderId))) return;
    const rest = unheardSentences(playing.sentences, playing.heard);
    if (!rest.length) return;
    await this.push(frame("tts-started", { turnId }));
    for (const sentence of rest) {
      for (const [i, audio] of sentence.audio.entries()) {
        await this.push(frame("tts-audio", { audio, sampleRate: sentence.sampleRate, turnId, text: i === 0 ? sentence.text : null }));
      }
    }
    await this.push(frame("tts-stopped", { turnId }));
  }
}

/** The sentences after those heard in full; `heard` is the played sentences joined, then a cut-off part. */
export function unheardSentences<T extends { text: string }>(sentences: T[], heard: string): T[] {
  let prefix = "";
  let index = 0;
  for (const sentence of sentences) {
    const next = prefix ? `${prefix} ${sentence.text}` : sentence.text;
    if (!(heard === next || heard.startsWith(`${next} `))) break;
    prefix = next;
    index += 1;
  }
  return sentences.slice(index);
}
