/**
 * @module server/routes/personas
 * `GET /personas` lists the persona library; `GET /personas/{name}` shows one persona (looked up by
 * folder name, display name, then closest words). Creating personas and images spends LLM and
 * image-service credit, so both share one per-tenant rate limit, and images have an hourly and an
 * on-disk cap of their own. Generated images are stored before they are answered with, and the
 * stored ones are served at `/persona-images/<file>`.
 */
import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import { createPersonaFromDescription } from "../../personas/create-persona.js";
import { describeImage } from "../../personas/images/public-image-url.js";
import type { Persona } from "../../personas/persona.js";
import { type PersonaImageServices, generatePersonaImage } from "../../personas/persona-images.js";
import type { PersonaStore } from "../../personas/persona-store.js";
import type { LanguageModel } from "../../services/llm/language-model.js";
import { imageQuotaRefusal } from "../limits/image-file-quota.js";
import { rateLimitHook } from "../limits/rate-limits.js";
import type { ServerLimits } from "../limits/server-limits.js";
import { errorResponses, errorSchema } from "../schemas.js";
import { personaImageFileRoutes } from "./persona-image-files.js";

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

const imageRequestSchema = z
  .object({
    name: z.string().trim().min(1).max(100),
    description: z.string().trim().min(1).max(2000),
    gender: z.enum(["male", "female", "non-binary"]).optional(),
    characteristics: z.array(z.string().max(200)).max(20).optional(),
  })
  .strict();

const imageAnswerSchema = z.object({
  name: z.string(),
  persona_key: z.string().describe("The persona key the stored file is named after"),
  image_url: z.string().describe("The stored image: an absolute URL, or a path on this server when no public address is known"),
  stored_url: z.string().describe("What to record as a persona's image: the UploadThing URL, or the path on this server (made absolute when used)"),
  generated_at: z.string(),
  storage: z.enum(["local", "uploadthing"]),
  content_type: z.string(),
  source: z.enum(["replicate", "drawn"]),
  public: z.boolean().describe("Whether a meeting provider can fetch image_url"),
  message: z.string().optional(),
});

export interface PersonaRouteDeps {
  store: PersonaStore;
  llm: LanguageModel;
  images: PersonaImageServices;
  /** The server's public base URL (BASE_URL or the tunnel), when it has one. */
  publicBaseUrl: () => string | undefined;
  limits: Pick<ServerLimits, "personasPerMinute" | "personaImagesPerHour" | "maxPersonaImageFiles">;
}

export function personaRoutes({ store, llm, images, publicBaseUrl, limits }: PersonaRouteDeps): FastifyPluginAsyncZod {
  return async (app) => {
    await app.register(personaImageFileRoutes(images.directory));
    const creationRate = rateLimitHook(app, { setting: "RATE_LIMIT_PERSONAS_PER_MINUTE", max: limits.personasPerMinute, windowMs: 60_000, what: "persona requests" });
    const imageRate = rateLimitHook(app, { setting: "PERSONA_IMAGES_PER_HOUR", max: limits.personaImagesPerHour, windowMs: 3_600_000, what: "persona images" });

    app.post(
      "/personas",
      {
        onRequest: creationRate,
        schema: {
          tags: ["personas"],
          summary: "Create a persona from a free-text description (needs an LLM)",
          body: z.object({ description: z.string().trim().min(10).max(4000) }).strict(),
          response: { 201: summarySchema, ...errorResponses },
        },
      },
      async (request, reply) => {
        const persona = await store.saveNew(await createPersonaFromDescription(llm, request.body.description));
        return reply.status(201).send(summary(persona));
      },
    );
    app.post(
      "/personas/generate-image",
      {
        onRequest: [creationRate, imageRate],
        schema: {
          tags: ["personas"],
          summary: "Make an avatar for a persona (Replicate when configured, else drawn offline) and store it (UploadThing when configured, else on this server)",
          body: imageRequestSchema,
          response: { 201: imageAnswerSchema, ...errorResponses, 507: errorSchema },
        },
      },
      async (request, reply) => {
        // Only images kept on our own disk count against the on-disk cap.
        const full = images.store.kind === "local" ? await imageQuotaRefusal(images.directory, limits.maxPersonaImageFiles) : undefined;
        if (full) return reply.status(full.status).send(full.body);
        const image = await generatePersonaImage(request.body, images);
        return reply.status(201).send({ ...image, stored_url: image.image_url, ...describeImage(image.image_url, publicBaseUrl()) });
      },
    );
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
