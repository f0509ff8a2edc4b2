/**
 * @module personas/system-prompt
 * Turns a persona into the system prompt a bot speaks from: the persona's own prompt, the rules of
 * speaking in a live meeting that every bot shares, and the persona's extra knowledge files.
 */
import type { Persona } from "./persona.js";

export const MEETING_BEHAVIOUR = [
  "You are taking part in a live video meeting and everything you write is spoken aloud by a voice.",
  "Answer in one to three short spoken sentences unless someone asks for more.",
  "Write plain sentences only: no markdown, lists, headings, code, emoji or stage directions.",
  "Each user message starts with the name of the person speaking; address people by name when it helps, and never invent what someone said.",
  "You hear everything said in the meeting, including talk between other people; when you speak, answer the person who spoke to you.",
  "Speech-to-text can mishear words; if a question makes no sense, ask briefly for it again.",
  "Stay in character, and if you are interrupted, let the other person finish and answer what they said.",
].join(" ");

export function buildSystemPrompt(persona: Pick<Persona, "name" | "prompt" | "characteristics" | "knowledge">): string {
  const parts = [`Your name is ${persona.name}.`, persona.prompt];
  if (persona.characteristics.length) parts.push(`Your character: ${persona.characteristics.join("; ")}.`);
  parts.push(MEETING_BEHAVIOUR);
  for (const [file, text] of Object.entries(persona.knowledge)) {
    parts.push(`Background knowledge (${file.replace(/\.md$/i, "")}):\n${text.trim()}`);
  }
  return parts.join("\n\n");
}
