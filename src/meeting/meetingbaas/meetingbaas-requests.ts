/**
 * @module meeting/meetingbaas/meetingbaas-requests
 * Builds the create-bot bodies of the MeetingBaas API, v1 (`POST /bots`) and v2 (`POST /v2/bots`),
 * from our join request. Field names and shapes follow the provider's OpenAPI documents.
 */
import type { JoinRequest } from "../meeting-provider.js";

export function v1CreateBody(request: JoinRequest): Record<string, unknown> {
  return {
    meeting_url: request.meetingUrl,
    bot_name: request.botName,
    bot_image: request.botImage ?? null,
    entry_message: request.entryMessage ?? null,
    reserved: false,
    recording_mode: "speaker_view",
    speech_to_text: null,
    streaming: {
      input: request.streamUrl,
      output: request.streamUrl,
      audio_frequency: request.audioFrequency === 24000 ? "24khz" : "16khz",
    },
    automatic_leave: { waiting_room_timeout: 600, noone_joined_timeout: 0 },
    deduplication_key: request.deduplicationKey,
    extra: request.extra ?? null,
    webhook_url: request.webhookUrl ?? null,
  };
}

export function v2CreateBody(request: JoinRequest): Record<string, unknown> {
  const body: Record<string, unknown> = {
    meeting_url: request.meetingUrl,
    bot_name: request.botName,
    recording_mode: "speaker_view",
    allow_multiple_bots: true,
    streaming_enabled: true,
    streaming_config: { input_url: request.streamUrl, output_url: request.streamUrl, audio_frequency: request.audioFrequency },
    extra: request.extra ?? null,
  };
  if (request.botImage) body.bot_image = request.botImage;
  if (request.entryMessage) body.entry_message = request.entryMessage;
  if (request.webhookUrl) {
    body.callback_enabled = true;
    body.callback_config = { url: request.webhookUrl, method: "POST" };
  }
  return body;
}
