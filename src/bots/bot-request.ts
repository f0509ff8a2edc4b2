/**
 * @module bots/bot-request
 * The body of `POST /bots`: one zod schema that validates requests, types the handler and documents
 * the field in the OpenAPI file.
 */
import { z } from "zod";
import { turnPolicyInputSchema } from "../pipeline/turn/turn-policy.js";

const httpUrl = z
  .string()
  .trim()
  .refine((value) => /^(https?:\/\/[^\s/]+|local:[a-z0-9][a-z0-9_-]{0,63}$)/i.test(value), {
    message: "must be an http(s) meeting URL such as https://meet.google.com/abc-defg-hij, or local:<room> for the built-in room",
  });

export const botRequestSchema = z
  .object({
    meeting_url: httpUrl.describe("Meeting to join: a Google Meet, Zoom or Teams URL, a built-in room URL (…/meet/<room>) or local:<room>"),
    bot_name: z.string().trim().max(100).optional().describe("Display name in the meeting; defaults to the persona's name"),
    personas: z
      .array(z.string().trim().min(1).max(100))
      .max(10)
      .optional()
      .describe("Persona names in order of preference; the first that exists is used"),
    bot_image: z.url().optional().describe("Avatar image URL shown by the meeting bot"),
    entry_message: z.string().trim().max(500).optional().describe("Spoken once when the bot is admitted"),
    extra: z.record(z.string(), z.unknown()).optional().describe("Free JSON handed to the meeting provider and echoed in its webhooks"),
    enable_tools: z.boolean().default(true).describe("Let the LLM call tools such as weather and time"),
    prompt: z.string().trim().min(1).max(8000).optional().describe("A custom persona description; wins over `personas`"),
    websocket_url: z
      .string()
      .regex(/^wss?:\/\/[^\s/]+/i, "must start with ws:// or wss:// and name a host")
      .optional()
      .describe("Public WebSocket base the provider should dial (overrides BASE_URL, tunnel and request headers)"),
    streaming_audio_frequency: z.enum(["16khz", "24khz"]).default("16khz").describe("PCM rate of the meeting stream"),
    pipeline: z
      .enum(["builtin", "pipecat"])
      .default("builtin")
      .describe("builtin: the server's own voice pipeline; pipecat: relay audio to an external Pipecat pipeline on /pipecat/{client_id}"),
    recorder: z.boolean().default(false).describe("A listen-only bot that records the meeting's audio and transcript and never speaks"),
    turn_policy: turnPolicyInputSchema
      .optional()
      .describe("When the bot speaks in a meeting (mode, aliases, endpointing, interruption); overrides the persona's metadata, which overrides the defaults"),
  })
  .strict();

export type BotRequest = z.infer<typeof botRequestSchema>;

export const botStatusSchema = z.enum(["joining", "in_call", "leaving", "ended", "failed"]);
export type BotStatus = z.infer<typeof botStatusSchema>;

export const stageStatsSchema = z.object({
  count: z.number(),
  p50: z.number().nullable(),
  p95: z.number().nullable(),
  p99: z.number().nullable(),
});

export const botInfoSchema = z.object({
  bot_id: z.string(),
  bot_name: z.string(),
  status: botStatusSchema,
  speaking: z.boolean(),
  persona: z.string(),
  meeting_url: z.string(),
  provider: z.string(),
  pipeline: z.enum(["builtin", "pipecat"]),
  recorder: z.boolean(),
  started_at: z.string(),
  ended_at: z.string().nullable(),
  last_error: z.string().nullable(),
  roster: z
    .array(z.object({ name: z.string(), id: z.number().nullable(), speaking: z.boolean(), kind: z.enum(["human", "bot", "self"]) }))
    .describe("The meeting's participants as the bot knows them from the provider's speaker events, live"),
  turn_decisions: z
    .array(z.object({ at: z.string(), speaker: z.string().nullable(), speak: z.boolean(), reason: z.string(), turn_id: z.number().nullable() }))
    .describe("The bot's last decisions to speak or stay silent after a person's turn, with the reason for each"),
  metrics: z.object({
    turns: z.array(z.record(z.string(), z.number().nullable())).describe("Last turns: milliseconds from the end of user speech to each stage"),
    stages: z.record(z.string(), stageStatsSchema).describe("Percentiles per stage over the recorded turns"),
  }),
});
export type BotInfo = z.infer<typeof botInfoSchema>;
