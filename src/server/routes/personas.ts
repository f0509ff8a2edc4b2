/**
 * @module server/routes/personas
 * `GET /personas` lists the persona library; `GET /personas/{name}` shows one persona (looked up by
 * folder name, display name, then closest words).
 */
import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import type { Persona } from "../../personas/persona.js";
import type { PersonaStore } from "../../personas/persona-store.js";
import { errorResponses } from "../schemas.js";

const summarySchema = z.object({
  key: z.string(),
  name: z.string(),
  prompt_head: z.string().describe("The first sentence of the persona's prompt"),
  gender: z.string(),
  language_code: z.string(),
  image: z.string(),
});

const personaSchema = z.object({
  key: z.string(),
  name: z.string(),
  prompt: z.string(),
  characteristics: z.array(z.string()),
  voice: z.array(z.string()),
  metadata: z.record(z.string(), z.union([z.string(), z.array(z.string())])),
  knowledge_files: z.array(z.string()),
});

function summary(persona: Persona): z.infer<typeof summarySchema> {
  return {
    key: persona.key,
    name: persona.name,
    prompt_head: persona.prompt.split(/(?<=[.!?])\s/)[0] ?? persona.prompt,
    gender: persona.metadata.gender,
    language_code: persona.metadata.language_code,
    image: persona.metadata.image,
  };
}

export function personaRoutes(store: PersonaStore): FastifyPluginAsyncZod {
  return async (app) => {
    app.get(
      "/personas",
      { schema: { tags: ["personas"], summary: "List the personas", response: { 200: z.object({ personas: z.array(summarySchema) }) } } },
      async () => ({ personas: store.list().map(summary) }),
    );
    app.get(
      "/personas/:name",
      {
        schema: {
          tags: ["personas"],
          summary: "One persona in full",
          params: z.object({ name: z.string().min(1).max(100) }),
          response: { 200: personaSchema, ...errorResponses },
        },
      },
      async (request) => {
        const persona = store.get(request.params.name);
        return {
          key: persona.key,
          name: persona.name,
          prompt: persona.prompt,
          characteristics: persona.characteristics,
          voice: persona.voice,
          metadata: persona.metadata,
          knowledge_files: Object.keys(persona.knowledge),
        };
      },
    );
  };
}
