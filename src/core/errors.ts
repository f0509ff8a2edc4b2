/**
 * @module core/errors
 * One error family for the whole server. Every error carries a stable code, the HTTP status it maps
 * to, a message a person can act on, and whether retrying may help.
 */

export const ERROR_CODES = {
  VALIDATION_FAILED: 400,
  MEETING_URL_UNSUPPORTED: 400,
  API_KEY_MISSING: 401,
  AUTH_REQUIRED: 401,
  AUTH_INVALID: 401,
  WEBHOOK_UNVERIFIED: 401,
  BOT_NOT_FOUND: 404,
  PERSONA_NOT_FOUND: 404,
  PERSONA_INVALID: 422,
  PERSONA_EXISTS: 409,
  RATE_LIMITED: 429,
  TENANT_BOT_LIMIT: 429,
  SERVER_FULL: 503,
  IMAGE_STORE_FULL: 507,
  ROOM_ACCESS_DENIED: 403,
  ROOM_FULL: 409,
  ROOMS_EXHAUSTED: 503,
  PROVIDER_REJECTED: 502,
  PROVIDER_UNREACHABLE: 502,
  PROVIDER_NOT_CONFIGURED: 503,
  PROMPT_DATA_UNAVAILABLE: 502,
  MCP_UNAVAILABLE: 502,
  SHUTTING_DOWN: 503,
  NO_WORKER_AVAILABLE: 503,
  NOT_AN_API_NODE: 421,
  INTERNAL: 500,
} as const;

export type ErrorCode = keyof typeof ERROR_CODES;

export interface AppErrorOptions {
  status?: number;
  retryable?: boolean;
  cause?: unknown;
  details?: Record<string, unknown>;
}

/** An error that knows how to present itself over HTTP as `{code, message}`. */
export class AppError extends Error {
  readonly code: ErrorCode;
  readonly status: number;
  readonly retryable: boolean;
  readonly details: Record<string, unknown> | undefined;

  constructor(code: ErrorCode, message: string, options: AppErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = "AppError";
    this.code = code;
    this.status = options.status ?? ERROR_CODES[code];
    this.retryable = options.retryable ?? false;
    this.details = options.details;
  }

  toJSON(): { code: ErrorCode; message: string } & Record<string, unknown> {
    return { code: this.code, message: this.message, ...(this.details ?? {}) };
  }
}

/**
 * A failure reported by an outside service (meeting provider, STT, LLM, TTS). Adapters create it;
 * `retryable` says whether the same request may work later. The provider calls that are retried
 * (leave calls, Recall's rules) follow it; the voice pipeline does not: it reopens a failed
 * speech-to-text session after a pause and abandons a failed LLM answer or sentence either way.
 */
export class ProviderError extends Error {
  readonly provider: string;
  readonly statusCode: number | undefined;
  readonly retryable: boolean;

  constructor(provider: string, message: string, options: { statusCode?: number; retryable?: boolean; cause?: unknown } = {}) {
    super(`${provider}: ${message}`, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = "ProviderError";
    this.provider = provider;
    this.statusCode = options.statusCode;
    this.retryable = options.retryable ?? (options.statusCode === undefined || options.statusCode === 429 || options.statusCode >= 500);
  }
}

/** Turns anything thrown into a message safe to log or show. */
export function errorMessage(error: unknown): string {
  if (error instanceof Error) return error.message;
  return String(error);
}
