/**
 * @module personas/persona-resolver
 * Picks the persona for a new bot, in this order: a custom `prompt` in the request (a temporary
 * persona), the first requested persona that exists, the bot's name if it names a persona, the
 * default persona, and finally a random one.
 */
import type { PersonaResolver, ResolvedPersona } from "../bots/bot-contracts.js";
import { AppError } from "../errors.js";
import type { Persona } from "./persona.js";
import { type PersonaStore, assertValidPersonaName } from "./persona-store.js";
import { buildSystemPrompt } from "./system-prompt.js";

function resolved(persona: Persona, chosenBy: string): ResolvedPersona {
  return {
    key: persona.key,
    name: persona.name,
    systemPrompt: buildSystemPrompt(persona),
    entryMessage: persona.metadata.entry_message || undefined,
    voiceId: persona.metadata.cartesia_voice_id || undefined,
    gender: persona.metadata.gender || undefined,
    language: persona.metadata.language_code || "en-US",
    image: persona.metadata.image || undefined,
    chosenBy,
  };
}

/** A persona that lives only as long as the bot, built from the request's own text. */
export function temporaryPersona(prompt: string, botName: string | undefined): Persona {
  return {
    key: "custom",
    name: botName || "Assistant",
    prompt,
    characteristics: [],
    voice: [],
    metadata: { image: "", entry_message: "", cartesia_voice_id: "", gender: "", relevant_links: [], language_code: "en-US" },
    knowledge: {},
    extraSections: [],
  };
}

export class StorePersonaResolver implements PersonaResolver {
  constructor(
    private readonly store: PersonaStore,
    private readonly defaultPersona: string,
  ) {}

  async resolve(request: { prompt: string | undefined; personas: string[] | undefined; botName: string | undefined }): Promise<ResolvedPersona> {
    if (request.prompt) return resolved(temporaryPersona(request.prompt, request.botName), "request prompt");
    for (const name of request.personas ?? []) {
      assertValidPersonaName(name);
      const persona = this.store.findExact(name);
      if (persona) return resolved(persona, `requested persona "${name}"`);
    }
    if (request.botName) {
      const persona = safeFind(this.store, request.botName);
      if (persona) return resolved(persona, "bot name");
    }
    const fallback = safeFind(this.store, this.defaultPersona) ?? this.store.random();
    if (!fallback) throw new AppError("PERSONA_NOT_FOUND", "No personas are installed: add a folder with a README.md under personas/");
    const why = request.personas?.length ? `none of ${request.personas.join(", ")} exists; default` : "default";
    return resolved(fallback, fallback.key === this.defaultPersona ? why : "random");
  }
}

function safeFind(store: PersonaStore, name: string): Persona | undefined {
  try {
    return store.findExact(name);
  } catch {
    return undefined;
  }
}
