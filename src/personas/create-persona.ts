/**
 * @module personas/create-persona
 * Turns a free-text description into a complete persona with a language model: name, prompt,
 * characteristics, voice, gender, entry message and language, validated before it is written.
 */
import { z } from "zod";
import type { LanguageModel } from "../services/llm/language-model.js";
import { askForJson } from "./llm-json.js";
import type { Persona } from "./persona.js";
import { personaKey } from "./persona-keys.js";

const generatedSchema = z.object({
  name: z.string().trim().min(2).max(60),
  prompt: z.string().trim().min(40).max(4000),
  characteristics: z.array(z.string().trim().min(2).max(200)).min(2).max(10),
  voice: z.array(z.string().trim().min(2).max(200)).min(1).max(5),
  gender: z.enum(["male", "female", "non-binary"]),
  entry_message: z.string().trim().min(5).max(300),
  language_code: z.string().trim().regex(/^[a-z]{2}(-[A-Z]{2})?$/),
});

const SYSTEM = [
  "You design personas for an AI that speaks in live video meetings.",
  "Given a description, produce: name (a short display name), prompt (second person, 3 to 6 sentences on role, goals and manner),",
  "characteristics (short phrases), voice (how it sounds), gender (male, female or non-binary), entry_message (one sentence said on joining),",
  "language_code (BCP-47 such as en-US).",
].join(" ");

export async function createPersonaFromDescription(llm: LanguageModel, description: string): Promise<Persona> {
  const generated = await askForJson(llm, generatedSchema, SYSTEM, `Description: ${description}`);
  return {
    key: personaKey(generated.name),
    name: generated.name,
    prompt: generated.prompt,
    characteristics: generated.characteristics,
    voice: generated.voice,
    metadata: {
      image: "",
      entry_message: generated.entry_message,
      cartesia_voice_id: "",
      gender: generated.gender,
      relevant_links: [],
      language_code: generated.language_code,
    },
    knowledge: {},
    extraSections: [],
  };
}
