/**
 * @module meeting/recall/recall-requests
 * The body of Recall.ai's `POST /api/v1/bot/` for our bot: mixed raw audio and participant events
 * streamed to our stream URL (a real-time WebSocket endpoint), our Output Media page as the bot's
 * camera and microphone (the bot's voice), the entry message as a chat message when the bot joins,
 * and `extra` as string metadata. Zoom bots are asked for the web variant, since Output Media does
 * not run in Zoom's native bot. A listen-only recorder gets no page.
 */
import type { JoinRequest } from "../meeting-provider.js";
import { recallPageUrl } from "./recall-page.js";
import { RECALL_ENDPOINT_EVENTS } from "./recall-stream.js";

function metadataOf(extra: Record<string, unknown> | undefined): Record<string, string> | undefined {
  if (!extra) return undefined;
  const entries = Object.entries(extra).map(([key, value]) => [key, typeof value === "string" ? value : JSON.stringify(value)] as const);
  return entries.length ? Object.fromEntries(entries) : undefined;
}

export function recallCreateBody(request: JoinRequest): Record<string, unknown> {
  const body: Record<string, unknown> = {
    meeting_url: request.meetingUrl,
    bot_name: request.botName,
    recording_config: {
      audio_mixed_raw: {},
      realtime_endpoints: [{ type: "websocket", url: request.streamUrl, events: [...RECALL_ENDPOINT_EVENTS] }],
    },
    variant: { zoom: "web" },
  };
  if (!request.listenOnly) body.output_media = { camera: { kind: "webpage", config: { url: recallPageUrl(request.streamBase, request.clientId) } } };
  if (request.entryMessage) body.chat = { on_bot_join: { send_to: "everyone", message: request.entryMessage } };
  const metadata = metadataOf(request.extra);
  if (metadata) body.metadata = metadata;
  return body;
}
