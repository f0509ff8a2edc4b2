/**
 * @module server/routes/health
 * `GET /` and `GET /health`: is the server up, which version, how many bots, and which speech, LLM
 * and meeting providers are in use and why. When the server has API keys, callers without one get
 * only the status and version: enough for a load balancer's check, nothing about the deployment.
 */
import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import { callerOf } from "../auth/caller.js";

export const providerChoiceSchema = z.object({
  name: z.string(),
  reason: z.string().describe("Why this provider was picked"),
  missing: z.array(z.string()).describe("Settings or packages that would enable a better provider"),
});

export const healthSchema = z.object({
  status: z.enum(["ok", "degraded"]),
  service: z.literal("speaking-bots"),
  version: z.string(),
  uptime_seconds: z.number(),
  bots: z.object({ running: z.number(), total: z.number() }),
  providers: z.object({
    meeting: z.array(z.string()),
    meeting_configured: z
      .array(z.object({ name: z.string(), configured: z.boolean(), detail: z.string() }))
      .describe("Per meeting provider: whether the server holds its key (else each caller sends one in the provider's header)"),
    vad: providerChoiceSchema,
    stt: providerChoiceSchema,
    llm: providerChoiceSchema,
    tts: providerChoiceSchema,
  }),
  warnings: z.array(z.string()),
});
export type Health = z.infer<typeof healthSchema>;

export const publicHealthSchema = healthSchema.pick({ status: true, version: true });

export function healthRoutes(report: () => Health): FastifyPluginAsyncZod {
  return async (app) => {
    app.get(
      "/health",
      {
        schema: {
          tags: ["service"],
          summary: "Health, version and chosen providers (status and version only without an API key, when keys are required)",
          response: { 200: z.union([healthSchema, publicHealthSchema]) },
        },
      },
      async (request) => {
        const health = report();
        return callerOf(request).identified ? health : { status: health.status, version: health.version };
      },
    );
    app.get(
      "/",
      {
        schema: {
          tags: ["service"],
          summary: "Where to go from here",
          response: { 200: z.object({ service: z.string(), version: z.string(), docs: z.string(), openapi: z.string(), meeting_room: z.string() }) },
        },
      },
      async () => {
        const health = report();
        return { service: health.service, version: health.version, docs: "/docs", openapi: "/openapi.json", meeting_room: "/meet/lobby" };
      },
    );
  };
}
