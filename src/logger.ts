/**
 * @module logger
 * The one pino logger. Secrets are redacted wherever they appear in a log object; transcripts and
 * prompts go only under a `pii` key so a collector can drop them. Credentials and passcodes inside
 * URLs (`user:pass@`, `?token=`, `?pwd=`…) are hidden in every logged string, message and request URL.
 */
import pino, { type Logger, type LoggerOptions } from "pino";
import { redactDeep, redactText } from "./util/redact.js";

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

interface RequestLike {
  method?: string;
  url?: string;
  host?: string;
  ip?: string;
  headers?: Record<string, unknown>;
  socket?: { remotePort?: number };
}

/** Fastify's request fields, with the URL's secrets (room tokens, webhook tokens, passcodes) hidden. */
function requestSerializer(req: RequestLike): Record<string, unknown> {
  return {
    method: req.method,
    url: typeof req.url === "string" ? redactText(req.url) : req.url,
    version: req.headers?.["accept-version"],
    host: req.host,
    remoteAddress: req.ip,
    remotePort: req.socket?.remotePort,
  };
}

function errorSerializer(error: Error): Record<string, unknown> {
  const serialized = pino.stdSerializers.err(error) as unknown as Record<string, unknown>;
  return redactDeep({ ...serialized });
}

export function loggerOptions(level: string): LoggerOptions {
  return {
    level,
    redact: { paths: REDACTED_PATHS, censor: "[redacted]" },
    base: { service: "speaking-bots" },
    serializers: { req: requestSerializer, err: errorSerializer },
    formatters: { log: (object) => redactDeep(object) },
    hooks: {
      logMethod(args, method) {
        // The message string (and printf arguments) may carry a URL too.
        const cleaned = args.map((arg) => (typeof arg === "string" ? redactText(arg) : arg)) as Parameters<typeof method>;
        return method.apply(this, cleaned);
      },
    },
  };
}

export function createLogger(level = "info"): Logger {
  return pino(loggerOptions(level));
}

/** A logger that prints nothing; for tests and library callers that bring no logger. */
export const silentLogger: Logger = pino({ level: "silent" });
