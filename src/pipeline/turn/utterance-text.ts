/**
 * @module pipeline/turn/utterance-text
 * Reading a transcript for turn-taking: words with the punctuation breaks around them, whether it
 * is a question, a backchannel ("mm-hm", "yeah"), or a sentence left hanging ("…and", "…so the").
 * Recognisers differ in punctuation (PocketSphinx has none), so every rule also works without it.
 */

export interface Token {
  word: string;
  /** A punctuation break (or the start) comes right before this word. */
  breakBefore: boolean;
  /** A punctuation break (or the end) comes right after this word. */
  breakAfter: boolean;
}

/** Splits a transcript into lower-case words, remembering where commas and sentence ends fall. */
export function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let pendingBreak = true;
  for (const match of text.matchAll(/([\p{L}\p{N}][\p{L}\p{N}'’-]*)|([,.;:!?…—]+)/gu)) {
    if (match[2]) {
      pendingBreak = true;
      const last = tokens.at(-1);
      if (last) last.breakAfter = true;
      continue;
    }
    tokens.push({ word: (match[1] ?? "").toLowerCase().replace(/’/g, "'"), breakBefore: pendingBreak, breakAfter: false });
    pendingBreak = false;
  }
  const last = tokens.at(-1);
  if (last) last.breakAfter = true;
  return tokens;
}

const BACKCHANNEL =
  /^(?:(?:m+|mm+-?hm+|mhm+|hmm+|uh-?huh|uh|um|ah|oh|wow|yeah|yes|yep|yup|ok|okay|right|sure|cool|nice|great|exactly|totally|true|indeed|alright|all right|got it|i see|makes sense|fair enough|thanks|thank you|sounds good)\b[\s,.!?…]*)+$/i;

/** A short acknowledgement that does not ask for the floor ("mm-hm", "yeah, right", "got it"). */
export function isBackchannel(text: string): boolean {
  const trimmed = text.trim();
  return trimmed.length > 0 && BACKCHANNEL.test(trimmed);
}

const BACKCHANNEL_WORDS = new Set(["mm", "mhm", "mm-hm", "mm-hmm", "hmm", "uh-huh", "uh", "um", "ah", "oh", "yeah", "yes", "yep", "yup", "ok", "okay", "right", "sure"]);

/** Words that count towards interrupting the bot: backchannel sounds are not words here. */
export function contentWordCount(text: string): number {
  return tokenize(text).filter((t) => !BACKCHANNEL_WORDS.has(t.word) && !/^m+$|^h+m+$/.test(t.word)).length;
}

const QUESTION_START = new Set([
  "what", "who", "whom", "whose", "why", "how", "when", "where", "which", "do", "does", "did", "can", "could", "would", "should",
  "is", "are", "was", "were", "will", "have", "has", "any", "shall", "may", "might", "isn't", "aren't", "don't", "doesn't", "didn't", "won't", "can't",
]);

/** Ends with a question mark, or (without punctuation) opens its last clause like a question. */
export function isQuestion(text: string): boolean {
  if (/\?\s*$/.test(text)) return true;
  if (/[.!]\s*$/.test(text)) return false;
  const tokens = tokenize(text);
  let clauseStart = 0;
  tokens.forEach((t, i) => {
    if (t.breakBefore) clauseStart = i;
  });
  const first = tokens[clauseStart]?.word;
  return first !== undefined && QUESTION_START.has(first);
}

/** Words that cannot end a finished sentence: the speaker has paused, not stopped. */
const HANGING_WORDS = new Set([
  "and", "but", "or", "so", "because", "cause", "if", "then", "that", "which", "who", "when", "while", "although", "though", "since", "unless",
  "the", "a", "an", "my", "your", "our", "their", "his", "her", "its", "this", "these", "those",
  "to", "of", "in", "on", "at", "for", "with", "from", "about", "into", "by", "like",
  "whether", "what", "how", "where", "why", "than", "as", "until", "before", "after", "during", "without", "through", "between", "against",
  "um", "uh", "er", "erm", "is", "are", "was", "were", "am", "be", "been", "being", "will", "would", "could", "should", "must", "might",
  "i", "we", "you", "they", "he", "she", "it's", "i'm", "we're", "you're", "they're", "maybe", "also", "just", "very", "really", "more", "not",
]);

/** True when the transcript stops where a sentence cannot end: a trailing conjunction, article, comma or filler. */
export function soundsUnfinished(text: string): boolean {
  const trimmed = text.trim();
  if (!trimmed) return false;
  if (/[,;:—-]$/.test(trimmed) || /\.\.\.$|…$/.test(trimmed)) return true;
  if (/[?.!]["')\]]*$/.test(trimmed)) return false;
  const last = tokenize(trimmed).at(-1)?.word;
  return last !== undefined && HANGING_WORDS.has(last);
}
