/**
 * @module meeting/provider-events/provider-webhook
 * A provider's status webhooks, as `/webhook/<provider>` sees them: a proof that a delivery comes
 * from the provider (a signature over the body, and/or the bot's own token in the URL we handed
 * out), then the bot it is about and what happened to it.
 */
import type { IncomingHttpHeaders } from "node:http";
import type { ProviderEvent } from "./provider-event.js";

export interface WebhookDelivery {
  headers: IncomingHttpHeaders;
  /** The body exactly as received: signatures cover these bytes (or the JSON they hold). */
  rawBody: string;
  body: unknown;
  nowMs: number;
}

export type WebhookCheck =
  /** `deliveryId`, when the provider numbers its deliveries, lets a replay be ignored. */
  | { ok: true; deliveryId?: string }
  | { ok: false; reason: string };

export type WebhookReading =
  | { kind: "events"; providerBotId: string; events: ProviderEvent[] }
  /** A well-formed delivery of a kind we do not act on (answered 200 so the provider stops retrying). */
  | { kind: "ignored"; reason: string }
  | { kind: "invalid"; reason: string };

export interface ProviderWebhook {
  /** Whether the bot's token must also be in the URL: true where the provider posts to per-bot URLs we chose. */
  readonly needsBotToken: boolean;
  verify(delivery: WebhookDelivery): WebhookCheck;
  read(body: unknown): WebhookReading;
}
