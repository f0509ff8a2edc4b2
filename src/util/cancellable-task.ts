/**
 * @module util/cancellable-task
 * Long-running work started in the background (a heartbeat, a polling loop) with one owner. The work
 * gets an AbortSignal; `cancel()` aborts it and resolves once the work has really ended, however
 * often it is called. A failure goes to the `onError` given at the start, exactly once; an abort
 * error thrown because of `cancel()` is the expected way out, not a failure.
 */
import { asError } from "./guarded-call.js";
import { sleep } from "./backoff.js";

export class CancellableTask {
  private readonly controller = new AbortController();
  private finished = false;
  /** Settles when the work has ended; never rejects. */
  readonly done: Promise<void>;

  private constructor(run: (signal: AbortSignal) => Promise<void>, onError: (error: Error) => void) {
    const { signal } = this.controller;
    this.done = Promise.resolve()
      .then(() => run(signal))
      .then(
        () => undefined,
        (error: unknown) => {
          if (signal.aborted && isAbortError(error)) return;
          onError(asError(error));
        },
      )
      .finally(() => {
        this.finished = true;
      });
  }

  /** Starts `run` on the next tick; its failure is handed to `onError`. */
  static start(run: (signal: AbortSignal) => Promise<void>, onError: (error: Error) => void): CancellableTask {
    return new CancellableTask(run, onError);
  }

  /**
   * Runs `work` every `intervalMs` (measured from the end of the previous run, so runs never
   * overlap) until cancelled. The pause does not keep the process alive. A run that throws ends
   * the loop and goes to `onError`: work that must go on handles its own failures.
   */
  static every(intervalMs: number, work: (signal: AbortSignal) => Promise<void>, onError: (error: Error) => void): CancellableTask {
    return new CancellableTask(async (signal) => {
      while (await sleep(intervalMs, { signal, ref: false })) await work(signal);
    }, onError);
  }

  /** True until the work has ended. */
  get running(): boolean {
    return !this.finished;
  }

  get signal(): AbortSignal {
    return this.controller.signal;
  }

  /** Aborts the work and resolves once it has ended. */
  cancel(): Promise<void> {
    this.controller.abort();
    return this.done;
  }
}

function isAbortError(error: unknown): boolean {
  return error instanceof Error && (error.name === "AbortError" || error.name === "TimeoutError");
}
