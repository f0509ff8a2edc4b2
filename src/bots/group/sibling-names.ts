/**
 * @module bots/group/sibling-names
 * Names as a meeting shows them and as a recogniser writes them: case, punctuation and spacing do
 * not tell them apart, and a provider's decoration after the name ("Sam (bot)") does not either.
 */

export function normaliseName(name: string): string {
  return name
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, " ")
    .trim();
}

/** Whether `heard` is `known`, or `known` followed by more words ("sam bot" for "sam"). */
export function sameName(heard: string, known: string): boolean {
  return known !== "" && (heard === known || heard.startsWith(`${known} `));
}
