/**
 * @module server/routes/bots
 * `POST /bots` sends a bot into a meeting, `DELETE /bots/{bot_id}` makes it leave, `GET /bots` and
 * `GET /bots/{bot_id}` report status and per-turn latency, `GET /meetings` the meeting groups.
 */
import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import type { BotManager } from "../../bots/bot-manager.js";
import { botInfoSchema, botRequestSchema } from "../../bots/bot-request.js";
import { callerOf } from "../auth/caller.js";
import { BotCapacity, isRefusal } from "../limits/bot-capacity.js";
import { rateLimitHook } from "../limits/rate-limits.js";
import type { ServerLimits } from "../limits/server-limits.js";
import { errorResponses } from "../schemas.js";

const botIdParams = z.object({ bot_id: z.string().min(1).max(200).describe("The id returned by POST /bots") });
const apiKeyHeader = z.object({
  "x-meeting-baas-api-key": z
    .string()
    .optional()
    .describe("Your MeetingBaas API key; not needed for built-in rooms, nor for key holders when the server has MEETING_BAAS_API_KEY"),
  "x-attendee-api-key": z.string().optional().describe('provider "attendee": your Attendee API key; key holders may rely on the server\'s ATTENDEE_API_KEY'),
  "x-recall-api-key": z.string().optional().describe('provider "recall": your Recall.ai API key (of the server\'s region); key holders may rely on the server\'s RECALL_API_KEY'),
});

const createdBotSchema = z.object({
  bot_id: z.string(),
  pipecat_url: z
    .string()
    .optional()
    .describe("pipecat bots only: where your Pipecat pipeline connects (WebSocket, protobuf frames). Shown only here, once; keep it secret"),
  pipecat_token: z.string().optional().describe("pipecat bots only: the secret at the end of pipecat_url"),
  meeting_link: z.string().optional().describe("Built-in rooms: the room's link, for people and further bots"),
});

export const meetingSchema = z.object({
  meeting_group: z.string().describe("Bots of this server with the same group (and API key) are siblings"),
  bots: z.array(z.object({ bot_id: z.string(), bot_name: z.string(), speaking: z.boolean() })).describe("The group's bots, in joining order"),
  floor_holder: z
    .string()
    .nullable()
    .describe("The bot that holds the group's floor (is speaking or about to); \"elsewhere\" for a bot of another server process; null when free"),
});

export function botRoutes(bots: BotManager, limits: ServerLimits): FastifyPluginAsyncZod {
  return async (app) => {
    const capacity = new BotCapacity(limits, (tenant) => bots.list(tenant).filter((bot) => !bot.isFinal).length);
    const launchRate = rateLimitHook(app, { setting: "RATE_LIMIT_BOTS_PER_MINUTE", max: limits.botsPerMinute, windowMs: 60_000, what: "bot launches" });

    app.post(
      "/bots",
      {
        onRequest: launchRate,
        schema: {
          tags: ["bots"],
          summary: "Send a speaking bot into a meeting",
          headers: apiKeyHeader,
          body: botRequestSchema,
          response: { 201: createdBotSchema, ...errorResponses },
        },
      },
      async (request, reply) => {
        const caller = callerOf(request);
        const lease = capacity.reserve(caller.tenant);
        if (isRefusal(lease)) return reply.status(lease.status).header("retry-after", String(lease.retryAfterSeconds)).send(lease.body);
        const apiKey = request.headers["x-meeting-baas-api-key"]?.trim() || undefined;
        try {
          const bot = await bots.launch(request.body, {
            apiKey,
            tenant: caller.tenant,
            mayUseServerKey: caller.mayUseServerMeetingKey,
            headers: request.headers,
            encrypted: request.protocol === "https",
          });
          const pipecat = bot.pipecatAccess();
          return reply.status(201).send({
            bot_id: bot.id,
            meeting_link: bots.meetingLinkOf(bot),
            ...(pipecat && { pipecat_url: pipecat.url, pipecat_token: pipecat.token }),
          });
        } finally {
          lease.release();
        }
      },
    );

    app.delete(
      "/bots/:bot_id",
      {
        schema: {
          tags: ["bots"],
          summary: "Make a bot leave its meeting (idempotent)",
          params: botIdParams,
          body: z.object({ bot_id: z.string().optional() }).strict().nullish(),
          response: { 200: z.object({ bot_id: z.string(), status: z.string() }), ...errorResponses },
        },
      },
      async (request) => {
        const bot = await bots.leave(request.params.bot_id, callerOf(request).tenant);
        return { bot_id: bot.id, status: bot.status };
      },
    );

    app.get(
      "/bots",
      { schema: { tags: ["bots"], summary: "List your bots (every bot when the server has no API keys)", response: { 200: z.object({ bots: z.array(botInfoSchema) }) } } },
      async (request) => ({ bots: bots.describeAll(callerOf(request).tenant) }),
    );

    app.get(
      "/meetings",
      {
        schema: {
          tags: ["bots"],
          summary: "Your meeting groups: the bots in each and who holds the floor (every group when the server has no API keys)",
          response: { 200: z.object({ meetings: z.array(meetingSchema) }) },
        },
      },
      async (request) => ({ meetings: await bots.meetings(callerOf(request).tenant) }),
    );

    app.get(
      "/bots/:bot_id",
      {
        schema: {
          tags: ["bots"],
          summary: "Status, persona and per-stage turn latency of one bot",
          params: botIdParams,
          response: { 200: botInfoSchema, ...errorResponses },
        },
      },
      async (request, reply) => {
        const info = bots.describe(request.params.bot_id, callerOf(request).tenant);
        if (!info) return reply.status(404).send({ code: "BOT_NOT_FOUND", message: `No bot with id ${request.params.bot_id}` });
        return info;
      },
    );
  };
}
