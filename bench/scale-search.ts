/**
 * @module bench/scale-search
 * The largest bot count that holds strict real time: the series of steps first, then halving the
 * gap between the last count that held (with every smaller step holding too) and the first that did
 * not, until the gap is below `resolution`. A step that holds after one that failed does not count:
 * one lucky run above a failure is noise, not capacity.
 */

export interface ScaleSearch<Step> {
  steps: Step[];
  /** Largest count that held, with every smaller measured count holding too; 0 if none. */
  largest: number;
}

export async function searchLargestRealTime<Step extends { bots: number; realTime: boolean }>(
  series: readonly number[],
  resolution: number,
  run: (bots: number) => Promise<Step> | Step,
): Promise<ScaleSearch<Step>> {
  const steps: Step[] = [];
  let held = 0;
  let failed: number | null = null;
  for (const bots of [...series].sort((a, b) => a - b)) {
    const step = await run(bots);
    steps.push(step);
    if (failed !== null) continue;
    if (step.realTime) held = bots;
    else failed = bots;
  }
  while (failed !== null && failed - held > resolution) {
    const bots = Math.floor((held + failed) / 2);
    const step = await run(bots);
    steps.push(step);
    if (step.realTime) held = bots;
    else failed = bots;
  }
  return { steps, largest: held };
}
