/**
 * @module server/routes/ready
 * `GET /ready`: 200 when a new bot would work, 503 with the reasons when not (a load balancer
 * stops sending bots; an operator reads why). Public like `/health`; bot counts only for callers
 * with a key when the server has keys.
 */
import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import { callerOf } from "../auth/caller.js";
import type { Readiness } from "../readiness.js";

const readySchema = z.object({
  status: z.enum(["ready", "not_ready"]),
  reasons: z.array(z.string()).describe("Why the server cannot take a bot now (providers, models, MAX_BOTS, shutdown); empty when ready"),
  bots: z.object({ running: z.number(), max: z.number() }).optional().describe("Running bots and MAX_BOTS (callers with an API key, when keys are required)"),
});

export function readyRoutes(check: () => Readiness): FastifyPluginAsyncZod {
  return async (app) => {
    app.get(
      "/ready",
      {
        schema: {
          tags: ["service"],
          summary: "Readiness: 200 when the server can take a bot (providers configured, models loaded, below MAX_BOTS), 503 with the reasons otherwise",
          response: { 200: readySchema, 503: readySchema },
        },
      },
      async (request, reply) => {
        const readiness = check();
        const body = { status: readiness.ready ? ("ready" as const) : ("not_ready" as const), reasons: readiness.reasons };
        return reply.status(readiness.ready ? 200 : 503).send(callerOf(request).identified ? { ...body, bots: readiness.bots } : body);
      },
    );
  };
}
