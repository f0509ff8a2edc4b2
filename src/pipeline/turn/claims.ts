/**
 * @module pipeline/turn/claims
 * Which bot answers a question put to the room when several bots of this server would. The rule,
 * in order: a bot within its participation budget before one over it; the bot keeping a thread
 * (the person follows up on its answer) first; then the bot whose persona matches the question
 * best; then the bot that talked least in the last 10 minutes; then the lowest holder id, so every
 * bot computes the same winner.
 *
 * Relevance is plain word overlap: the distinct content words of the question (three letters or
 * more, not in a short list of function words, lowercased, a trailing plural "s" dropped) that
 * also occur in the persona's name and description. Simple and deterministic on purpose: it only
 * breaks ties between bots that would all answer.
 */
import type { TurnClaim } from "./sibling-group.js";

const FUNCTION_WORDS = new Set(
  (
    "the and for are but not you all any can had her was one our out has his how its may new now old see two who did get let say she too use " +
    "what when where which while with would could should about there their them then than this that these those from have been being into " +
    "your yours does doing done just also some such only very more most much many every everyone everybody anyone anybody someone somebody " +
    "think thoughts know tell give take want like here well yes okay hey hello thanks thank please guys folks team"
  ).split(/\s+/),
);

/** The content words of a text, as relevance compares them. */
export function contentWords(text: string): Set<string> {
  const words = text.toLowerCase().match(/[\p{L}\p{N}']+/gu) ?? [];
  const out = new Set<string>();
  for (const raw of words) {
    const word = raw.replace(/'s$/, "").replace(/'/g, "");
    if (word.length < 3 || FUNCTION_WORDS.has(word)) continue;
    out.add(word.length > 3 && word.endsWith("s") && !word.endsWith("ss") ? word.slice(0, -1) : word);
  }
  return out;
}

/** How many distinct content words of the question the persona's description shares. */
export function relevance(question: string, personaWords: ReadonlySet<string>): number {
  let shared = 0;
  for (const word of contentWords(question)) if (personaWords.has(word)) shared += 1;
  return shared;
}

/** Negative when `a` should answer before `b`. */
function compareClaims(a: TurnClaim, b: TurnClaim): number {
  if (a.withinBudget !== b.withinBudget) return a.withinBudget ? -1 : 1;
  if (a.followUp !== b.followUp) return a.followUp ? -1 : 1;
  if (a.relevance !== b.relevance) return b.relevance - a.relevance;
  if (a.talkMs !== b.talkMs) return a.talkMs - b.talkMs;
  return a.holder < b.holder ? -1 : a.holder > b.holder ? 1 : 0;
}

/** The holder that answers, or null when nobody claimed. */
export function pickClaim(claims: readonly TurnClaim[]): string | null {
  return [...claims].sort(compareClaims)[0]?.holder ?? null;
}
