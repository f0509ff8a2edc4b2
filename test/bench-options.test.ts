/** The bench command line and the search for the largest real-time bot count. */
import { describe, expect, it } from "vitest";
import { SECTIONS, parseBenchOptions } from "../bench/options.js";
import { searchLargestRealTime } from "../bench/scale-search.js";

describe("bench options", () => {
  it("runs every section by default", () => {
    expect(parseBenchOptions([])).toEqual({ quick: false, only: new Set(SECTIONS), bots: null });
  });

  it("runs one scale step with --only scale --bots N, in either spelling", () => {
    expect(parseBenchOptions(["--only", "scale", "--bots", "40"])).toEqual({ quick: false, only: new Set(["scale"]), bots: 40 });
    expect(parseBenchOptions(["--only=scale,overhead", "--bots=7", "--quick"]).bots).toBe(7);
  });

  it("refuses wrong input with a message naming it", () => {
    expect(() => parseBenchOptions(["--only", "scal"])).toThrow(/scal/);
    expect(() => parseBenchOptions(["--only", "scale", "--bots", "0"])).toThrow(/--bots/);
    expect(() => parseBenchOptions(["--only", "scale", "--bots", "2.5"])).toThrow(/--bots/);
    expect(() => parseBenchOptions(["--only", "scale", "--bots"])).toThrow(/needs a value/);
    expect(() => parseBenchOptions(["--bots", "5"])).toThrow(/--only scale/);
    expect(() => parseBenchOptions(["--fast"])).toThrow(/--fast/);
  });
});

describe("largest bot count in real time", () => {
  const capacity = (limit: number) => (bots: number) => ({ bots, realTime: bots <= limit });

  it("narrows the gap between the last step that held and the first that failed", async () => {
    const ran: number[] = [];
    const search = await searchLargestRealTime([10, 25, 50], 5, (bots) => {
      ran.push(bots);
      return capacity(19)(bots);
    });
    expect(ran).toEqual([10, 25, 50, 17, 21]);
    expect(search.largest).toBe(17);
  });

  it("does not count a step that held above one that failed", async () => {
    const flaky = (bots: number) => ({ bots, realTime: bots !== 25 });
    const search = await searchLargestRealTime([10, 25, 50], Number.POSITIVE_INFINITY, flaky);
    expect(search.largest).toBe(10);
    expect(search.steps.map((s) => s.bots)).toEqual([10, 25, 50]);
  });

  it("reports 0 when even the smallest step fails, and the top when all hold", async () => {
    expect((await searchLargestRealTime([10, 25], 5, capacity(3))).largest).toBe(0);
    expect((await searchLargestRealTime([10, 25], 5, capacity(500))).largest).toBe(25);
  });
});
