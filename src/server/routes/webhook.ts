/**
 * @module server/routes/webhook
 * `POST /webhook`: status events MeetingBaas posts about our bots (v1 `bot.status_change`, v2
 * status/completed/failed events). They tell us when a bot is admitted and when its call is over.
 * The request must carry the same MeetingBaas key the bot was sent with.
 */
import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import type { BotManager } from "../../bots/bot-manager.js";
import { errorResponses } from "../schemas.js";

const webhookSchema = z
  .object({
    event: z.string().max(100),
    data: z
      .object({
        bot_id: z.string().max(200).optional(),
        status: z.object({ code: z.string().max(100) }).loose().optional(),
        error: z.string().optional(),
        error_code: z.string().optional(),
      })
      .loose(),
  })
  .loose();

const IN_CALL = new Set(["in_call_not_recording", "in_call_recording", "recording_resumed"]);
const OVER = new Set(["call_ended", "bot_removed", "bot_rejected", "bot_removed_too_early", "waiting_room_timeout", "invalid_meeting_url", "meeting_error"]);

export function webhookRoutes(bots: BotManager): FastifyPluginAsyncZod {
  return async (app) => {
    app.post(
      "/webhook",
      {
        schema: {
          tags: ["bots"],
          summary: "Receives MeetingBaas status events for our bots",
          body: webhookSchema,
          response: { 200: z.object({ status: z.literal("ok"), handled: z.boolean() }), ...errorResponses },
        },
      },
      async (request, reply) => {
        const { event, data } = request.body;
        const bot = data.bot_id ? bots.get(data.bot_id) : undefined;
        if (!bot) return { status: "ok" as const, handled: false };
        if (!bots.webhookKeyMatches(bot, request.headers["x-meeting-baas-api-key"])) {
          return reply.status(401).send({ code: "API_KEY_MISSING", message: "The webhook must carry the MeetingBaas key the bot was sent with" });
        }
        const code = data.status?.code ?? event;
        if (IN_CALL.has(code)) bot.markInCall(`webhook ${code}`);
        else if (OVER.has(code) || event === "complete" || event === "bot.completed") await bot.leave();
        else if (event === "failed" || event === "bot.failed") bot.fail(`provider reported failure: ${data.error ?? data.error_code ?? "unknown"}`);
        return { status: "ok" as const, handled: true };
      },
    );
  };
}
