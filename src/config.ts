/**
 * @module config
 * The environment, read once into one typed and validated object. Nothing else reads
 * `process.env`: every module receives the part of this object it needs, so tests can never pick up
 * a developer's real keys by accident. `.env.example` documents each variable.
 */
import { z } from "zod";
import { parseApiKeys } from "./core/api-keys.js";
import { DEFAULT_VAD } from "./core/vad-defaults.js";
import { createAddressPolicy } from "./net/address-policy.js";

const optionalString = z
  .string()
  .optional()
  .transform((value) => (value === undefined || value.trim() === "" ? undefined : value.trim()));
const optionalUrl = optionalString.pipe(z.url().optional());
const number = (fallback: number) => z.coerce.number().finite().default(fallback);
/** A yes/no variable: true, false, 1, 0 or empty (false). */
const flag = z
  .enum(["true", "false", "1", "0", ""])
  .optional()
  .transform((value) => value === "true" || value === "1");
/** A positive whole number, or unset to let the server derive it. */
const optionalCount = optionalString
  .transform((value) => (value === undefined ? undefined : Number(value)))
  .pipe(z.number().int().min(1).optional());
/** A whole number of requests; 0 turns the limit off. */
const allowance = (fallback: number) => z.coerce.number().int().min(0).default(fallback);
const milliseconds = (fallback: number) => z.coerce.number().int().min(1).default(fallback);

export const configSchema = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(7014),
  HOST: z.string().default("127.0.0.1"),
  BASE_URL: optionalUrl,
  LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),

  // Access: API keys (one per tenant) and the explicit opt-in to anonymous access off loopback.
  SPEAKING_BOTS_API_KEYS: optionalString.transform((text, context) => {
    const parsed = parseApiKeys(text);
    for (const problem of parsed.problems) context.addIssue({ code: "custom", message: problem });
    return parsed.keys;
  }),
  ALLOW_ANONYMOUS: flag,
  /** The key the CLI sends to a server (Authorization: Bearer). */
  SPEAKING_BOTS_API_KEY: optionalString,

  // Limits: bot caps (derived from memory when unset), request rates, images, socket timeouts.
  MAX_BOTS: optionalCount,
  MAX_BOTS_PER_TENANT: optionalCount,
  RATE_LIMIT_BOTS_PER_MINUTE: allowance(60),
  RATE_LIMIT_PERSONAS_PER_MINUTE: allowance(10),
  PERSONA_IMAGES_PER_HOUR: allowance(60),
  MAX_PERSONA_IMAGE_FILES: allowance(1000),
  HTTP_REQUEST_TIMEOUT_MS: milliseconds(30_000),
  HTTP_HEADERS_TIMEOUT_MS: milliseconds(10_000),
  HTTP_IDLE_TIMEOUT_MS: milliseconds(120_000),
  HTTP_KEEP_ALIVE_TIMEOUT_MS: milliseconds(72_000),

  /** The provider for requests that name none: auto picks by URL (meeting links → MeetingBaas, room URLs → local). */
  MEETING_PROVIDER: z.enum(["auto", "meetingbaas", "attendee", "recall", "local"]).default("auto"),
  MEETING_BAAS_API_KEY: optionalString,
  MEETING_BAAS_API_URL: z.url().default("https://api.meetingbaas.com"),
  MEETING_BAAS_API_VERSION: z.enum(["v1", "v2"]).default("v1"),
  MEETING_BAAS_WEBHOOK_SECRET: optionalString.pipe(z.string().regex(/^(whsec_)?[A-Za-z0-9+/]+={0,2}$/, "must be the whsec_… signing secret").optional()),

  ATTENDEE_API_KEY: optionalString,
  /** Attendee's API: the hosted service, or a self-hosted one. */
  ATTENDEE_API_URL: z.url().default("https://app.attendee.dev"),
  /** The project's webhook secret (base64); with it every Attendee webhook must be signed. */
  ATTENDEE_WEBHOOK_SECRET: optionalString.pipe(z.string().regex(/^[A-Za-z0-9+/]+={0,2}$/, "must be the base64 secret from Attendee's webhook settings").optional()),
  RECALL_API_KEY: optionalString,
  /** Recall.ai accounts live in one region; its API is https://<region>.recall.ai unless RECALL_API_URL says otherwise. */
  RECALL_REGION: z.enum(["us-west-2", "us-east-1", "eu-central-1", "ap-northeast-1"]).default("us-west-2"),
  RECALL_API_URL: optionalUrl,
  /** The Svix signing secret (whsec_…) of the Recall.ai webhook endpoint pointing at /webhook/recall. */
  RECALL_WEBHOOK_SECRET: optionalString.pipe(z.string().regex(/^(whsec_)?[A-Za-z0-9+/]+={0,2}$/, "must be the whsec_… signing secret").optional()),

  PERSONAS_DIR: optionalString,
  DEFAULT_PERSONA: z.string().default("onboarding_guide"),

  STT_PROVIDER: z.enum(["auto", "deepgram", "gladia", "local"]).default("auto"),
  DEEPGRAM_API_KEY: optionalString,
  DEEPGRAM_API_URL: z.url().default("wss://api.deepgram.com"),
  GLADIA_API_KEY: optionalString,
  GLADIA_API_URL: z.url().default("https://api.gladia.io"),

  LLM_PROVIDER: z.enum(["auto", "openai", "anthropic", "zai", "local", "none"]).default("auto"),
  OPENAI_API_KEY: optionalString,
  LLM_API_KEY: optionalString,
  LLM_BASE_URL: optionalUrl,
  LLM_MODEL: z.string().default("gpt-4o-mini"),
  LLM_MODEL_PATH: optionalString,
  LLM_MAX_CONTEXT_MESSAGES: z.coerce.number().int().min(4).default(40),
  // Further providers a bot may pick with llm_provider; their keys only ever come from here.
  ANTHROPIC_API_KEY: optionalString,
  ANTHROPIC_API_URL: z.url().default("https://api.anthropic.com"),
  ANTHROPIC_MODEL: z.string().default("claude-opus-4-8"),
  ZAI_API_KEY: optionalString,
  ZAI_API_URL: z.url().default("https://api.z.ai/api/paas/v4"),
  ZAI_MODEL: z.string().default("glm-5.2"),

  TTS_PROVIDER: z.enum(["auto", "cartesia", "local"]).default("auto"),
  CARTESIA_API_KEY: optionalString,
  CARTESIA_API_URL: z.url().default("https://api.cartesia.ai"),
  CARTESIA_VOICE_ID: z.string().default("a0e99841-438c-4a64-b679-ae501e7d6091"),
  /** Most PocketSphinx decoders loaded at once (each ~100 MB); default one per core, at least two. */
  LOCAL_STT_DECODERS: z.coerce.number().int().min(1).optional(),
  LOCAL_TTS_VOICE: z.enum(["awb", "slt", "rms", "kal16"]).default("awb"),
  /** Speaking speed multiplier when a request gives no speech_speed. */
  TTS_SPEED: number(1).pipe(z.number().min(0.6).max(1.5)),

  VAD_THRESHOLD: number(DEFAULT_VAD.threshold).pipe(z.number().min(0).max(1)),
  VAD_MIN_SPEECH_MS: number(DEFAULT_VAD.minSpeechMs).pipe(z.number().min(0)),
  /** The stop delay; see core/vad-defaults for why 300 ms. */
  VAD_MIN_SILENCE_MS: number(DEFAULT_VAD.minSilenceMs).pipe(z.number().min(0)),
  VAD_MIN_VOLUME: number(DEFAULT_VAD.minVolume).pipe(z.number().min(0).max(1)),
  /**
   * Worker threads scoring the VAD; unset or 0 scores on the main thread. Opt-in until a run on an
   * idle machine shows the threads pay for themselves (BENCHMARKS.md, section 2).
   */
  VAD_THREADS: optionalString.transform((value) => (value === undefined ? undefined : Number(value))).pipe(z.number().int().min(0).max(64).optional()),

  /** How far the heap grows past live data before a full collection (see server/heap-growth); 0 is V8's own choice. */
  HEAP_GROWTH_PERCENT: z.coerce.number().int().min(0).max(1000).default(100),

  BOT_CONNECT_TIMEOUT_MS: z.coerce.number().int().min(1).default(120_000),
  BOT_RECONNECT_GRACE_MS: z.coerce.number().int().min(0).default(15_000),
  SHUTDOWN_TIMEOUT_MS: z.coerce.number().int().min(1).default(10_000),
  ROOM_EMPTY_TIMEOUT_MS: z.coerce.number().int().min(0).default(60_000),
  /** After a crash: resume the bots left in meetings, or make them leave. */
  RECOVER_BOTS: z.enum(["resume", "leave"]).default("resume"),
  /** The bot registry file; default DATA_DIR/bots.sqlite, `:memory:` keeps nothing across restarts. */
  BOT_REGISTRY_FILE: optionalString,
  ROOM_MAX_PARTICIPANTS: z.coerce.number().int().min(2).max(1000).default(50),

  // Fetches a request chooses (prompt data URLs, MCP servers) reach public addresses only, unless
  // listed here: host names, addresses or CIDR ranges, comma-separated.
  FETCH_ALLOW_HOSTS: optionalString.transform((text, context) => {
    const entries = (text ?? "").split(",").map((entry) => entry.trim()).filter(Boolean);
    try {
      createAddressPolicy(entries);
    } catch (error) {
      context.addIssue({ code: "custom", message: `not a host name, address or CIDR range: ${error instanceof Error ? error.message : String(error)}` });
    }
    return entries;
  }),
  PROMPT_DATA_FETCH_TIMEOUT_MS: milliseconds(10_000),
  PROMPT_DATA_MAX_BYTES: z.coerce.number().int().min(1).default(1_000_000),
  /** Named MCP server presets (YAML or JSON) that requests pick with mcp_profile. */
  MCP_PROFILES_FILE: optionalString,
  /** Connect and tool-call timeout for MCP servers that set no timeout_seconds. */
  MCP_TIMEOUT_SECONDS: z.coerce.number().min(0.1).max(300).default(15),

  WEATHER_API_URL: z.url().default("https://wttr.in"),
  NGROK_AUTHTOKEN: optionalString,
  REPLICATE_API_TOKEN: optionalString,
  REPLICATE_API_URL: z.url().default("https://api.replicate.com"),
  /** Only for a local stand-in: the one origin generated images may be downloaded from instead of https://replicate.delivery. */
  REPLICATE_DELIVERY_URL: optionalUrl,
  /** UploadThing keeps persona images: the current token, or the older UTFS_KEY (secret key) and APP_ID pair. */
  UPLOADTHING_TOKEN: optionalString,
  UTFS_KEY: optionalString,
  APP_ID: optionalString,
  UPLOADTHING_API_URL: z.url().default("https://api.uploadthing.com"),
  REDIS_URL: optionalString,
  /** Cluster mode (with REDIS_URL): this process's worker id; generated when unset. */
  WORKER_ID: optionalString.pipe(z.string().regex(/^[A-Za-z0-9_.-]{1,64}$/, "must be 1-64 letters, digits, '.', '_' or '-'").optional()),
  /** Cluster mode: how often a worker proves it is alive; it counts as dead after CLUSTER_DEAD_AFTER_MS of silence. */
  CLUSTER_HEARTBEAT_MS: milliseconds(1000),
  CLUSTER_DEAD_AFTER_MS: milliseconds(3000),
  /** Cluster mode: how long an API node waits for a worker to create the provider bot. */
  CLUSTER_LAUNCH_TIMEOUT_MS: milliseconds(30_000),
  /** Cluster mode: a worker whose event loop lags more than this on average takes no new bots. */
  WORKER_MAX_EVENT_LOOP_DELAY_MS: milliseconds(250),
  DATA_DIR: z.string().default("data"),
});

export type Config = Readonly<z.infer<typeof configSchema>>;

/** Reads and validates the environment; throws a message listing every bad variable. */
export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  const parsed = configSchema.safeParse(env);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `${issue.path.join(".")}: ${issue.message}`);
    throw new Error(`Invalid configuration:\n  ${problems.join("\n  ")}`);
  }
  return Object.freeze(parsed.data);
}

/** A configuration for tests: defaults plus the given overrides, never the real environment. */
export function testConfig(overrides: Record<string, string> = {}): Config {
  return loadConfig({ LOG_LEVEL: "silent", ...overrides });
}
