/**
 * @module util/backoff
 * Pauses that grow after each failure: `initialMs`, then times `factor` per failure, never above
 * `maxMs`, optionally shortened by a random share (`jitter`) so many clients that failed together
 * do not all come back in the same instant. Every wait can be cancelled with an AbortSignal, which
 * clears its timer at once: a stopped owner leaves no timer behind.
 */

export interface BackoffOptions {
  /** The pause after the first failure. */
  initialMs: number;
  /** The longest pause. */
  maxMs: number;
  /** Growth per failure; 2 doubles. */
  factor?: number;
  /** Share of each pause drawn at random, 0 to 1: 0.25 turns 1000 ms into 750 to 1000 ms. */
  jitter?: number;
  random?: () => number;
}

/** The pause after failed attempt `attempt` (1 for the first failure). */
export function backoffDelay(options: BackoffOptions, attempt: number): number {
  const grown = options.initialMs * (options.factor ?? 2) ** Math.max(0, attempt - 1);
  const capped = Math.min(options.maxMs, grown);
  const jitter = Math.min(1, Math.max(0, options.jitter ?? 0));
  if (jitter === 0) return capped;
  return Math.round(capped * (1 - jitter * (options.random ?? Math.random)()));
}

export interface SleepOptions {
  signal?: AbortSignal;
  /** False lets the process exit while the pause runs (a background reconnect). */
  ref?: boolean;
}

/** Waits `ms`: true once the time has passed, false as soon as `signal` aborts (timer cleared). */
export function sleep(ms: number, options: SleepOptions = {}): Promise<boolean> {
  const { signal } = options;
  if (signal?.aborted) return Promise.resolve(false);
  return new Promise((resolve) => {
    const onAbort = () => {
      clearTimeout(timer);
      resolve(false);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve(true);
    }, ms);
    if (options.ref === false) timer.unref();
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}

/** Counts failures for something retried from events (a socket that drops, a session that fails). */
export class Backoff {
  private failures = 0;

  constructor(private readonly options: BackoffOptions) {}

  /** The pause before the next try; each call counts one more failure. */
  next(): number {
    this.failures += 1;
    return backoffDelay(this.options, this.failures);
  }

  /** It worked: the next failure waits the first pause again. */
  reset(): void {
    this.failures = 0;
  }

  /** Failures since the last reset. */
  get attempts(): number {
    return this.failures;
  }

  /** Counts a failure and waits its pause; false when `signal` aborted the wait. */
  wait(options: SleepOptions = {}): Promise<boolean> {
    return sleep(this.next(), options);
  }
}
