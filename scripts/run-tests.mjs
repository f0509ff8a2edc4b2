#!/usr/bin/env node
// Runs vitest and ends with a plain "N passed, N failed" line that any CI log reader understands.
import { spawnSync } from "node:child_process";
import { mkdirSync, readFileSync } from "node:fs";

mkdirSync("test-artifacts", { recursive: true });
const report = "test-artifacts/vitest-report.json";
const run = spawnSync(
  "npx",
  ["vitest", "run", "--reporter=default", "--reporter=json", `--outputFile.json=${report}`, ...process.argv.slice(2)],
  { stdio: "inherit" },
);
let passed = 0;
let failed = 0;
let skipped = 0;
try {
  const result = JSON.parse(readFileSync(report, "utf8"));
  passed = result.numPassedTests;
  // A suite that failed without a failed test (it did not load, or a hook threw) counts as one failure.
  const brokenSuites = (result.testResults ?? []).filter(
    (suite) => suite.status === "failed" && !(suite.assertionResults ?? []).some((test) => test.status === "failed"),
  ).length;
  failed = result.numFailedTests + brokenSuites;
  skipped = result.numPendingTests + result.numTodoTests;
} catch {
  failed = 1;
}
console.log(`${passed} passed, ${failed} failed, ${skipped} skipped`);
process.exit(run.status === 0 && failed === 0 ? 0 : 1);
