/**
 * @module server/limits/rate-limits
 * Request-rate limits built on @fastify/rate-limit: counted per tenant when the request carried a
 * key, else per connecting address (the socket's, not a forwarded header a caller could vary).
 * A request over the limit gets 429, a `Retry-After` header and our `{code, message}` body naming
 * the setting that limits it.
 */
import fastifyRateLimit, { normalizeIP } from "@fastify/rate-limit";
import type { FastifyInstance, FastifyReply, FastifyRequest, onRequestAsyncHookHandler } from "fastify";
import { callerOf } from "../auth/caller.js";

export interface RateLimitRule {
  /** The variable that sets it, shown in the refusal. */
  setting: string;
  /** Requests allowed per window; 0 turns the rule off. */
  max: number;
  windowMs: number;
  /** What is limited, for the message: "bot launches", "persona requests", … */
  what: string;
}

/** Registers the plugin without any global limit; rules are attached route by route. */
export async function registerRateLimiting(app: FastifyInstance): Promise<void> {
  await app.register(fastifyRateLimit, { global: false });
}

export function rateLimitKey(request: FastifyRequest): string {
  const tenant = callerOf(request).tenant;
  return tenant ? `tenant:${tenant}` : `address:${normalizeIP(request.socket.remoteAddress ?? "unknown")}`;
}

/**
 * An onRequest hook enforcing `rule`. One hook is one counter: share it between routes that
 * should draw on the same allowance. Needs `registerRateLimiting` on an ancestor.
 */
export function rateLimitHook(app: FastifyInstance, rule: RateLimitRule): onRequestAsyncHookHandler {
  // A limit of 0 is no limit: the hook lets every request through.
  if (rule.max === 0) return async () => undefined;
  const check = app.createRateLimit({ max: rule.max, timeWindow: rule.windowMs, keyGenerator: rateLimitKey });
  const window = rule.windowMs >= 3_600_000 ? `${rule.windowMs / 3_600_000} h` : `${Math.round(rule.windowMs / 1000)} s`;
  return async (request: FastifyRequest, reply: FastifyReply) => {
    const result = await check(request);
    if (result.isAllowed || !result.isExceeded) return;
    const retryAfter = Math.max(1, result.ttlInSeconds);
    request.log.info({ limit: rule.setting, key: result.key }, "request refused: rate limit");
    return reply
      .status(429)
      .header("retry-after", String(retryAfter))
      .send({
        code: "RATE_LIMITED",
        message: `Too many ${rule.what}: at most ${rule.max} per ${window} (${rule.setting}); retry in ${retryAfter} s`,
        limit: rule.setting,
        max: rule.max,
      });
  };
}
