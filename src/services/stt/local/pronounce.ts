/**
 * @module services/stt/local/pronounce
 * Pronunciations for words a dictionary lacks (names, mostly), from flite's US English lexicon and
 * letter-to-sound rules: `flite -ps` prints the phones it would say, in the CMU phone set that
 * PocketSphinx's US English model also uses (lower case, with "ax" for the schwa).
 */
import { execFile } from "node:child_process";

/** CMU phones of one word, upper case and without stress marks, e.g. "S AE M"; null if flite cannot say. */
export function pronounce(word: string): Promise<string | null> {
  const clean = word.replace(/[^\p{L}'-]/gu, "");
  if (!clean) return Promise.resolve(null);
  return new Promise((resolve) => {
    execFile("flite", ["-ps", "-t", clean, "-o", "none"], { timeout: 5000 }, (error, stdout) => {
      if (error) return resolve(null);
      const phones = stdout
        .trim()
        .split(/\s+/)
        .filter((p) => p && p !== "pau")
        .map((p) => (p === "ax" ? "AH" : p.replace(/\d/g, "").toUpperCase()));
      resolve(phones.length ? phones.join(" ") : null);
    });
  });
}
