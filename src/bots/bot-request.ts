/**
 * @module bots/bot-request
 * The body of `POST /bots`: one zod schema that validates requests, types the handler and documents
 * the field in the OpenAPI file.
 */
import { z } from "zod";
import { PROVIDER_NAMES } from "../meeting/meeting-provider.js";
import { isValidPersonaName } from "../personas/persona-store.js";
import { botImageProblem, meetingUrlProblem, websocketUrlProblem } from "./url-checks.js";
import { promptDataSourcesSchema, promptDataTokenLimitSchema } from "../prompt-data/prompt-data-request.js";
import { llmModelSchema, llmProviderSchema } from "../services/llm/llm-routing.js";
import { speechSpeedSchema } from "../services/tts/speech-speed.js";
import { mcpProfileSchema, mcpRequestSchema, mcpToolAccessSchema } from "../tools/mcp/mcp-request.js";
import { ORIGINAL_BOT_REQUEST_EXAMPLE } from "./bot-request-example.js";
import { turnConfigSchema } from "./turn-config.js";
import { turnPolicyInputSchema } from "../core/turn-policy.js";
import { meetingGroupSchema } from "./group/meeting-group-key.js";

/** A string field checked by one of the URL checks, whose answer becomes the 400's message. */
function checkedUrl(problem: (value: string) => string | undefined) {
  return z
    .string()
    .trim()
    .max(2000)
    .superRefine((value, ctx) => {
      const found = problem(value);
      if (found) ctx.addIssue({ code: "custom", message: found });
    });
}

/** Text shown to people: no control characters (new lines, escapes) that could break a display. */
const displayText = (max: number) =>
  z
    .string()
    .trim()
    .max(max)
    .refine((value) => !/\p{Cc}/u.test(value), "must not contain control characters");

export const botRequestSchema = z
  .object({
    meeting_url: checkedUrl(meetingUrlProblem).describe("Meeting to join: a Google Meet, Zoom or Teams URL, a built-in room URL (…/meet/<room>) or local:<room>"),
    provider: z
      .enum(PROVIDER_NAMES)
      .optional()
      .describe("Who carries the bot into the meeting: meetingbaas (the default for meeting links), attendee, recall, or local (built-in rooms, the default for their URLs)"),
    bot_name: displayText(100).optional().describe("Display name in the meeting; defaults to the persona's name"),
    personas: z
      .array(z.string().trim().min(1).max(100).refine(isValidPersonaName, "is not a valid persona name: use letters, digits, spaces, - and _"))
      .max(10)
      .optional()
      .describe("Persona names in order of preference; the first that exists is used"),
    bot_image: checkedUrl(botImageProblem).optional().describe("Avatar image shown by the meeting bot: an https:// URL of a .png, .jpg, .gif, .webp or .svg file"),
    entry_message: z.string().trim().max(500).optional().describe("Spoken once when the bot is admitted"),
    extra: z.record(z.string(), z.unknown()).optional().describe("Free JSON handed to the meeting provider and echoed in its webhooks"),
    enable_tools: z.boolean().default(true).describe("Let the LLM call the built-in tools such as weather and time (MCP tools follow `mcp`)"),
    prompt: z.string().trim().min(1).max(8000).optional().describe("A custom persona description; wins over `personas`"),
    websocket_url: checkedUrl(websocketUrlProblem)
      .optional()
      .describe("Public WebSocket base the provider should dial (overrides BASE_URL, tunnel and request headers)"),
    streaming_audio_frequency: z.enum(["16khz", "24khz"]).default("16khz").describe("PCM rate of the meeting stream"),
    pipeline: z
      .enum(["builtin", "pipecat"])
      .default("builtin")
      .describe("builtin: the server's own voice pipeline; pipecat: relay audio to an external Pipecat pipeline, which connects to the pipecat_url returned by this call"),
    recorder: z.boolean().default(false).describe("A listen-only bot that records the meeting's audio and transcript and never speaks"),
    // Fields of the original API (2026): see src/bots/setup/prepare-bot.ts for what each one does.
    turn_config: turnConfigSchema.optional(),
    prompt_data_sources: promptDataSourcesSchema.optional(),
    prompt_data_token_limit: promptDataTokenLimitSchema.optional(),
    mcp: mcpRequestSchema.optional(),
    mcp_profile: mcpProfileSchema.optional(),
    mcp_profile_tool_access: mcpToolAccessSchema.optional(),
    llm_provider: llmProviderSchema.optional(),
    llm_model: llmModelSchema.optional(),
    speech_speed: speechSpeedSchema.optional(),
    meeting_group: meetingGroupSchema.optional(),
    turn_policy: turnPolicyInputSchema
      .optional()
      .describe("When the bot speaks in a meeting (mode, aliases, endpointing, interruption); overrides the persona's metadata, which overrides the defaults"),
  })
  .strict()
  .superRefine((body, context) => {
    if (body.mcp_profile_tool_access === "read_write" && !body.mcp_profile) {
      context.addIssue({ code: "custom", path: ["mcp_profile_tool_access"], message: "read_write needs an mcp_profile" });
    }
  })
  .meta({ examples: [ORIGINAL_BOT_REQUEST_EXAMPLE] });

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
  meeting_group: z.string().describe("The bot's meeting group: bots of this server with the same group (and API key) are siblings"),
  siblings: z
    .array(z.object({ bot_id: z.string(), bot_name: z.string() }))
    .describe("The other bots of this server in the same meeting group, live"),
  participation: z
    .object({
      turns_10min: z.number().describe("Replies begun in the last 10 minutes"),
      talk_share: z.number().describe("The bot's share of all talk heard in the last 10 minutes, 0 to 1"),
    })
    .nullable()
    .describe("How much the bot took part lately (bots of the builtin pipeline); an over-budget bot holds back on room questions"),
  metrics: z.object({
    turns: z.array(z.record(z.string(), z.number().nullable())).describe("Last turns: milliseconds from the end of user speech to each stage"),
    stages: z.record(z.string(), stageStatsSchema).describe("Percentiles per stage over the recorded turns"),
  }),
});
export type BotInfo = z.infer<typeof botInfoSchema>;
