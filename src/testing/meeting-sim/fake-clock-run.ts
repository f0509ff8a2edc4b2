/**
 * @module testing/meeting-sim/fake-clock-run
 * Plays a simulated meeting on a fake clock: the meeting runs as a promise whose timers only fire
 * when the clock moves, so the clock is moved in small steps until it settles.
 */

/** Moves `advance` on in `stepMs` steps until `run` settles; fails after `maxSteps` steps. */
export async function runOnFakeClock<T>(run: Promise<T>, advance: (ms: number) => Promise<unknown>, what: string, stepMs = 50, maxSteps = 20_000): Promise<T> {
  let outcome: { ok: true; value: T } | { ok: false; error: unknown } | undefined;
  run.then(
    (value) => {
      outcome = { ok: true, value };
    },
    (error: unknown) => {
      outcome = { ok: false, error };
    },
  );
  for (let i = 0; i < maxSteps && !outcome; i++) await advance(stepMs);
  if (!outcome) throw new Error(`${what} did not finish within ${(stepMs * maxSteps) / 1000} s of simulated time`);
  if (!outcome.ok) throw outcome.error;
  return outcome.value;
}
