/**
 * `npm run bench -- --quick` must keep working: it runs every benchmark section briefly and writes
 * its JSON. This checks the harness, not the figures. The bound is generous: on a loaded two-core
 * machine the quick run takes about three minutes.
 */
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";

describe("benchmark harness", () => {
  it("runs in quick mode and writes its results", () => {
    const { BASE_URL: _runnerBase, ...env } = process.env;
    const output = execFileSync(process.execPath, ["--expose-gc", "--import", "tsx", "bench/main.ts", "--quick"], { encoding: "utf8", env, timeout: 420_000 });
    expect(output).toMatch(/Headline: overhead p95 [\d.]+ ms/);
    const result = JSON.parse(readFileSync("test-artifacts/bench-quick.json", "utf8")) as { overhead: { overheadMs: { count: number } }; scale: unknown[] };
    expect(result.overhead.overheadMs.count).toBe(2);
    expect(result.scale).toHaveLength(1);
  }, 420_000);
});
