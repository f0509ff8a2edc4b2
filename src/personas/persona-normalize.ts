/**
 * @module personas/persona-normalize
 * Brings persona text from any source (a language model, a request, a hand-edited file) into the
 * form the README format can hold exactly: one-line fields on one line, no empty list items, valid
 * metadata keys, no extra section posing as a known one, and no surrounding blanks. A normalised
 * persona written and read back is the very same persona, so what was accepted always loads.
 */
import { AppError } from "../core/errors.js";
import type { Persona, PersonaMetadata } from "./persona.js";

export const KNOWN_SECTIONS = ["characteristics", "voice", "metadata"] as const;
export const METADATA_KEYS = ["image", "entry_message", "cartesia_voice_id", "gender", "relevant_links", "language_code"] as const;

const METADATA_KEY = /^[A-Za-z0-9_]+$/;
/** Characters that end a line for the README parser (or for its line-matching patterns). */
const LINE_BREAKS = /\s*[\r\n\u2028\u2029]+\s*/g;

/** A field that must fit on one line: its line breaks become spaces. */
export function oneLine(text: string): string {
  return text.replace(LINE_BREAKS, " ").trim();
}

/** Free text (prompt, section bodies): one kind of line ending, no surrounding blanks. */
export function multiLine(text: string): string {
  return text.replace(/\r\n?/g, "\n").trim();
}

function items(list: readonly string[]): string[] {
  return list.map(oneLine).filter((item) => item !== "");
}

function links(value: string | readonly string[]): string[] {
  const all = typeof value === "string" ? [value] : value;
  return all.flatMap((item) => oneLine(item).split(",")).map((link) => link.trim()).filter(Boolean);
}

function normalizeMetadata(metadata: PersonaMetadata): PersonaMetadata {
  const out: PersonaMetadata = { image: "", entry_message: "", cartesia_voice_id: "", gender: "", relevant_links: [], language_code: "" };
  for (const [key, value] of Object.entries(metadata)) {
    if (!METADATA_KEY.test(key) || value === undefined) continue;
    out[key] = key === "relevant_links" ? links(value) : oneLine(typeof value === "string" ? value : value.join(", "));
  }
  return out;
}

function sectionTitle(title: string): string {
  const line = oneLine(title) || "Notes";
  // A title equal to a known section would be read back as that section.
  return (KNOWN_SECTIONS as readonly string[]).includes(line.toLowerCase()) ? `${line} (more)` : line;
}

/** The persona as the README format holds it; throws PERSONA_INVALID when the name or prompt is empty. */
export function normalizePersona<P extends Omit<Persona, "knowledge">>(persona: P): P {
  const name = oneLine(persona.name);
  const prompt = multiLine(persona.prompt);
  if (!name) throw new AppError("PERSONA_INVALID", "name: a persona needs a name", { status: 400 });
  if (!prompt) throw new AppError("PERSONA_INVALID", "prompt: a persona needs a prompt", { status: 400 });
  return {
    ...persona,
    name,
    prompt,
    characteristics: items(persona.characteristics),
    voice: items(persona.voice),
    metadata: normalizeMetadata(persona.metadata),
    extraSections: persona.extraSections.map((section) => ({ title: sectionTitle(section.title), body: multiLine(section.body) })),
  };
}
