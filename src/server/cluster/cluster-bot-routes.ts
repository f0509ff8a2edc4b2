/**
 * @module server/cluster/cluster-bot-routes
 * `/bots` on a cluster API node: the same requests, validation, keys and limits as a single server,
 * answered from the Redis registry. `POST` answers 201 once a worker has created the provider bot;
 * listings show which worker runs each bot and where it ran before.
 */
import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import { botMoveSchema } from "../../bots/cluster/cluster-bot-record.js";
import type { ClusterBots } from "../../bots/cluster/cluster-bots.js";
import { botInfoSchema, botRequestSchema, botStatusSchema } from "../../bots/bot-request.js";
import { callerOf } from "../auth/caller.js";
import { CAPACITY_RETRY_AFTER_SECONDS } from "../limits/bot-capacity.js";
import { rateLimitHook } from "../limits/rate-limits.js";
import type { ServerLimits } from "../limits/server-limits.js";
import { meetingSchema } from "../routes/bots.js";
import type { SelfOrigins } from "../../util/self-origins.js";
import { errorResponses } from "../schemas.js";

const botIdParams = z.object({ bot_id: z.string().min(1).max(200).describe("The id returned by POST /bots") });
const apiKeyHeader = z.object({
  "x-meeting-baas-api-key": z.string().optional().describe("Your MeetingBaas API key; not needed for key holders when the server has MEETING_BAAS_API_KEY"),
});

const clusterBotInfoSchema = botInfoSchema.extend({
  worker: z.string().nullable().describe("The worker running the bot (null until one has placed it)"),
  provider_bot_id: z.string().nullable().describe("The meeting provider's id of the bot's current placement"),
  moves: z.array(botMoveSchema).describe("Each move of the bot to another worker (failover or drain)"),
});

const clusterMeetingSchema = meetingSchema.extend({
  bots: z
    .array(
      z.object({
        bot_id: z.string(),
        bot_name: z.string(),
        speaking: z.boolean().describe("Always false here: who is speaking is known on the worker running the bot"),
        status: botStatusSchema,
        worker: z.string().nullable().describe("The worker running the bot (null until one has placed it)"),
      }),
    )
    .describe("The group's bots on every worker, in the order they were sent"),
});

const createdBotSchema = z.object({
  bot_id: z.string(),
  worker: z.string().describe("The worker the bot was placed on"),
  pipecat_url: z.string().optional().describe("pipecat bots only: where your Pipecat pipeline connects. Shown only here, once; keep it secret"),
  pipecat_token: z.string().optional().describe("pipecat bots only: the secret at the end of pipecat_url"),
  meeting_link: z.string().optional(),
});

/** `origins`: this API node's own origins, whose `/meet/<room>` links are the cluster's built-in rooms. */
export function clusterBotRoutes(bots: ClusterBots, limits: ServerLimits, origins: SelfOrigins): FastifyPluginAsyncZod {
  return async (app) => {
    const launchRate = rateLimitHook(app, { setting: "RATE_LIMIT_BOTS_PER_MINUTE", max: limits.botsPerMinute, windowMs: 60_000, what: "bot launches" });

    app.post(
      "/bots",
      {
        onRequest: launchRate,
        schema: {
          tags: ["bots"],
          summary: "Send a speaking bot into a meeting (placed on a cluster worker)",
          headers: apiKeyHeader,
          body: botRequestSchema,
          response: { 201: createdBotSchema, ...errorResponses },
        },
      },
      async (request, reply) => {
        const caller = callerOf(request);
        // The per-tenant cap counts the tenant's bots on every worker: checked here to answer fast, and
        // again atomically when the record is created, where two API nodes cannot both pass it.
        if ((await bots.activeCount(caller.tenant)) >= limits.maxBotsPerTenant) {
          return reply
            .status(429)
            .header("retry-after", String(CAPACITY_RETRY_AFTER_SECONDS))
            .send({
              code: "TENANT_BOT_LIMIT",
              message: `${caller.tenant ? `Tenant ${caller.tenant} already runs` : "Already running"} ${limits.maxBotsPerTenant} bots, the most one API key may run (MAX_BOTS_PER_TENANT)`,
              limit: "MAX_BOTS_PER_TENANT",
              max: limits.maxBotsPerTenant,
            });
        }
        const placed = await bots.launch(request.body, {
          apiKey: request.headers["x-meeting-baas-api-key"]?.trim() || undefined,
          tenant: caller.tenant,
          mayUseServerKey: caller.mayUseServerMeetingKey,
          maxActive: limits.maxBotsPerTenant,
          ownOrigin: (url) => origins.has(url),
        });
        return reply.status(201).send({
          bot_id: placed.botId,
          worker: placed.worker,
          meeting_link: placed.meetingLink,
          ...(placed.pipecat && { pipecat_url: placed.pipecat.url, pipecat_token: placed.pipecat.token }),
        });
      },
    );

    app.delete(
      "/bots/:bot_id",
      {
        schema: {
          tags: ["bots"],
          summary: "Make a bot leave its meeting, through the worker running it (idempotent)",
          params: botIdParams,
          body: z.object({ bot_id: z.string().optional() }).strict().nullish(),
          response: { 200: z.object({ bot_id: z.string(), status: z.string() }), ...errorResponses },
        },
      },
      async (request) => bots.leave(request.params.bot_id, callerOf(request).tenant),
    );

    app.get(
      "/bots",
      { schema: { tags: ["bots"], summary: "List your bots on every worker", response: { 200: z.object({ bots: z.array(clusterBotInfoSchema) }) } } },
      async (request) => ({ bots: await bots.list(callerOf(request).tenant) }),
    );

    app.get(
      "/meetings",
      {
        schema: {
          tags: ["bots"],
          summary: "Your meeting groups on every worker: the bots in each and who holds the floor (every group when the server has no API keys)",
          response: { 200: z.object({ meetings: z.array(clusterMeetingSchema) }) },
        },
      },
      async (request) => ({ meetings: await bots.meetings(callerOf(request).tenant) }),
    );

    app.get(
      "/bots/:bot_id",
      { schema: { tags: ["bots"], summary: "Status, persona and worker of one bot", params: botIdParams, response: { 200: clusterBotInfoSchema, ...errorResponses } } },
      async (request, reply) => {
        const info = await bots.describe(request.params.bot_id, callerOf(request).tenant);
        if (!info) return reply.status(404).send({ code: "BOT_NOT_FOUND", message: `No bot with id ${request.params.bot_id}` });
        return info;
      },
    );
  };
}
