/**
 * @module personas/persona-resolver
 * Picks the persona for a new bot, in this order: a custom `prompt` in the request (a temporary
 * persona), the first requested persona that exists, the bot's name if it names a persona, the
 * default persona, and finally a random one.
 */
import { setTimeout as delay } from "node:timers/promises";
import type { PersonaResolver, ResolvedPersona } from "../core/bot-contracts.js";
import { AppError, errorMessage } from "../core/errors.js";
import type { Persona } from "./persona.js";
import { personaTurnPolicy } from "./persona-turn-policy.js";
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
    turnPolicy: personaTurnPolicy(persona.metadata, persona.key),
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

/** Turns a request's free-text prompt into a full persona (name, voice, entry message…). */
export type PromptPersonaFactory = (prompt: string) => Promise<Persona>;

/** How long a bot launch waits for the LLM to flesh out a prompt before using the prompt as is. */
const PROMPT_PERSONA_TIMEOUT_MS = 8000;

export class StorePersonaResolver implements PersonaResolver {
  constructor(
    private readonly store: PersonaStore,
    private readonly defaultPersona: string,
    private readonly fromPrompt?: PromptPersonaFactory,
  ) {}

  async resolve(request: { prompt: string | undefined; personas: string[] | undefined; botName: string | undefined }): Promise<ResolvedPersona> {
    if (request.prompt) return this.resolvePrompt(request.prompt, request.botName);
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

  /** A one-off persona: generated from the prompt when an LLM is at hand, else the prompt itself. */
  private async resolvePrompt(prompt: string, botName: string | undefined): Promise<ResolvedPersona> {
    if (this.fromPrompt) {
      const timeout = delay(PROMPT_PERSONA_TIMEOUT_MS, undefined, { ref: false });
      let failure = "the LLM took too long";
      const generated = await Promise.race([
        this.fromPrompt(prompt).catch((error: unknown) => {
          failure = `the LLM failed: ${errorMessage(error)}`;
          return undefined;
        }),
        timeout,
      ]);
      if (generated) return resolved({ ...generated, key: "custom", name: botName || generated.name }, "request prompt, fleshed out by the LLM");
      // The plain prompt still makes a persona; why it was not fleshed out stays visible in the launch log.
      return resolved(temporaryPersona(prompt, botName), `request prompt (not fleshed out: ${failure.slice(0, 200)})`);
    }
    return resolved(temporaryPersona(prompt, botName), "request prompt");
  }
}

function safeFind(store: PersonaStore, name: string): Persona | undefined {
  try {
    return store.findExact(name);
  } catch {
    return undefined;
  }
}
