/**
 * @module pipeline/turn/phonetic
 * Sound-alike keys for names, so "Sam" still matches when the recogniser writes "Sem" or "Samm".
 * The encoder sits behind a one-method interface: a compact Metaphone (Philips, 1990) lives here
 * because no phonetic package is installed; a Double Metaphone package can replace it unchanged.
 */

export interface PhoneticEncoder {
  /** One or more keys for a single word; words that sound alike share a key. */
  encode(word: string): string[];
}

const VOWELS = new Set("aeiou");
const isVowel = (c: string | undefined) => c !== undefined && VOWELS.has(c);
const FRONT = new Set("eiy");

/** Metaphone: consonant skeleton with English spelling rules; a leading vowel is kept as "A". */
export function metaphone(input: string): string {
  let w = input.toLowerCase().replace(/[^a-z]/g, "");
  if (!w) return "";
  const initial: [RegExp, string][] = [
    [/^(kn|gn|pn|ae|wr)/, w.slice(1)],
    [/^x/, `s${w.slice(1)}`],
    [/^wh/, `w${w.slice(2)}`],
  ];
  for (const [pattern, replacement] of initial) {
    if (pattern.test(w)) {
      w = replacement;
      break;
    }
  }
  let key = "";
  for (let i = 0; i < w.length; i++) {
    const c = w[i] as string;
    const prev = w[i - 1];
    const next = w[i + 1];
    const after = w[i + 2];
    if (c === prev && c !== "c") continue;
    switch (c) {
      case "a":
      case "e":
      case "i":
      case "o":
      case "u":
        if (i === 0) key += "A";
        break;
      case "b":
        if (!(prev === "m" && i === w.length - 1)) key += "B";
        break;
      case "c":
        if (next === "i" && after === "a") key += "X";
        else if (next === "h") {
          key += prev === "s" ? "K" : "X";
          i += 1;
        } else if (next !== undefined && FRONT.has(next)) {
          if (prev !== "s") key += "S";
        } else key += "K";
        break;
      case "d":
        if (next === "g" && after !== undefined && FRONT.has(after)) {
          key += "J";
          i += 1;
        } else key += "T";
        break;
      case "g":
        if (next === "h" && after !== undefined && !isVowel(after)) break;
        if (next === "n" && (i + 2 === w.length || w.slice(i + 1) === "ned")) break;
        if (next !== undefined && FRONT.has(next) && prev !== "g") key += "J";
        else key += "K";
        break;
      case "h":
        if (isVowel(next) && !(prev !== undefined && "csptg".includes(prev))) key += "H";
        break;
      case "k":
        if (prev !== "c") key += "K";
        break;
      case "p":
        key += next === "h" ? "F" : "P";
        break;
      case "q":
        key += "K";
        break;
      case "s":
        if (next === "h") {
          key += "X";
          i += 1;
        } else if (next === "i" && (after === "o" || after === "a")) key += "X";
        else key += "S";
        break;
      case "t":
        if (next === "i" && (after === "o" || after === "a")) key += "X";
        else if (next === "h") {
          key += "0";
          i += 1;
        } else if (!(next === "c" && after === "h")) key += "T";
        break;
      case "v":
        key += "F";
        break;
      case "w":
      case "y":
        if (isVowel(next)) key += c.toUpperCase();
        break;
      case "x":
        key += "KS";
        break;
      case "z":
        key += "S";
        break;
      default:
        key += c.toUpperCase();
    }
  }
  return key;
}

/** Keys of recent words: names and the words around them recur in every utterance. */
const keyCache = new Map<string, string[]>();
const KEY_CACHE_SIZE = 4096;

export const metaphoneEncoder: PhoneticEncoder = {
  encode(word) {
    let keys = keyCache.get(word);
    if (!keys) {
      keys = [metaphone(word)];
      if (keyCache.size >= KEY_CACHE_SIZE) keyCache.clear();
      keyCache.set(word, keys);
    }
    return keys;
  },
};

/** Levenshtein distance, for the short strings of names and their keys. */
export function editDistance(a: string, b: string): number {
  if (a === b) return 0;
  let row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const next = [i];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      next.push(Math.min((row[j] ?? 0) + 1, (next[j - 1] ?? 0) + 1, (row[j - 1] ?? 0) + cost));
    }
    row = next;
  }
  return row[b.length] ?? 0;
}

/**
 * Whether a heard word could be a misrecognition of a name word: same spelling, same sound key,
 * or a sound key one edit away when the keys are long enough for one edit not to be a coin toss.
 */
export function soundsLike(heard: string, name: string, encoder: PhoneticEncoder = metaphoneEncoder): boolean {
  const a = heard.toLowerCase();
  const b = name.toLowerCase();
  if (a === b) return true;
  if (!a || !b) return false;
  const heardKeys = encoder.encode(a).filter(Boolean);
  const nameKeys = encoder.encode(b).filter(Boolean);
  for (const h of heardKeys) {
    for (const n of nameKeys) {
      if (h === n) return true;
      if (Math.min(h.length, n.length) >= 3 && editDistance(h, n) <= 1 && editDistance(a, b) <= Math.max(1, Math.floor(b.length / 3))) return true;
    }
  }
  return b.length >= 5 && editDistance(a, b) <= 1;
}
