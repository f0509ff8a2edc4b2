/**
 * @module util/retry
 * Calls something that may fail for a passing reason until it works, with a pause between tries.
 * The caller decides which failures are worth another try and how long each pause is (usually
 * `backoffDelay`); the last failure, or the first that is not worth retrying, is thrown as is.
 */
import { sleep as realSleep } from "./backoff.js";

export interface RetryOptions {
  /** Tries in all, the first included. */
  attempts: number;
  /** The pause after try `attempt` failed with `error`, or undefined when it must not be retried. */
  delayMs: (error: unknown, attempt: number) => number | undefined;
  /** Total pause across all tries, at most: a pause that would pass it throws the failure instead. */
  maxWaitMs?: number;
  /** Aborting stops the retries: a pending pause ends and the last failure is thrown. */
  signal?: AbortSignal;
  /** Replaces the real pause (tests with a clock of their own). */
  sleep?: (ms: number, signal: AbortSignal | undefined) => Promise<unknown>;
}

export async function retry<T>(call: (attempt: number) => Promise<T>, options: RetryOptions): Promise<T> {
  const pause = options.sleep ?? ((ms: number, signal: AbortSignal | undefined) => realSleep(ms, { signal }));
  let waited = 0;
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await call(attempt);
    } catch (error) {
      if (attempt >= options.attempts || options.signal?.aborted) throw error;
      const delay = options.delayMs(error, attempt);
      if (delay === undefined || waited + delay > (options.maxWaitMs ?? Number.POSITIVE_INFINITY)) throw error;
      waited += delay;
      await pause(delay, options.signal);
      if (options.signal?.aborted) throw error;
    }
  }
}
