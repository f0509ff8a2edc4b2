import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["src/**/*.test.ts", "test/**/*.test.ts"],
    // Upper bounds for end-to-end runs on a loaded machine; a passing test finishes far sooner.
    testTimeout: 120_000,
    hookTimeout: 120_000,
    // Audio tests pace in real time; two workers match the two cores CI has.
    maxWorkers: 2,
  },
});
