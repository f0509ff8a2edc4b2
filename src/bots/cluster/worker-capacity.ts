/**
 * @module bots/cluster/worker-capacity
 * Whether this worker takes one more bot: under its configured capacity (bots running plus launches
 * in progress), with an event loop that keeps up, and not draining. A worker past any of these
 * refuses the job, which another worker then takes; it never accepts a bot it would run badly.
 */
import { type IntervalHistogram, monitorEventLoopDelay } from "node:perf_hooks";

export type Admission = { ok: true } | { ok: false; reason: string };

export interface CapacityOptions {
  capacity: number;
  /** Average event-loop delay above which the worker counts as overloaded. */
  maxLoopDelayMs: number;
  /** Bots running now (launches in progress are counted here). */
  running: () => number;
  /** Average event-loop delay over the last window; tests hand in their own. */
  loopDelayMs?: () => number;
}

export class WorkerCapacity {
  private launching = 0;
  private draining = false;
  private readonly histogram: IntervalHistogram | undefined;
  private readonly loopDelayMs: () => number;

  constructor(private readonly options: CapacityOptions) {
    if (options.loopDelayMs) {
      this.loopDelayMs = options.loopDelayMs;
    } else {
      const histogram = monitorEventLoopDelay({ resolution: 20 });
      histogram.enable();
      this.histogram = histogram;
      this.loopDelayMs = () => histogram.mean / 1e6;
    }
  }

  get active(): number {
    return this.options.running() + this.launching;
  }

  get capacity(): number {
    return this.options.capacity;
  }

  /** Checks without reserving (for the published load and for resuming after a refusal). */
  check(): Admission {
    if (this.draining) return { ok: false, reason: "draining" };
    if (this.active >= this.options.capacity) return { ok: false, reason: `at capacity (${this.options.capacity} bots)` };
    const delay = this.loopDelayMs();
    if (delay > this.options.maxLoopDelayMs) return { ok: false, reason: `overloaded (event loop ${Math.round(delay)} ms behind)` };
    return { ok: true };
  }

  /** Reserves a launch slot when admitted; the returned function releases it exactly once. */
  admit(): { ok: true; release: () => void } | { ok: false; reason: string } {
    const admission = this.check();
    if (!admission.ok) return admission;
    this.launching += 1;
    let released = false;
    return {
      ok: true,
      release: () => {
        if (released) return;
        released = true;
        this.launching -= 1;
      },
    };
  }

  /** Starts a new measuring window (called on each heartbeat, so the average is recent). */
  resetWindow(): void {
    this.histogram?.reset();
  }

  drain(): void {
    this.draining = true;
  }

  stop(): void {
    this.histogram?.disable();
  }
}
