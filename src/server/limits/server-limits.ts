/**
 * @module server/limits/server-limits
 * Every limit the server enforces, resolved once at start-up from the configuration and the
 * machine, and printed in the start-up log.
 *
 * Bot caps, when not configured, follow from memory:
 *   MAX_BOTS = clamp(floor((memory − 512 MB − decoders × 110 MB) / 40 MB), 1, 200)
 * where memory is the smaller of the machine's RAM and the container's limit, 512 MB is kept for
 * the process itself (models, HTTP, the LLM client), decoders is the size of the shared
 * PocketSphinx pool when speech is recognised locally (0 with cloud speech-to-text; each decoder
 * holds its own ~100 MB model), and 40 MB per bot covers a bot's pipeline with room to spare
 * (about 10 MB measured with the local engines, BENCHMARKS.md section 5).
 *   MAX_BOTS_PER_TENANT = MAX_BOTS with one tenant (or none), else ceil(MAX_BOTS / 2),
 * so no single key can fill a shared server.
 */
import { totalmem } from "node:os";
import type { Config } from "../../config.js";

const MB = 1024 * 1024;
export const PROCESS_RESERVE_BYTES = 512 * MB;
export const DECODER_BYTES = 110 * MB;
export const BOT_BYTES = 40 * MB;
export const MAX_BOTS_CEILING = 200;

export interface ServerLimits {
  maxBots: number;
  maxBotsPerTenant: number;
  /** Requests per minute per tenant (or per address without keys); 0 means no limit. */
  botsPerMinute: number;
  personasPerMinute: number;
  personaImagesPerHour: number;
  /** Avatar files kept in DATA_DIR/persona-images; 0 means no limit. */
  maxPersonaImageFiles: number;
  requestTimeoutMs: number;
  headersTimeoutMs: number;
  idleTimeoutMs: number;
  keepAliveTimeoutMs: number;
}

export interface MachineFacts {
  /** Memory the process may use: RAM, or the container's limit when lower. */
  memoryBytes: number;
  /** The recogniser runs in-process (a shared pool of decoders) rather than in the cloud. */
  localSpeechToText: boolean;
  /** Decoders the local recogniser may load at once (default two). */
  decoders?: number;
}

/** This machine's memory, honouring a cgroup (container) limit. */
export function availableMemory(): number {
  const limit = process.constrainedMemory?.() ?? 0;
  const ram = totalmem();
  return limit > 0 && limit < ram ? limit : ram;
}

export function defaultMaxBots(machine: MachineFacts): number {
  const pool = machine.localSpeechToText ? (machine.decoders ?? 2) * DECODER_BYTES : 0;
  return Math.min(MAX_BOTS_CEILING, Math.max(1, Math.floor((machine.memoryBytes - PROCESS_RESERVE_BYTES - pool) / BOT_BYTES)));
}

type LimitSettings = Pick<
  Config,
  | "SPEAKING_BOTS_API_KEYS"
  | "MAX_BOTS"
  | "MAX_BOTS_PER_TENANT"
  | "RATE_LIMIT_BOTS_PER_MINUTE"
  | "RATE_LIMIT_PERSONAS_PER_MINUTE"
  | "PERSONA_IMAGES_PER_HOUR"
  | "MAX_PERSONA_IMAGE_FILES"
  | "HTTP_REQUEST_TIMEOUT_MS"
  | "HTTP_HEADERS_TIMEOUT_MS"
  | "HTTP_IDLE_TIMEOUT_MS"
  | "HTTP_KEEP_ALIVE_TIMEOUT_MS"
>;

export function resolveLimits(config: LimitSettings, machine: MachineFacts): ServerLimits {
  const maxBots = config.MAX_BOTS ?? defaultMaxBots(machine);
  const sharedDefault = config.SPEAKING_BOTS_API_KEYS.length > 1 ? Math.ceil(maxBots / 2) : maxBots;
  return {
    maxBots,
    maxBotsPerTenant: Math.min(maxBots, config.MAX_BOTS_PER_TENANT ?? sharedDefault),
    botsPerMinute: config.RATE_LIMIT_BOTS_PER_MINUTE,
    personasPerMinute: config.RATE_LIMIT_PERSONAS_PER_MINUTE,
    personaImagesPerHour: config.PERSONA_IMAGES_PER_HOUR,
    maxPersonaImageFiles: config.MAX_PERSONA_IMAGE_FILES,
    requestTimeoutMs: config.HTTP_REQUEST_TIMEOUT_MS,
    // Node requires the headers deadline to fall within the request deadline.
    headersTimeoutMs: Math.min(config.HTTP_HEADERS_TIMEOUT_MS, config.HTTP_REQUEST_TIMEOUT_MS),
    idleTimeoutMs: config.HTTP_IDLE_TIMEOUT_MS,
    keepAliveTimeoutMs: config.HTTP_KEEP_ALIVE_TIMEOUT_MS,
  };
}

/** The limits under the names of the variables that set them, for the start-up log. */
export function describeLimits(limits: ServerLimits): Record<string, number | string> {
  const perUnit = (value: number) => (value === 0 ? "off" : value);
  return {
    MAX_BOTS: limits.maxBots,
    MAX_BOTS_PER_TENANT: limits.maxBotsPerTenant,
    RATE_LIMIT_BOTS_PER_MINUTE: perUnit(limits.botsPerMinute),
    RATE_LIMIT_PERSONAS_PER_MINUTE: perUnit(limits.personasPerMinute),
    PERSONA_IMAGES_PER_HOUR: perUnit(limits.personaImagesPerHour),
    MAX_PERSONA_IMAGE_FILES: perUnit(limits.maxPersonaImageFiles),
    HTTP_REQUEST_TIMEOUT_MS: limits.requestTimeoutMs,
    HTTP_HEADERS_TIMEOUT_MS: limits.headersTimeoutMs,
    HTTP_IDLE_TIMEOUT_MS: limits.idleTimeoutMs,
    HTTP_KEEP_ALIVE_TIMEOUT_MS: limits.keepAliveTimeoutMs,
  };
}
