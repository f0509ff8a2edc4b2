/**
 * @module logger
 * The one pino logger. Secrets are redacted wherever they appear in a log object; transcripts and
 * prompts go only under a `pii` key so a collector can drop them.
 */
import pino, { type Logger, type LoggerOptions } from "pino";

export type { Logger } from "pino";

export const REDACTED_PATHS = [
  "apiKey",
  "*.apiKey",
  "*.*.apiKey",
  "headers['x-meeting-baas-api-key']",
  "req.headers['x-meeting-baas-api-key']",
  "req.headers.authorization",
  "headers.authorization",
  "*.authorization",
  "*.headers.authorization",
  "headers['x-api-key']",
  "req.headers['x-api-key']",
  "*.headers['x-api-key']",
  "*.token",
  "*.secret",
];

export function loggerOptions(level: string): LoggerOptions {
  return {
    level,
    redact: { paths: REDACTED_PATHS, censor: "[redacted]" },
    base: { service: "speaking-bots" },
  };
}

export function createLogger(level = "info"): Logger {
  return pino(loggerOptions(level));
}

/** A logger that prints nothing; for tests and library callers that bring no logger. */
export const silentLogger: Logger = pino({ level: "silent" });
