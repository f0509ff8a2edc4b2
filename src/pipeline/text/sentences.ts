/**
 * @module pipeline/text/sentences
 * Cuts streaming LLM text into sentences, so speech can start as soon as the first one is complete.
 * A sentence ends at . ! ? (or their full-width forms) followed by a space, or at a line break;
 * common abbreviations and decimal numbers do not end one. Very long runs are cut at a comma.
 */

const ABBREVIATIONS = new Set(["mr", "mrs", "ms", "dr", "prof", "sr", "jr", "st", "vs", "etc", "e.g", "i.e", "approx", "no", "fig"]);
const LONG_RUN = 200;

export class SentenceSplitter {
  private buffer = "";

  /** Adds text; returns the sentences it completed. */
  push(text: string): string[] {
    this.buffer += text;
    const sentences: string[] = [];
    for (let end = this.findEnd(); end > 0; end = this.findEnd()) {
      const sentence = this.buffer.slice(0, end).trim();
      this.buffer = this.buffer.slice(end);
      if (sentence) sentences.push(sentence);
    }
    return sentences;
  }

  /** Whatever is left once the text stream ended. */
  flush(): string | undefined {
    const rest = this.buffer.trim();
    this.buffer = "";
    return rest || undefined;
  }

  reset(): void {
    this.buffer = "";
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
