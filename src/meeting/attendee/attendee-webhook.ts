/**
 * @module meeting/attendee/attendee-webhook
 * Attendee's webhooks for our bots (`POST /webhook/attendee?token=…`), mapped to our events:
 * `bot.state_change` into the call (joined_*), out of it (post_processing, ended) or failed
 * (fatal_error), and `participant_events.*` (join, leave, speech_start, speech_stop) into the roster.
 *
 * Proof: the URL carries the bot's own token (we create one webhook URL per bot), and when the
 * server has ATTENDEE_WEBHOOK_SECRET every delivery must also carry a valid X-Webhook-Signature.
 */
import { z } from "zod";
import type { ProviderEvent } from "../provider-events/provider-event.js";
import type { ProviderWebhook, WebhookCheck, WebhookDelivery, WebhookReading } from "../provider-events/provider-webhook.js";
import { attendeeSignatureMatches } from "./attendee-signature.js";

export const ATTENDEE_WEBHOOK_TRIGGERS = ["bot.state_change", "participant_events.join_leave", "participant_events.speech_start_stop"] as const;

const IN_CALL = new Set(["joined_not_recording", "joined_recording", "joined_recording_paused", "joined_recording_permission_denied"]);
const OVER = new Set(["post_processing", "ended", "data_deleted"]);

const deliverySchema = z
  .object({
    idempotency_key: z.string().max(200).optional(),
    bot_id: z.string().min(1).max(200),
    trigger: z.string().max(100),
    data: z.record(z.string(), z.unknown()),
  })
  .loose();

const stateSchema = z
  .object({
    new_state: z.string().max(100),
    old_state: z.string().max(100).nullish(),
    event_type: z.string().max(200).nullish(),
    event_sub_type: z.string().max(200).nullish(),
  })
  .loose();

const participantSchema = z
  .object({
    participant_name: z.string().max(200).nullish(),
    participant_uuid: z.string().max(300).nullish(),
    id: z.union([z.string().max(300), z.number()]).nullish(),
    event_type: z.enum(["join", "leave", "speech_start", "speech_stop"]),
    timestamp_ms: z.number().nonnegative().nullish(),
  })
  .loose();

const PARTICIPANT_KINDS = { join: "join", leave: "leave", speech_start: "speech_on", speech_stop: "speech_off" } as const;

export class AttendeeWebhook implements ProviderWebhook {
  readonly needsBotToken = true;

  /** `key`: the base64-decoded ATTENDEE_WEBHOOK_SECRET; without it the bot's URL token is the only proof. */
  constructor(private readonly key: Buffer | undefined) {}

  verify(delivery: WebhookDelivery): WebhookCheck {
    const id = deliverySchema.safeParse(delivery.body).data?.idempotency_key;
    if (!this.key) return { ok: true, ...(id && { deliveryId: id }) };
    const header = delivery.headers["x-webhook-signature"];
    if (header === undefined) return { ok: false, reason: "header x-webhook-signature: missing (this server checks Attendee's signatures: ATTENDEE_WEBHOOK_SECRET is set)" };
    if (!attendeeSignatureMatches(this.key, delivery.body, header)) return { ok: false, reason: "header x-webhook-signature: does not match the body signed with ATTENDEE_WEBHOOK_SECRET" };
    return { ok: true, ...(id && { deliveryId: id }) };
  }

  read(body: unknown): WebhookReading {
    const delivery = deliverySchema.safeParse(body);
    if (!delivery.success) return { kind: "invalid", reason: "body: an Attendee webhook has bot_id, trigger and data" };
    const { bot_id: botId, trigger, data } = delivery.data;
    if (trigger === "bot.state_change") {
      const state = stateSchema.safeParse(data);
      if (!state.success) return { kind: "invalid", reason: "data.new_state: missing" };
      const event = stateEvent(state.data);
      return event ? { kind: "events", providerBotId: botId, events: [event] } : { kind: "ignored", reason: `state ${state.data.new_state}` };
    }
    if (trigger === "participant_events.join_leave" || trigger === "participant_events.speech_start_stop") {
      const participant = participantSchema.safeParse(data);
      if (!participant.success) return { kind: "invalid", reason: "data: a participant event has event_type join, leave, speech_start or speech_stop" };
      const p = participant.data;
      const participantId = p.participant_uuid ?? (p.id === null || p.id === undefined ? undefined : String(p.id)) ?? p.participant_name ?? "";
      if (!participantId) return { kind: "invalid", reason: "data.participant_uuid: missing" };
      const event: ProviderEvent = {
        kind: "participant",
        change: { participantId, name: p.participant_name ?? "Participant", kind: PARTICIPANT_KINDS[p.event_type], at: p.timestamp_ms ?? Date.now() },
      };
      return { kind: "events", providerBotId: botId, events: [event] };
    }
    return { kind: "ignored", reason: `trigger ${trigger}` };
  }
}

function stateEvent(state: z.infer<typeof stateSchema>): ProviderEvent | undefined {
  const why = [state.event_type, state.event_sub_type].filter(Boolean).join("/") || state.new_state;
  if (IN_CALL.has(state.new_state)) return { kind: "in-call", evidence: `Attendee state ${state.new_state}` };
  if (OVER.has(state.new_state)) return { kind: "ended", reason: `Attendee: ${why}` };
  if (state.new_state === "fatal_error") return { kind: "failed", reason: `Attendee: ${why}` };
  return undefined;
}
