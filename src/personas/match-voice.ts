/**
 * @module personas/match-voice
 * Picks a Cartesia voice for a persona. The catalogue is Cartesia's own list (`GET /voices`) when a
 * key is set, else the shipped one. Candidates are narrowed to the persona's language and gender;
 * a language model chooses among them when one is configured, otherwise the voice whose
 * description shares the most words with the persona's voice notes wins.
 */
import { readFileSync } from "node:fs";
import { z } from "zod";
import { AppError, errorMessage } from "../core/errors.js";
import type { LanguageModel } from "../services/llm/language-model.js";
import { askForJson } from "./llm-json.js";
import type { Persona } from "./persona.js";

export const voiceSchema = z.object({
  id: z.string(),
  name: z.string(),
  language: z.string(),
  gender: z.string().nullish(),
  description: z.string().nullish(),
});
export type Voice = z.infer<typeof voiceSchema>;

export function shippedCatalogue(): Voice[] {
  const file = JSON.parse(readFileSync(new URL("./voice-catalogue.json", import.meta.url), "utf8")) as { voices: unknown };
  return z.array(voiceSchema).parse(file.voices);
}

export async function cartesiaCatalogue(baseUrl: string, apiKey: string): Promise<Voice[]> {
  try {
    const response = await fetch(`${baseUrl.replace(/\/+$/, "")}/voices`, {
      headers: { "X-API-Key": apiKey, "Cartesia-Version": "2024-11-13" },
      signal: AbortSignal.timeout(15_000),
    });
    if (!response.ok) throw new Error(`HTTP ${response.status}`);
    const body = (await response.json()) as unknown;
    const list = Array.isArray(body) ? body : (body as { data?: unknown }).data;
    return z.array(voiceSchema.loose()).parse(list);
  } catch (error) {
    throw new AppError("PROVIDER_UNREACHABLE", `Could not read Cartesia's voice list: ${errorMessage(error)}`);
  }
}

function words(text: string): Set<string> {
  return new Set(text.toLowerCase().split(/[^a-z]+/).filter((w) => w.length > 2));
}

export function candidatesFor(persona: Persona, catalogue: Voice[]): Voice[] {
  const language = (persona.metadata.language_code || "en").split("-")[0]?.toLowerCase() ?? "en";
  const byLanguage = catalogue.filter((v) => v.language.toLowerCase().startsWith(language));
  const pool = byLanguage.length ? byLanguage : catalogue.filter((v) => v.language.startsWith("en"));
  const gender = persona.metadata.gender.toLowerCase();
  const byGender = pool.filter((v) => !v.gender || !gender || v.gender.toLowerCase() === gender);
  return byGender.length ? byGender : pool;
}

export function closestVoice(persona: Persona, candidates: Voice[]): Voice {
  const wanted = words([...persona.voice, ...persona.characteristics].join(" "));
  const scored = candidates.map((v) => ({ v, score: [...words(`${v.name} ${v.description ?? ""}`)].filter((w) => wanted.has(w)).length }));
  scored.sort((a, b) => b.score - a.score || a.v.name.localeCompare(b.v.name));
  const best = scored[0]?.v;
  if (!best) throw new AppError("PERSONA_INVALID", "The voice catalogue is empty");
  return best;
}

export async function matchVoice(persona: Persona, catalogue: Voice[], llm: LanguageModel | undefined): Promise<Voice> {
  const candidates = candidatesFor(persona, catalogue);
  if (!llm || llm.name === "none" || candidates.length === 1) return closestVoice(persona, candidates);
  const ids = new Set(candidates.map((v) => v.id));
  const { voice_id } = await askForJson(
    llm,
    z.object({ voice_id: z.string().refine((id) => ids.has(id), "must be one of the listed ids") }),
    "You choose the text-to-speech voice that best fits a persona.",
    `Persona ${persona.name}: ${persona.prompt}\nVoice notes: ${persona.voice.join("; ")}\nGender: ${persona.metadata.gender}\n` +
      `Voices:\n${candidates.map((v) => `- ${v.id}: ${v.name} (${v.description ?? ""})`).join("\n")}\nReply as {"voice_id": "<id>"}.`,
  );
  return candidates.find((v) => v.id === voice_id) as Voice;
}
