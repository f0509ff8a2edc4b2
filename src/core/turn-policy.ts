/**
 * @module core/turn-policy
 * When a bot may take the floor, as one typed options object with documented defaults. It can be
 * set per bot (`turn_policy` on `POST /bots`) and per persona (metadata lines); the request wins
 * over the persona, the persona over the defaults. Field names follow the spirit of LiveKit's turn
 * options (interruption and endpointing), in snake case like the rest of the API.
 */
import { z } from "zod";

export const TURN_MODES = ["auto", "addressed", "always", "listen_only"] as const;
export type TurnMode = (typeof TURN_MODES)[number];

export const ECHO_SUPPRESSION_MODES = ["auto", "off"] as const;
export type EchoSuppressionMode = (typeof ECHO_SUPPRESSION_MODES)[number];

const ms = (max: number) => z.number().int().min(0).max(max);

/** What a request or a persona may set; every field is optional and falls back to the defaults. */
export const turnPolicyInputSchema = z
  .object({
    mode: z
      .enum(TURN_MODES)
      .optional()
      .describe(
        "auto (default): with one human present answer every turn, with two or more speak only when given the floor; addressed: always wait for the floor; always: answer every turn; listen_only: never speak",
      ),
    aliases: z
      .array(z.string().trim().min(1).max(60))
      .max(20)
      .optional()
      .describe("Other names the bot answers to, besides the persona name and bot_name"),
    room_questions: z
      .enum(["answer", "ignore"])
      .optional()
      .describe("Whether the bot contributes to questions put to the whole room (\"does anyone know…\"); default ignore"),
    follow_up_window_ms: ms(120_000)
      .optional()
      .describe("How soon after the bot's reply the person it answered may speak again and still be answered without naming it (default 10000)"),
    reply_hold_max_ms: ms(60_000)
      .optional()
      .describe("A reply waiting for the floor to be free is dropped after this long (default 6000)"),
    endpointing: z
      .object({
        complete_delay_ms: ms(10_000).optional().describe("Extra wait after a turn that ends like a finished sentence or a question (default 0)"),
        incomplete_delay_ms: ms(10_000)
          .optional()
          .describe("Extra wait after a turn that ends mid-sentence (trailing conjunction, comma, filler) before treating it as done (default 1200)"),
      })
      .strict()
      .optional(),
    interruption: z
      .object({
        enabled: z.boolean().optional().describe("Whether people can interrupt the bot at all (default true)"),
        min_duration_ms: ms(10_000).optional().describe("Speech over the bot must last this long to interrupt it (default 500)"),
        min_words: z.number().int().min(0).max(20).optional().describe("…or contain this many words other than backchannels (default 2; 0 disables)"),
        false_interruption_timeout_ms: ms(10_000)
          .optional()
          .describe("After an interruption with no words in it (noise, a cough), resume the reply once this much time has passed (default 1500)"),
        resume_false_interruption: z.boolean().optional().describe("Resume the reply after a false interruption (default true)"),
      })
      .strict()
      .optional(),
    echo_suppression: z
      .enum(ECHO_SUPPRESSION_MODES)
      .optional()
      .describe("auto (default): remove the bot's own voice where the meeting plays it back to the bot, while and just after it speaks; off: hear the meeting as it comes"),
    bot_exchange_limit: z
      .number()
      .int()
      .min(0)
      .max(20)
      .optional()
      .describe("Bots of one meeting answer each other (only when called by name) at most this many turns in a row; then only people are answered until one speaks (default 2)"),
    participation: z
      .object({
        max_talk_share: z
          .number()
          .min(0.05)
          .max(1)
          .optional()
          .describe("Share of the talk in the last 10 minutes above which the bot holds back on room questions when others are present (default 0.4)"),
        max_turns_per_10min: z.number().int().min(1).max(600).optional().describe("Replies in the last 10 minutes above which the bot holds back on room questions (default 20)"),
      })
      .strict()
      .optional(),
    llm_check: z
      .boolean()
      .optional()
      .describe("When the rules are unsure (an unaddressed question in a group), ask the LLM a short yes/no: should the bot speak? (default false)"),
  })
  .strict();

export type TurnPolicyInput = z.infer<typeof turnPolicyInputSchema>;

export interface InterruptionPolicy {
  enabled: boolean;
  minDurationMs: number;
  minWords: number;
  falseInterruptionTimeoutMs: number;
  resumeFalseInterruption: boolean;
}

export interface TurnPolicy {
  mode: TurnMode;
  aliases: string[];
  answerRoomQuestions: boolean;
  followUpWindowMs: number;
  replyHoldMaxMs: number;
  endpointing: { completeDelayMs: number; incompleteDelayMs: number };
  interruption: InterruptionPolicy;
  llmCheck: boolean;
  echoSuppression: EchoSuppressionMode;
  /** Consecutive bot-to-bot replies allowed before only people are answered. */
  botExchangeLimit: number;
  participation: { maxTalkShare: number; maxTurnsPer10Min: number };
}

export const DEFAULT_TURN_POLICY: Readonly<TurnPolicy> = Object.freeze({
  mode: "auto",
  aliases: [],
  answerRoomQuestions: false,
  followUpWindowMs: 10_000,
  replyHoldMaxMs: 6000,
  endpointing: { completeDelayMs: 0, incompleteDelayMs: 1200 },
  interruption: { enabled: true, minDurationMs: 500, minWords: 2, falseInterruptionTimeoutMs: 1500, resumeFalseInterruption: true },
  llmCheck: false,
  echoSuppression: "auto",
  botExchangeLimit: 2,
  participation: { maxTalkShare: 0.4, maxTurnsPer10Min: 20 },
});

/** Applies inputs in order of increasing precedence (persona, then request) over the defaults. */
export function resolveTurnPolicy(...inputs: (TurnPolicyInput | undefined)[]): TurnPolicy {
  const policy: TurnPolicy = structuredClone(DEFAULT_TURN_POLICY) as TurnPolicy;
  for (const input of inputs) {
    if (!input) continue;
    policy.mode = input.mode ?? policy.mode;
    if (input.aliases) policy.aliases = [...new Set([...policy.aliases, ...input.aliases])];
    if (input.room_questions) policy.answerRoomQuestions = input.room_questions === "answer";
    policy.followUpWindowMs = input.follow_up_window_ms ?? policy.followUpWindowMs;
    policy.replyHoldMaxMs = input.reply_hold_max_ms ?? policy.replyHoldMaxMs;
    const e = input.endpointing;
    policy.endpointing = {
      completeDelayMs: e?.complete_delay_ms ?? policy.endpointing.completeDelayMs,
      incompleteDelayMs: e?.incomplete_delay_ms ?? policy.endpointing.incompleteDelayMs,
    };
    const i = input.interruption;
    policy.interruption = {
      enabled: i?.enabled ?? policy.interruption.enabled,
      minDurationMs: i?.min_duration_ms ?? policy.interruption.minDurationMs,
      minWords: i?.min_words ?? policy.interruption.minWords,
      falseInterruptionTimeoutMs: i?.false_interruption_timeout_ms ?? policy.interruption.falseInterruptionTimeoutMs,
      resumeFalseInterruption: i?.resume_false_interruption ?? policy.interruption.resumeFalseInterruption,
    };
    policy.llmCheck = input.llm_check ?? policy.llmCheck;
    policy.echoSuppression = input.echo_suppression ?? policy.echoSuppression;
    policy.botExchangeLimit = input.bot_exchange_limit ?? policy.botExchangeLimit;
    policy.participation = {
      maxTalkShare: input.participation?.max_talk_share ?? policy.participation.maxTalkShare,
      maxTurnsPer10Min: input.participation?.max_turns_per_10min ?? policy.participation.maxTurnsPer10Min,
    };
  }
  return policy;
}
