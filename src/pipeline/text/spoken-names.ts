/**
 * @module pipeline/text/spoken-names
 * Says names joined by underscores, such as setting names, the way a person reads them out:
 * `LLM_BASE_URL` becomes "L L M base URL". The text shown stays exact; only what goes to the voice
 * is changed, because a synthesiser reads the underscores, or the whole name, as one odd word.
 */

/** Parts said as written (brand names and the acronyms said as a word). */
const AS_WRITTEN: Readonly<Record<string, string>> = { OPENAI: "OpenAI", URL: "URL", JSON: "JSON" };
/** Acronyms said letter by letter although they hold a vowel. */
const SPELLED = new Set(["API", "GGUF", "ID", "VAD", "UI", "IP", "AI"]);
const NAME = /[\p{L}\p{N}]+(?:_[\p{L}\p{N}]+)+/gu;

function sayPart(part: string): string {
  if (part !== part.toUpperCase() || /^\p{N}+$/u.test(part)) return part;
  const known = AS_WRITTEN[part];
  if (known) return known;
  if (SPELLED.has(part) || !/[AEIOUY]/.test(part)) return [...part].join(" ");
  return part.toLowerCase();
}

/** `text` with every underscore-joined name replaced by the words a person would say for it. */
export function sayNames(text: string): string {
  return text.replace(NAME, (name) => name.split("_").map(sayPart).join(" "));
}
