/**
 * @module meeting/recall/recall-webhook
 * Recall.ai's bot status webhooks (`POST /webhook/recall`), delivered through Svix and signed with
 * the endpoint's secret (RECALL_WEBHOOK_SECRET), checked with the same Svix verification as
 * MeetingBaas's. `bot.in_call_*` marks the bot in the call, `bot.call_ended` and `bot.done` end it,
 * `bot.fatal` fails it with Recall's sub-code. Recall's webhooks are set per account, not per bot,
 * so the signature is the only proof.
 */
import { z } from "zod";
import { signingKey, verifyDelivery } from "../../util/webhook-signature.js";
import type { ProviderEvent } from "../provider-events/provider-event.js";
import type { ProviderWebhook, WebhookCheck, WebhookDelivery, WebhookReading } from "../provider-events/provider-webhook.js";

const IN_CALL = new Set(["in_call_not_recording", "in_call_recording", "recording_permission_allowed"]);
const OVER = new Set(["call_ended", "done"]);

const statusSchema = z.object({ code: z.string().max(100), sub_code: z.string().max(200).nullish() }).loose();
const currentSchema = z
  .object({
    event: z.string().max(100),
    data: z.object({ data: statusSchema, bot: z.object({ id: z.string().min(1).max(200) }).loose() }).loose(),
  })
  .loose();
/** The older shape: `{event: "bot.status_change", data: {bot_id, status: {code, sub_code}}}`. */
const legacySchema = z
  .object({
    event: z.literal("bot.status_change"),
    data: z.object({ bot_id: z.string().min(1).max(200), status: statusSchema }).loose(),
  })
  .loose();

export class RecallWebhook implements ProviderWebhook {
  readonly needsBotToken = false;
  private readonly key: Buffer | undefined;

  constructor(secret: string | undefined) {
    this.key = secret ? signingKey(secret) : undefined;
    if (secret && !this.key) throw new Error("RECALL_WEBHOOK_SECRET must be whsec_ followed by base64");
  }

  verify(delivery: WebhookDelivery): WebhookCheck {
    if (!this.key) return { ok: false, reason: "header svix-signature: this server has no RECALL_WEBHOOK_SECRET to check Recall.ai's webhooks" };
    const check = verifyDelivery(
      this.key,
      { id: delivery.headers["svix-id"], timestamp: delivery.headers["svix-timestamp"], signature: delivery.headers["svix-signature"], body: delivery.rawBody },
      delivery.nowMs,
    );
    return check.ok ? { ok: true, deliveryId: check.id } : check;
  }

  read(body: unknown): WebhookReading {
    const current = currentSchema.safeParse(body);
    const legacy = current.success ? undefined : legacySchema.safeParse(body);
    const status = current.success ? current.data.data.data : legacy?.success ? legacy.data.data.status : undefined;
    const botId = current.success ? current.data.data.bot.id : legacy?.success ? legacy.data.data.bot_id : undefined;
    if (!status || !botId) {
      const event = (body as { event?: unknown } | undefined)?.event;
      return typeof event === "string" && !event.startsWith("bot.")
        ? { kind: "ignored", reason: `event ${event.slice(0, 60)}` }
        : { kind: "invalid", reason: "body: a Recall.ai bot status event has data.data.code and data.bot.id" };
    }
    const event = statusEvent(status.code, status.sub_code ?? undefined);
    return event ? { kind: "events", providerBotId: botId, events: [event] } : { kind: "ignored", reason: `status ${status.code}` };
  }
}

function statusEvent(code: string, subCode: string | undefined): ProviderEvent | undefined {
  const why = subCode ? `${code}/${subCode}` : code;
  if (IN_CALL.has(code)) return { kind: "in-call", evidence: `Recall.ai status ${code}` };
  if (OVER.has(code)) return { kind: "ended", reason: `Recall.ai: ${why}` };
  if (code === "fatal") return { kind: "failed", reason: `Recall.ai: ${why}` };
  return undefined;
}
