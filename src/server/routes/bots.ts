/**
 * @module server/routes/bots
 * `POST /bots` sends a bot into a meeting, `DELETE /bots/{bot_id}` makes it leave, `GET /bots` and
 * `GET /bots/{bot_id}` report status and per-turn latency.
 */
import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import type { BotManager } from "../../bots/bot-manager.js";
import { botInfoSchema, botRequestSchema } from "../../bots/bot-request.js";
import { errorResponses } from "../schemas.js";

const botIdParams = z.object({ bot_id: z.string().min(1).max(200).describe("The id returned by POST /bots") });
const apiKeyHeader = z.object({
  "x-meeting-baas-api-key": z
    .string()
    .optional()
    .describe("Your MeetingBaas API key; not needed for built-in rooms or when the server has MEETING_BAAS_API_KEY"),
});

export function botRoutes(bots: BotManager): FastifyPluginAsyncZod {
  return async (app) => {
    app.post(
      "/bots",
      {
        schema: {
          tags: ["bots"],
          summary: "Send a speaking bot into a meeting",
          headers: apiKeyHeader,
          body: botRequestSchema,
          response: { 201: z.object({ bot_id: z.string(), meeting_link: z.string().optional().describe("Built-in rooms: the room's link, for people and further bots") }), ...errorResponses },
        },
      },
      async (request, reply) => {
        const apiKey = request.headers["x-meeting-baas-api-key"]?.trim() || undefined;
        const bot = await bots.launch(request.body, { apiKey, headers: request.headers, encrypted: request.protocol === "https" });
        return reply.status(201).send({ bot_id: bot.id, meeting_link: bots.meetingLinkOf(bot) });
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
        const bot = await bots.leave(request.params.bot_id);
        return { bot_id: bot.id, status: bot.status };
      },
    );

    app.get(
      "/bots",
      { schema: { tags: ["bots"], summary: "List the bots of this server", response: { 200: z.object({ bots: z.array(botInfoSchema) }) } } },
      async () => ({ bots: bots.list().map((bot) => bot.info()) }),
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
        const bot = bots.get(request.params.bot_id);
        if (!bot) return reply.status(404).send({ code: "BOT_NOT_FOUND", message: `No bot with id ${request.params.bot_id}` });
        return bot.info();
      },
    );
  };
}
