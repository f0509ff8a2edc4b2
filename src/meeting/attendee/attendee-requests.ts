/**
 * @module meeting/attendee/attendee-requests
 * The body of Attendee's `POST /api/v1/bots` for our bot: the real-time audio WebSocket (`wss://`,
 * both the meeting audio and the bot's voice), a bot-level webhook for state and participant
 * events, the entry message as a chat message, and `extra` as metadata. Attendee refuses bot names
 * and chat messages with characters outside the Basic Multilingual Plane (emoji), and metadata
 * values that are not strings, so those are adapted rather than sent to be refused.
 */
import type { JoinRequest } from "../meeting-provider.js";
import { ATTENDEE_WEBHOOK_TRIGGERS } from "./attendee-webhook.js";

/** Drops characters Attendee refuses in names and chat messages (emoji and rare scripts). */
export function basicPlaneOnly(text: string): string {
  return [...text].filter((char) => (char.codePointAt(0) ?? 0) <= 0xffff).join("");
}

function metadataOf(extra: Record<string, unknown> | undefined): Record<string, string> | undefined {
  if (!extra) return undefined;
  const entries = Object.entries(extra).map(([key, value]) => [key, typeof value === "string" ? value : JSON.stringify(value)] as const);
  return entries.length ? Object.fromEntries(entries) : undefined;
}

export function attendeeCreateBody(request: JoinRequest, webhookUrl: string | undefined): Record<string, unknown> {
  const body: Record<string, unknown> = {
    meeting_url: request.meetingUrl,
    bot_name: basicPlaneOnly(request.botName).trim() || "Speaking bot",
    deduplication_key: request.deduplicationKey,
    websocket_settings: { audio: { url: request.streamUrl, sample_rate: request.audioFrequency } },
  };
  const metadata = metadataOf(request.extra);
  if (metadata) body.metadata = metadata;
  const entry = request.entryMessage ? basicPlaneOnly(request.entryMessage).trim() : "";
  if (entry) body.bot_chat_message = { to: "everyone", message: entry };
  if (webhookUrl) body.webhooks = [{ url: webhookUrl, triggers: [...ATTENDEE_WEBHOOK_TRIGGERS] }];
  return body;
}
