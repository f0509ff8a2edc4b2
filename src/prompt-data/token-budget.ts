/**
 * @module prompt-data/token-budget
 * Token counts with a real tokenizer (gpt-tokenizer, the o200k encoding of current GPT models; other
 * models' counts are close enough for a budget), and cutting text to a number of tokens.
 */
import { countTokens, decode, encode } from "gpt-tokenizer";

export { countTokens };

/** The first `limit` tokens of `text`; `truncated` tells whether anything was cut. */
export function truncateToTokens(text: string, limit: number): { text: string; truncated: boolean } {
  if (limit <= 0) return { text: "", truncated: text.length > 0 };
  // A token is at least one character, so a short text cannot exceed the limit.
  if (text.length <= limit) return { text, truncated: false };
  // Encoding a long document is slow; no token spans 32 characters in ordinary prose.
  const window = text.slice(0, limit * 32);
  const tokens = encode(window);
  if (tokens.length <= limit) return { text: window, truncated: window.length < text.length };
  // A cut inside a multi-byte character leaves a replacement character at the end.
  return { text: decode(tokens.slice(0, limit)).replace(/\uFFFD+$/, ""), truncated: true };
}
