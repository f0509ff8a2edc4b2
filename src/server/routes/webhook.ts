/**
 * @module server/routes/webhook
 * `POST /webhook`: status events MeetingBaas posts about our bots (v1 `bot.status_change`, v2
 * status/completed/failed events). They tell us when a bot is admitted and when its call is over.
 *
 * Nothing is believed unless it is proven to come from the provider: a v2 event must carry a valid
 * Svix signature made with MEETING_BAAS_WEBHOOK_SECRET; a v1 event (or a v2 per-bot callback) must
 * carry the token of the webhook URL we handed out for that very bot (`/webhook?token=…`). Anything
 * else is 401 and changes nothing.
 */
import { keepRawJsonBodies } from "./raw-json-body.js";
import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import type { BotManager } from "../../bots/bot-manager.js";
import { errorResponses } from "../schemas.js";
import { signingKey, verifyDelivery } from "../../util/webhook-signature.js";

const webhookSchema = z
  .object({
    event: z.string().max(100),
    data: z
      .object({
        bot_id: z.string().max(200).optional(),
        status: z.object({ code: z.string().max(100) }).loose().optional(),
        error: z.string().max(2000).optional(),
        error_code: z.string().max(200).optional(),
        error_message: z.string().max(2000).optional(),
      })
      .loose(),
  })
  .loose();

const IN_CALL = new Set(["in_call_not_recording", "in_call_recording", "recording_resumed"]);
const OVER = new Set(["call_ended", "bot_removed", "bot_rejected", "bot_removed_too_early", "waiting_room_timeout", "invalid_meeting_url", "meeting_error"]);

/** Svix ids already handled, so a replay inside the tolerance window changes nothing. */
const SEEN_IDS_MAX = 10_000;

export interface WebhookOptions {
  bots: BotManager;
  /** MEETING_BAAS_WEBHOOK_SECRET (`whsec_…`); without it signed events are refused. */
  signingSecret: string | undefined;
  now?: () => number;
}

export function webhookRoutes({ bots, signingSecret, now = Date.now }: WebhookOptions): FastifyPluginAsyncZod {
  const key = signingSecret ? signingKey(signingSecret) : undefined;
  if (signingSecret && !key) throw new Error("MEETING_BAAS_WEBHOOK_SECRET must be whsec_ followed by base64");
  const seen = new Set<string>();

  return async (app) => {
    // The signature covers the exact bytes received, so this route keeps the raw body.
    const rawBodies = keepRawJsonBodies(app);

    app.post(
      "/webhook",
      {
        schema: {
          tags: ["bots"],
          summary: "Receives MeetingBaas status events for our bots (signed v2 events, or v1 events with the bot's webhook token)",
          querystring: z.object({ token: z.string().max(200).optional().describe("The bot's webhook token, part of the URL handed to the provider") }).strict(),
          body: webhookSchema,
          response: { 200: z.object({ status: z.literal("ok"), handled: z.boolean() }), ...errorResponses },
        },
      },
      async (request, reply) => {
        const { event, data } = request.body;
        const signed = ["svix-id", "svix-timestamp", "svix-signature"].some((header) => request.headers[header] !== undefined);
        const bot = data.bot_id ? bots.get(data.bot_id) : undefined;
        if (signed) {
          if (!key) return reply.status(401).send({ code: "WEBHOOK_UNVERIFIED", message: "header svix-signature: this server has no MEETING_BAAS_WEBHOOK_SECRET to check it" });
          const check = verifyDelivery(key, {
            id: request.headers["svix-id"],
            timestamp: request.headers["svix-timestamp"],
            signature: request.headers["svix-signature"],
            body: rawBodies.get(request) ?? "",
          }, now());
          if (!check.ok) return reply.status(401).send({ code: "WEBHOOK_UNVERIFIED", message: check.reason });
          if (seen.has(check.id)) return { status: "ok" as const, handled: false };
          if (seen.size >= SEEN_IDS_MAX) seen.clear();
          seen.add(check.id);
          if (bot?.settings.providerName !== "meetingbaas") return { status: "ok" as const, handled: false };
        } else if (!bot || !bots.webhookTokenMatches(bot, request.query.token)) {
          return reply.status(401).send({
            code: "WEBHOOK_UNVERIFIED",
            message: "query token: a webhook must carry its bot's token (the URL handed to the provider) or a valid svix-signature",
          });
        }
        const code = data.status?.code ?? event;
        if (IN_CALL.has(code)) bot.markInCall(`webhook ${code}`);
        else if (OVER.has(code) || event === "complete" || event === "bot.completed") await bot.leave();
        else if (event === "failed" || event === "bot.failed") bot.fail(`provider reported failure: ${(data.error ?? data.error_code ?? data.error_message ?? "unknown").slice(0, 300)}`);
        return { status: "ok" as const, handled: true };
      },
    );
  };
}
