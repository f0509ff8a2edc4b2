/**
 * @module pipeline/stages/user-turn
 * Decides when a person's turn is over and whether the bot takes it. The turn is over when the VAD
 * says they stopped, the recogniser has delivered the final text (it is asked to flush; after
 * `finalGraceMs` whatever text there is counts), and the endpointing delay has passed without new
 * speech: none after a finished sentence, longer after one left hanging. Every finished turn enters
 * the conversation under its speaker's name; the turn policy then says whether the bot answers, and
 * the decision and its reason are logged, counted and sent on as a `turn-decision` frame.
 */
import type { Conversation } from "../conversation.js";
import { type Direction, type Frame, frame } from "../frames.js";
import { FrameProcessor } from "../processor.js";
import { countDecision } from "../turn/decision-counters.js";
import { endpointDelay } from "../turn/endpointing.js";
import { isBackchannel } from "../turn/utterance-text.js";
import { type SpeakDecision, decideTurn } from "../turn/speak-decision.js";
import type { TurnContext } from "../turn/turn-context.js";
import { addressees, othersPresent, settleWithSiblings } from "../turn/sibling-turns.js";
import type { TurnMetrics } from "../turn-metrics.js";

export const FINAL_GRACE_MS = 1500;
/**
 * A person who starts again this soon after their turn was taken as finished was only pausing: the
 * new words go on the same sentence, so they keep its addressee ("Bob, if we hire two | would that
 * be enough?" is still for Bob).
 */
export const CONTINUATION_MS = 1500;

/** Asks for a second opinion when the rules are unsure; resolves true when the bot should speak. */
export type FloorClassifier = (utterance: { speaker: string | null; text: string }, signal: AbortSignal) => Promise<boolean>;

interface PendingText {
  text: string;
  speaker: string | null;
}

export interface UserTurnOptions {
  finalGraceMs?: number;
  classifier?: FloorClassifier;
}

export class UserTurnStage extends FrameProcessor {
  private userSpeaking = false;
  private overBotSpeech = false;
  private awaitingFinal: NodeJS.Timeout | undefined;
  private endpointTimer: NodeJS.Timeout | undefined;
  private readonly pending: PendingText[] = [];
  /** A reply has been asked for and has not finished playing (or been dropped). */
  private replyOpen: number | undefined;
  private readonly finalGraceMs: number;
  private utteranceStartedAt: number | undefined;
  /** When the VAD last heard the person stop: the moment every bot of the meeting heard the turn end. */
  private utteranceEndedAt: number | undefined;
  private lastCommit: { speaker: string | null; at: number; toOther: string | null } | undefined;

  constructor(
    private readonly conversation: Conversation,
    private readonly metrics: TurnMetrics,
    private readonly context: TurnContext,
    private readonly options: UserTurnOptions = {},
  ) {
    super("user-turn");
    this.finalGraceMs = options.finalGraceMs ?? FINAL_GRACE_MS;
  }

  protected override async processFrame(f: Frame, direction: Direction): Promise<void> {
    switch (f.type) {
      case "user-started-speaking":
        if (!this.pending.length) this.utteranceStartedAt = f.createdAt;
        this.userSpeaking = true;
        if (this.context.botSpeaking) this.overBotSpeech = true;
        this.stopWaiting();
        break;
      case "user-stopped-speaking":
        this.userSpeaking = false;
        this.utteranceEndedAt = f.createdAt;
        this.stopWaiting();
        this.awaitingFinal = setTimeout(() => this.detached(() => this.endOfUtterance()), this.finalGraceMs);
        break;
      case "transcription":
        await this.heard(f.text, f.speaker);
        break;
      case "bot-spoken-text":
        this.replyFinished(f.turnId);
        break;
      case "reply-dropped":
        this.replyFinished(f.turnId, true);
        break;
      case "end":
      case "cancel":
        this.stopWaiting();
        break;
    }
    await this.push(f, direction);
  }

  private async heard(text: string, speaker: string | null): Promise<void> {
    if (this.context.botSpeaking) this.overBotSpeech = true;
    const previous = this.pending.at(-1)?.speaker;
    // Someone else speaking means the previous speaker's turn is over, whatever the timers say.
    if (this.pending.length && speaker !== null && previous !== null && previous !== undefined && previous !== speaker) await this.commit();
    this.pending.push({ text, speaker });
    if (!this.userSpeaking) await this.endOfUtterance();
  }

  private stopWaiting(): void {
    if (this.awaitingFinal) clearTimeout(this.awaitingFinal);
    if (this.endpointTimer) clearTimeout(this.endpointTimer);
    this.awaitingFinal = undefined;
    this.endpointTimer = undefined;
  }

  /** The person stopped and the text is in: wait as long as the way the text ends asks for. */
  private async endOfUtterance(): Promise<void> {
    this.stopWaiting();
    if (!this.pending.length) return;
    const { delayMs } = endpointDelay(this.pending.map((p) => p.text).join(" "), this.context.policy.endpointing);
    if (delayMs <= 0) return this.commit();
    this.endpointTimer = setTimeout(() => void this.commit(), delayMs);
  }

  private async commit(): Promise<void> {
    this.stopWaiting();
    if (!this.pending.length) return;
    const speaker = this.pending.findLast((p) => p.speaker !== null)?.speaker ?? null;
    const text = this.pending.map((p) => p.text).join(" ");
    const overBotSpeech = this.overBotSpeech;
    this.pending.length = 0;
    this.overBotSpeech = this.userSpeaking && this.context.botSpeaking;
    const { context } = this;
    const { group } = context;
    const fromSibling = speaker !== null && (group?.siblingNamed(speaker) ?? null) !== null;
    // "Mm-hm" and "yeah" do not take the floor: they neither make a reply out of date nor break a follow-up.
    const substantive = !isBackchannel(text);
    const last = context.lastAnswer;
    if (substantive) {
      // A sibling bot's words break a follow-up but never make this bot's reply out of date.
      if (!fromSibling) context.humanTurns += 1;
      if (!fromSibling) group?.humanTurn();
      if (last && speaker !== last.speaker) last.otherSpokeSince = true;
    }
    this.conversation.addUser(speaker, text);

    const now = performance.now();
    // People do not call themselves by name: the speaker is not a candidate addressee.
    const others = addressees(context, speaker);
    const address = context.detector.analyse(text, others);
    const previous = this.lastCommit;
    const continuation = previous !== undefined && speaker !== null && previous.speaker === speaker && (this.utteranceStartedAt ?? now) - previous.at <= CONTINUATION_MS;
    if (continuation && !address.toBot && !address.toOther && previous.toOther) address.toOther = previous.toOther;
    this.lastCommit = { speaker, at: now, toOther: address.toOther };
    this.utteranceStartedAt = undefined;
    const followUp =
      last !== undefined &&
      speaker !== null &&
      last.speaker === speaker &&
      !last.otherSpokeSince &&
      // Timed from the end of the answer; an answer that never came (the LLM failed) counts from its decision.
      now - (last.endedAt ?? last.decidedAt) <= context.policy.followUpWindowMs;
    let decision: SpeakDecision = decideTurn({
      policy: context.policy,
      humans: context.roster.humanCount(),
      address,
      overBotSpeech,
      followUp,
      answeredRoomQuestionLast: last?.roomQuestion === true && last.speaker === speaker && !last.otherSpokeSince,
      fromSibling,
      overBudget: context.participation.overBudget(now, context.policy.participation, othersPresent(context, others)),
    });
    if (decision.uncertain && context.policy.llmCheck && this.options.classifier) decision = await this.secondOpinion(speaker, text, decision);
    const heardAt = this.userSpeaking ? now : (this.utteranceEndedAt ?? now);
    if (group) decision = await settleWithSiblings(context, group, decision, { fromSibling, text, now, heardAt, othersPresent: othersPresent(context, others) });
    countDecision(decision.speak ? "speak" : "silent", decision.reason);
    this.logger.info({ speaker, speak: decision.speak, reason: decision.reason, humans: context.roster.humanCount(), pii: { text } }, "turn decision");

    const record = { at: Date.now(), speaker, speak: decision.speak, reason: decision.reason };
    if (!decision.speak) {
      context.recordDecision({ ...record, turnId: null });
      if (substantive && this.replyOpen !== undefined && !context.botSpeaking) await this.dropStaleReply(this.replyOpen);
      await this.push(frame("turn-decision", { speaker, text, speak: false, reason: decision.reason, turnId: null }));
      return;
    }
    // A newer turn replaces any reply still being prepared or played.
    if (this.replyOpen !== undefined || context.botSpeaking) await this.push(frame("interruption"));
    const turnId = this.metrics.startTurn(now);
    this.replyOpen = turnId;
    context.replyDecided(turnId, context.humanTurns);
    context.recordDecision({ ...record, turnId });
    context.lastAnswer = { speaker, turnId, roomQuestion: address.roomQuestion, humanTurn: context.humanTurns, decidedAt: now, endedAt: null, otherSpokeSince: false };
    await this.push(frame("turn-decision", { speaker, text, speak: true, reason: decision.reason, turnId }));
    await this.push(frame("llm-run", { turnId }));
  }

  /** Someone else took a turn before the reply was heard: stop making it (the floor gate would drop it anyway). */
  private async dropStaleReply(turnId: number): Promise<void> {
    countDecision("dropped", "moved_on");
    this.logger.info({ turnId }, "reply dropped before it was heard: the talk moved on");
    this.replyOpen = undefined;
    if (this.context.lastAnswer?.turnId === turnId) this.context.lastAnswer = undefined;
    await this.push(frame("interruption"));
  }

  private async secondOpinion(speaker: string | null, text: string, rules: SpeakDecision): Promise<SpeakDecision> {
    try {
      const yes = await this.options.classifier?.({ speaker, text }, AbortSignal.timeout(2000));
      return { speak: yes === true, reason: yes ? "llm_yes" : "llm_no", uncertain: false };
    } catch (error) {
      this.logger.warn({ err: error instanceof Error ? error.message : String(error) }, "floor classifier failed; keeping the rule's decision");
      return rules;
    }
  }

  private replyFinished(turnId: number, dropped = false): void {
    if (this.replyOpen === turnId) this.replyOpen = undefined;
    const last = this.context.lastAnswer;
    if (last?.turnId !== turnId) return;
    if (dropped) this.context.lastAnswer = undefined;
    else last.endedAt = performance.now();
  }
}
