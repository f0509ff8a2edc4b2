/**
 * @module pipeline/text/sentences
 * Cuts streaming LLM text into sentences, so speech can start as soon as the first one is complete.
 * A sentence ends at . ! ? (or their full-width forms) followed by a space, or at a line break;
 * common abbreviations and decimal numbers do not end one. Very long runs are cut at a comma.
 * The first piece of an answer may be a clause: a comma, semicolon or colon after at least
 * `firstClauseMinWords` words ends it, so speech starts before a long first sentence is complete.
 * The clause is long enough for natural intonation, and later pieces are whole sentences.
 */

const ABBREVIATIONS = new Set(["mr", "mrs", "ms", "dr", "prof", "sr", "jr", "st", "vs", "etc", "e.g", "i.e", "approx", "no", "fig"]);
const LONG_RUN = 200;
/** Words a first clause needs before it is spoken on its own; shorter ones wait for the sentence. */
export const FIRST_CLAUSE_MIN_WORDS = 8;
const CLAUSE_ENDS = ",;:";

export class SentenceSplitter {
  private buffer = "";
  /** Whether this answer already gave a piece: only the first may end at a clause. */
  private started = false;

  constructor(private readonly firstClauseMinWords = FIRST_CLAUSE_MIN_WORDS) {}

  /** Adds text; returns the sentences (and possibly a first clause) it completed. */
  push(text: string): string[] {
    this.buffer += text;
    const sentences: string[] = [];
    for (let end = this.findEnd(); end > 0; end = this.findEnd()) {
      const sentence = this.buffer.slice(0, end).trim();
      this.buffer = this.buffer.slice(end);
      if (sentence) {
        sentences.push(sentence);
        this.started = true;
      }
    }
    return sentences;
  }

  /** Whatever is left once the text stream ended; the next text is a new answer. */
  flush(): string | undefined {
    const rest = this.buffer.trim();
    this.reset();
    return rest || undefined;
  }

  reset(): void {
    this.buffer = "";
    this.started = false;
  }

  private findEnd(): number {
    const text = this.buffer;
    for (let i = 0; i < text.length; i++) {
      const ch = text[i] ?? "";
      if (ch === "\n") return i + 1;
      if ("。！？".includes(ch)) return i + 1;
      if (".!?".includes(ch)) {
        const next = text[i + 1];
        if (next === undefined) return -1;
        if (!/\s/.test(next)) continue;
        if (ch === "." && this.isAbbreviation(text.slice(0, i))) continue;
        return i + 1;
      }
      if (!this.started && CLAUSE_ENDS.includes(ch) && wordCount(text.slice(0, i)) >= this.firstClauseMinWords) {
        const next = text[i + 1];
        // Wait for the next character: "1,000" and "10:30" are not clause ends.
        if (next === undefined) return -1;
        if (/\s/.test(next)) return i + 1;
      }
    }
    if (text.length > LONG_RUN) {
      const comma = text.lastIndexOf(", ", LONG_RUN);
      if (comma > 40) return comma + 1;
    }
    return -1;
  }

  private isAbbreviation(before: string): boolean {
    const word = before.split(/\s/).pop()?.toLowerCase() ?? "";
    return ABBREVIATIONS.has(word) || /^\d+$/.test(word) === false && word.length === 1;
  }
}

function wordCount(text: string): number {
  return text.split(/\s+/).filter((w) => /[\p{L}\p{N}]/u.test(w)).length;
}
