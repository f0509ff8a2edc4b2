/**
 * @module config
 * The environment, read once into one typed and validated object. Nothing else reads
 * `process.env`: every module receives the part of this object it needs, so tests can never pick up
 * a developer's real keys by accident. `.env.example` documents each variable.
 */
import { z } from "zod";

const optionalString = z
  .string()
  .optional()
  .transform((value) => (value === undefined || value.trim() === "" ? undefined : value.trim()));
const optionalUrl = optionalString.pipe(z.url().optional());
const number = (fallback: number) => z.coerce.number().finite().default(fallback);

export const configSchema = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(7014),
  HOST: z.string().default("127.0.0.1"),
  BASE_URL: optionalUrl,
  LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),

  MEETING_PROVIDER: z.enum(["auto", "meetingbaas", "local"]).default("auto"),
  MEETING_BAAS_API_KEY: optionalString,
  MEETING_BAAS_API_URL: z.url().default("https://api.meetingbaas.com"),
  MEETING_BAAS_API_VERSION: z.enum(["v1", "v2"]).default("v1"),
  MEETING_BAAS_WEBHOOK_SECRET: optionalString.pipe(z.string().regex(/^(whsec_)?[A-Za-z0-9+/]+={0,2}$/, "must be the whsec_… signing secret").optional()),

  PERSONAS_DIR: optionalString,
  DEFAULT_PERSONA: z.string().default("onboarding_guide"),

  STT_PROVIDER: z.enum(["auto", "deepgram", "gladia", "local"]).default("auto"),
  DEEPGRAM_API_KEY: optionalString,
  DEEPGRAM_API_URL: z.url().default("wss://api.deepgram.com"),
  GLADIA_API_KEY: optionalString,
  GLADIA_API_URL: z.url().default("https://api.gladia.io"),

  LLM_PROVIDER: z.enum(["auto", "openai", "local", "none"]).default("auto"),
  OPENAI_API_KEY: optionalString,
  LLM_API_KEY: optionalString,
  LLM_BASE_URL: optionalUrl,
  LLM_MODEL: z.string().default("gpt-4o-mini"),
  LLM_MODEL_PATH: optionalString,
  LLM_MAX_CONTEXT_MESSAGES: z.coerce.number().int().min(4).default(40),

  TTS_PROVIDER: z.enum(["auto", "cartesia", "local"]).default("auto"),
  CARTESIA_API_KEY: optionalString,
  CARTESIA_API_URL: z.url().default("https://api.cartesia.ai"),
  CARTESIA_VOICE_ID: z.string().default("a0e99841-438c-4a64-b679-ae501e7d6091"),
  LOCAL_TTS_VOICE: z.enum(["awb", "slt", "rms", "kal16"]).default("awb"),

  VAD_THRESHOLD: number(0.5).pipe(z.number().min(0).max(1)),
  VAD_MIN_SPEECH_MS: number(250).pipe(z.number().min(0)),
  VAD_MIN_SILENCE_MS: number(100).pipe(z.number().min(0)),
  VAD_MIN_VOLUME: number(0.6).pipe(z.number().min(0).max(1)),

  BOT_CONNECT_TIMEOUT_MS: z.coerce.number().int().min(1).default(120_000),
  BOT_RECONNECT_GRACE_MS: z.coerce.number().int().min(0).default(15_000),
  SHUTDOWN_TIMEOUT_MS: z.coerce.number().int().min(1).default(10_000),
  ROOM_EMPTY_TIMEOUT_MS: z.coerce.number().int().min(0).default(60_000),
  ROOM_MAX_PARTICIPANTS: z.coerce.number().int().min(2).max(1000).default(50),

  WEATHER_API_URL: z.url().default("https://wttr.in"),
  NGROK_AUTHTOKEN: optionalString,
  REPLICATE_API_TOKEN: optionalString,
  REPLICATE_API_URL: z.url().default("https://api.replicate.com"),
  UPLOADTHING_TOKEN: optionalString,
  REDIS_URL: optionalString,
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
