/**
 * @module personas/persona-markdown
 * Reads and writes a persona's `README.md`: `# Name`, the prompt, then `## Characteristics`,
 * `## Voice` and `## Metadata` (`- key: value` lines). Sections we do not model are kept verbatim,
 * so writing a parsed persona gives back the same file.
 *
 * Text may hold anything: a line of the prompt or of a section that would read as a `## ` heading
 * is written with a leading backslash (Markdown's own escape, so it still shows as text) and the
 * backslash is taken off when read, and fields are normalised before writing, so that
 * parse(serialize(p)) gives back p for any persona p.
 */
import { AppError } from "../core/errors.js";
import type { Persona, PersonaMetadata } from "./persona.js";
import { KNOWN_SECTIONS, METADATA_KEYS, normalizePersona } from "./persona-normalize.js";
import { personaTurnPolicy } from "./persona-turn-policy.js";

export { METADATA_KEYS } from "./persona-normalize.js";

/** A line that reads as a section heading, or as one already escaped (one backslash more is written). */
const HEADING_LIKE = /^\\*##\s/;
const ESCAPED_HEADING = /^\\+##\s/;

function escapeLines(text: string): string {
  return text
    .split("\n")
    .map((line) => (HEADING_LIKE.test(line) ? `\\${line}` : line))
    .join("\n");
}

function unescapeLine(line: string): string {
  return ESCAPED_HEADING.test(line) ? line.slice(1) : line;
}

interface Section {
  title: string;
  lines: string[];
}

function splitSections(lines: string[]): { head: string[]; sections: Section[] } {
  const head: string[] = [];
  const sections: Section[] = [];
  for (const line of lines) {
    const heading = line.match(/^##\s+(.+?)\s*$/);
    if (heading?.[1]) sections.push({ title: heading[1], lines: [] });
    else (sections.at(-1)?.lines ?? head).push(line);
  }
  return { head, sections };
}

function trimBlank(lines: string[]): string {
  return lines.map(unescapeLine).join("\n").trim();
}

function bullets(lines: string[]): string[] {
  const items: string[] = [];
  for (const raw of lines) {
    const line = raw.trim();
    if (!line) continue;
    const bullet = line.match(/^[-*]\s+(.*)$/);
    if (bullet) items.push(bullet[1] ?? "");
    else if (items.length) items[items.length - 1] += ` ${line}`;
    else items.push(line);
  }
  return items;
}

function parseMetadata(lines: string[], source: string): PersonaMetadata {
  const metadata: PersonaMetadata = { image: "", entry_message: "", cartesia_voice_id: "", gender: "", relevant_links: [], language_code: "en-US" };
  for (const [index, raw] of lines.entries()) {
    const line = raw.trim();
    if (!line) continue;
    const pair = line.match(/^[-*]\s*([A-Za-z0-9_]+)\s*:\s*(.*)$/);
    if (!pair?.[1]) throw new AppError("PERSONA_INVALID", `${source}: metadata line ${index + 1} is not "- key: value": ${line.slice(0, 80)}`);
    const key = pair[1];
    const value = (pair[2] ?? "").trim();
    metadata[key] = key === "relevant_links" ? value.split(",").map((link) => link.trim()).filter(Boolean) : value;
  }
  personaTurnPolicy(metadata, source);
  return metadata;
}

/** Parses one README.md; `source` names the file in error messages. */
export function parsePersonaReadme(markdown: string, key: string, source: string): Omit<Persona, "knowledge"> {
  const lines = markdown.replace(/\r\n?/g, "\n").split("\n");
  const { head, sections } = splitSections(lines);
  const titleIndex = head.findIndex((line) => /^#\s+\S/.test(line));
  if (titleIndex < 0) throw new AppError("PERSONA_INVALID", `${source}: the first heading must be "# <persona name>"`);
  const name = (head[titleIndex] ?? "").replace(/^#\s+/, "").trim();
  const prompt = trimBlank(head.slice(titleIndex + 1));
  if (!prompt) throw new AppError("PERSONA_INVALID", `${source}: the prompt (text after "# ${name}") is empty`);
  const find = (title: string) => sections.find((section) => section.title.toLowerCase() === title.toLowerCase());
  const known = new Set<string>(KNOWN_SECTIONS);
  return {
    key,
    name,
    prompt,
    characteristics: bullets(find("Characteristics")?.lines ?? []),
    voice: bullets(find("Voice")?.lines ?? []),
    metadata: parseMetadata(find("Metadata")?.lines ?? [], source),
    extraSections: sections.filter((s) => !known.has(s.title.toLowerCase())).map((s) => ({ title: s.title, body: trimBlank(s.lines) })),
  };
}

function metadataLines(metadata: PersonaMetadata): string[] {
  const keys = [...METADATA_KEYS, ...Object.keys(metadata).filter((key) => !(METADATA_KEYS as readonly string[]).includes(key))];
  return keys.map((key) => {
    const value = metadata[key] ?? "";
    return `- ${key}: ${Array.isArray(value) ? value.join(", ") : value}`.trimEnd();
  });
}

/** Writes a persona's README.md in the normalised layout (throws PERSONA_INVALID without a name or prompt). */
export function serializePersonaReadme(input: Omit<Persona, "knowledge">): string {
  const persona = normalizePersona(input);
  const parts = [
    `# ${persona.name}`,
    escapeLines(persona.prompt),
    ["## Characteristics", ...persona.characteristics.map((item) => `- ${item}`)].join("\n"),
    ["## Voice", ...persona.voice.map((item) => `- ${item}`)].join("\n"),
    ["## Metadata", ...metadataLines(persona.metadata)].join("\n"),
    ...persona.extraSections.map((section) => (section.body ? `## ${section.title}\n${escapeLines(section.body)}` : `## ${section.title}`)),
  ];
  return `${parts.join("\n\n")}\n`;
}
