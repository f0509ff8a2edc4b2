/**
 * @module server/routes/provider-webhooks
 * `POST /webhook/{provider}`: status webhooks of the meeting providers that bring their own format
 * (Attendee, Recall.ai; MeetingBaas keeps `/webhook`). The provider's webhook reader proves the
 * delivery is genuine (a signature, and/or the bot's token in the URL we handed out), names the bot
 * and says what happened; the events are then applied to that bot only. Anything unproven is 401 and
 * changes nothing; a replayed delivery is answered 200 and ignored; a delivery about a bot this
 * server does not run is answered 200 (the provider then stops retrying) and changes nothing.
 */
import { keepRawJsonBodies } from "./raw-json-body.js";
import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import type { BotManager } from "../../bots/bot-manager.js";
import { applyProviderEvent } from "../../bots/provider-events.js";
import type { ProviderRegistry } from "../../meeting/provider-registry.js";
import { errorResponses } from "../schemas.js";

/** Delivery ids already handled, so a replay changes nothing. */
const SEEN_IDS_MAX = 10_000;

export interface ProviderWebhookOptions {
  bots: BotManager;
  providers: ProviderRegistry;
  now?: () => number;
}

const handledSchema = z.object({ status: z.literal("ok"), handled: z.boolean() });

export function providerWebhookRoutes({ bots, providers, now = Date.now }: ProviderWebhookOptions): FastifyPluginAsyncZod {
  const seen = new Set<string>();

  return async (app) => {
    // Signatures cover the body as sent, so this route keeps the raw text.
    const rawBodies = keepRawJsonBodies(app);

    app.post(
      "/webhook/:provider",
      {
        schema: {
          tags: ["bots"],
          summary: "Receives Attendee and Recall.ai status events for our bots (signed, or carrying the bot's webhook token)",
          params: z.object({ provider: z.string().max(40).describe("attendee or recall") }),
          querystring: z.object({ token: z.string().max(200).optional().describe("The bot's webhook token, part of the URL handed to the provider") }).strict(),
          body: z.unknown(),
          response: { 200: handledSchema, ...errorResponses },
        },
      },
      async (request, reply) => {
        const provider = providers.named(request.params.provider);
        const webhook = provider?.webhook;
        if (!provider || !webhook) {
          return reply.status(404).send({ code: "ROUTE_NOT_FOUND", message: `provider: no meeting provider named ${request.params.provider.slice(0, 40)} takes webhooks here` });
        }
        const check = webhook.verify({ headers: request.headers, rawBody: rawBodies.get(request) ?? "", body: request.body, nowMs: now() });
        if (!check.ok) return reply.status(401).send({ code: "WEBHOOK_UNVERIFIED", message: check.reason });
        const reading = webhook.read(request.body);
        if (reading.kind === "invalid") return reply.status(400).send({ code: "VALIDATION_FAILED", message: reading.reason });
        if (reading.kind === "ignored") return { status: "ok" as const, handled: false };
        const found = bots.get(reading.providerBotId);
        const bot = found?.settings.providerName === provider.name ? found : undefined;
        if (webhook.needsBotToken && (!bot || !bots.webhookTokenMatches(bot, request.query.token))) {
          return reply.status(401).send({ code: "WEBHOOK_UNVERIFIED", message: "query token: the delivery must carry its bot's token (the webhook URL handed to the provider)" });
        }
        if (!bot) return { status: "ok" as const, handled: false };
        if (check.deliveryId) {
          const id = `${provider.name}:${check.deliveryId}`;
          if (seen.has(id)) return { status: "ok" as const, handled: false };
          if (seen.size >= SEEN_IDS_MAX) seen.clear();
          seen.add(id);
        }
        for (const event of reading.events) await applyProviderEvent(bot, event);
        return { status: "ok" as const, handled: true };
      },
    );
  };
}
