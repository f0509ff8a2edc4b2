/**
 * @module pipeline/turn/sibling-turns
 * The turn rules that only apply when other bots of this server are in the meeting: who a turn may
 * call by name (the siblings too, even before a speaker event lists them), the cap on bot-to-bot
 * replies, and the claim that picks one bot for a person's turn that called nobody by name.
 */
import { relevance } from "./claims.js";
import type { SiblingGroup } from "./sibling-group.js";
import type { SpeakDecision } from "./speak-decision.js";
import type { TurnContext } from "./turn-context.js";

/** Everyone the turn might call by name: the roster and the sibling bots, never the speaker. */
export function addressees(context: TurnContext, speaker: string | null): string[] {
  const { group } = context;
  const names = [...context.roster.others().map((p) => p.name), ...(group?.siblingNames() ?? [])];
  return [...new Set(names)].filter((name) => name !== speaker && (speaker === null || group?.siblingNamed(name) !== speaker));
}

/** How many participants the addressees are: a sibling's names (display, persona, aliases) count once. */
export function othersPresent(context: TurnContext, names: readonly string[]): number {
  return new Set(names.map((name) => context.group?.siblingNamed(name) ?? name)).size;
}

export interface SettledTurn {
  fromSibling: boolean;
  text: string;
  now: number;
  /** When the bot heard the person stop (performance.now() clock); `now` when it never did. */
  heardAt: number;
  /** Participants present besides this bot. */
  othersPresent: number;
}

/**
 * A sibling's call is answered only under the bot-to-bot cap (and counted against it). A person's
 * turn answered for any reason but being called by name goes through the claim round; the losers
 * stay silent with `sibling_answers`. Every other person's turn is a pass, so the round need not
 * wait for this bot.
 */
export async function settleWithSiblings(context: TurnContext, group: SiblingGroup, decision: SpeakDecision, turn: SettledTurn): Promise<SpeakDecision> {
  if (turn.fromSibling) {
    if (!decision.speak) return decision;
    const taken = group.takeBotExchange(context.policy.botExchangeLimit);
    // Only a count shared across processes is awaited: in one process the answer comes at once.
    const allowed: boolean = typeof taken === "boolean" ? taken : await taken;
    if (!allowed) return { speak: false, reason: "bot_exchange_limit", uncertain: false };
    return decision;
  }
  if (!decision.speak || decision.reason === "addressed") {
    group.pass(turn.heardAt);
    return decision;
  }
  const { participation, policy } = context;
  const won = await group.settle({
    holder: context.holderId,
    followUp: decision.reason === "follow_up",
    withinBudget: !participation.overBudget(turn.now, policy.participation, turn.othersPresent),
    relevance: relevance(turn.text, context.personaWords),
    talkMs: participation.snapshot(turn.now).selfTalkMs,
  }, turn.heardAt);
  return won ? decision : { speak: false, reason: "sibling_answers", uncertain: false };
}
