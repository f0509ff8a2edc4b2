/**
 * @module personas/persona-keys
 * Folder names for personas whose names come from anywhere: plain ASCII names keep their familiar
 * snake_case key (`Night Storyteller` → `night_storyteller`); any other name (accents, Chinese,
 * Arabic, emoji) gets its letters folded to ASCII where possible plus a short hash of the full name
 * (`Zoë` → `zoe_…`, `李白` → `persona_…`), so different names never share a folder. Keys are never
 * empty, never contain dots or separators, and fit the 64-character folder pattern.
 */
import { createHash } from "node:crypto";

const PLAIN_NAME = /^[A-Za-z0-9 _'.-]+$/;
const MAX_KEY = 64;

function slug(text: string): string {
  return text.toLowerCase().replace(/['’]/g, "").replace(/[^a-z0-9]+/g, "_").replace(/^_+|_+$/g, "");
}

function shortHash(text: string): string {
  return createHash("sha256").update(text.normalize("NFC")).digest("hex").slice(0, 8);
}

export function personaKey(name: string): string {
  const trimmed = name.trim();
  const plain = PLAIN_NAME.test(trimmed) ? slug(trimmed).slice(0, MAX_KEY) : "";
  if (plain) return plain;
  const folded = slug(trimmed.normalize("NFKD").replace(/\p{M}/gu, "")) || "persona";
  return `${folded.slice(0, MAX_KEY - 9)}_${shortHash(trimmed)}`;
}

/** Keys to try, in order, when `base` may already be taken: base, base_2, base_3, … */
export function* keyCandidates(base: string, attempts = 50): Generator<string> {
  yield base;
  for (let n = 2; n <= attempts; n++) {
    const suffix = `_${n}`;
    yield `${base.slice(0, MAX_KEY - suffix.length)}${suffix}`;
  }
}
