/**
 * @module pipeline/turn/speak-decision
 * The rule-based answer to "should the bot take this turn?", with the reason for it. The rules, in
 * order: `listen_only` never and `always` always speak; a turn addressed to someone else is never
 * answered; a turn addressed to the bot is (unless it only thanks it); in `auto` mode with one
 * person present every turn is answered; in a group the bot also answers a follow-up from the person
 * it just answered and, if its role says so, a question to the room once. Everything else is side
 * talk. Each reason is logged and counted.
 *
 * Sibling bots (other bots of this server in the meeting) are answered only when they call this bot
 * by name, and only while the bot-to-bot exchange is under its cap. A bot over its participation
 * budget holds back on room questions. Which of several bots answers an unaddressed turn is settled
 * afterwards, by claims (see claims.ts): the losers stay silent with `sibling_answers`.
 */
import type { AddressAnalysis } from "./addressing.js";
import type { TurnPolicy } from "../../core/turn-policy.js";
import { isBackchannel } from "./utterance-text.js";

export const SPEAK_REASONS = ["always", "addressed", "one_human", "follow_up", "room_question", "llm_yes"] as const;
export const SILENT_REASONS = [
  "listen_only",
  "addressed_to_other",
  "acknowledgement",
  "backchannel_over_reply",
  "room_question_not_my_role",
  "room_question_already_answered",
  "not_addressed",
  "llm_no",
  "sibling_not_addressed",
  "bot_exchange_limit",
  "over_budget",
  "sibling_answers",
] as const;
export type DecisionReason = (typeof SPEAK_REASONS)[number] | (typeof SILENT_REASONS)[number];

export interface SpeakDecision {
  speak: boolean;
  reason: DecisionReason;
  /** The rules had nothing to go on (an unaddressed question in a group): a classifier may overrule. */
  uncertain: boolean;
}

export interface DecisionInput {
  policy: TurnPolicy;
  /** People present besides the bot. */
  humans: number;
  address: AddressAnalysis;
  /** The utterance was spoken while the bot was talking. */
  overBotSpeech: boolean;
  /** Same speaker as the bot's last answer, nobody else since, within the follow-up window. */
  followUp: boolean;
  /** The bot's last answer was to a room question by this same speaker. */
  answeredRoomQuestionLast: boolean;
  /** The turn was a sibling bot's. */
  fromSibling?: boolean;
  /** One more bot-to-bot reply is under the cap. */
  botExchangeAllowed?: boolean;
  /** The bot has had more than its share of the meeting lately. */
  overBudget?: boolean;
}

const decide = (speak: boolean, reason: DecisionReason, uncertain = false): SpeakDecision => ({ speak, reason, uncertain });

export function decideTurn(input: DecisionInput): SpeakDecision {
  const { policy, address } = input;
  if (policy.mode === "listen_only") return decide(false, "listen_only");
  if (input.fromSibling) {
    if (!address.toBot) return decide(false, "sibling_not_addressed");
    if (input.botExchangeAllowed === false) return decide(false, "bot_exchange_limit");
  }
  if (policy.mode === "always") return decide(true, "always");
  if (address.toOther) return decide(false, "addressed_to_other");
  const acknowledgement = isBackchannel(address.rest);
  if (input.overBotSpeech && acknowledgement) return decide(false, "backchannel_over_reply");
  if (address.toBot) return acknowledgement && !address.question ? decide(false, "acknowledgement") : decide(true, "addressed");
  if (policy.mode === "auto" && input.humans <= 1) return decide(true, "one_human");
  if (input.followUp) {
    if (address.roomQuestion && input.answeredRoomQuestionLast) return decide(false, "room_question_already_answered");
    return acknowledgement ? decide(false, "acknowledgement") : decide(true, "follow_up");
  }
  if (address.roomQuestion) {
    if (!policy.answerRoomQuestions) return decide(false, "room_question_not_my_role");
    if (input.answeredRoomQuestionLast) return decide(false, "room_question_already_answered");
    return input.overBudget ? decide(false, "over_budget") : decide(true, "room_question");
  }
  return decide(false, "not_addressed", address.question && !acknowledgement);
}
