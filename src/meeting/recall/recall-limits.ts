/**
 * @module meeting/recall/recall-limits
 * Recall.ai's published limits and retry rules, kept on our side so a busy server does not earn
 * refusals: at most 60 bot creations and 300 leave calls a minute per API key (a call past that
 * waits for a free slot, or is refused as 429 when the wait would be too long), and retries exactly
 * where Recall says a request was not acted on — 429 after its `Retry-After`, 502/503/504 (load
 * shedding) and 409 with a growing pause, 507 (no ad-hoc bot free) every 30 seconds. A request that
 * failed on the network is not retried: a bot may have been created.
 */
import { ProviderError } from "../../core/errors.js";
import { retry } from "../../util/retry.js";
import { ProviderHttpError } from "../provider-http.js";

export const CREATES_PER_MINUTE = 60;
export const LEAVES_PER_MINUTE = 300;
const WINDOW_MS = 60_000;
const POOL_EMPTY_RETRY_MS = 30_000;
const MAX_RETRY_AFTER_MS = 30_000;

export type Sleep = (ms: number) => Promise<void>;
export const realSleep: Sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** A sliding one-minute window of calls per API key. */
export class CallWindow {
  private readonly calls = new Map<string, number[]>();

  constructor(
    private readonly perMinute: number,
    private readonly what: string,
    private readonly now: () => number = Date.now,
  ) {}

  /** Takes a slot for this key, waiting up to `maxWaitMs` for one to free up. */
  async take(key: string, sleep: Sleep, maxWaitMs: number): Promise<void> {
    for (;;) {
      const now = this.now();
      const recent = (this.calls.get(key) ?? []).filter((at) => now - at < WINDOW_MS);
      if (recent.length < this.perMinute) {
        recent.push(now);
        this.calls.set(key, recent);
        return;
      }
      this.calls.set(key, recent);
      const wait = (recent[0] ?? now) + WINDOW_MS - now;
      if (wait > maxWaitMs) {
        throw new ProviderError("recall", `429 Recall.ai takes at most ${this.perMinute} ${this.what} a minute per API key; try again in ${Math.ceil(wait / 1000)} s`, { statusCode: 429 });
      }
      await sleep(Math.max(1, wait));
    }
  }
}

/** How long to wait before trying this failure again, or undefined when it must not be retried. */
export function retryDelayMs(error: unknown, attempt: number): number | undefined {
  if (!(error instanceof ProviderHttpError)) return undefined;
  switch (error.status) {
    case 429:
      return Math.min(MAX_RETRY_AFTER_MS, (error.retryAfterSeconds ?? 1) * 1000);
    case 409:
    case 502:
    case 503:
    case 504:
      return 1000 * 2 ** (attempt - 1);
    case 507:
      return POOL_EMPTY_RETRY_MS;
    default:
      return undefined;
  }
}

export interface RetryBudget {
  /** Attempts in all, the first included. */
  attempts: number;
  /** Total time spent waiting between attempts, at most. */
  maxWaitMs: number;
  sleep: Sleep;
}

export function withRetries<T>(call: () => Promise<T>, budget: RetryBudget): Promise<T> {
  return retry(call, { attempts: budget.attempts, delayMs: retryDelayMs, maxWaitMs: budget.maxWaitMs, sleep: budget.sleep });
}
