import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["src/**/*.test.ts", "test/**/*.test.ts"],
    testTimeout: 30_000,
    hookTimeout: 30_000,
    // Audio tests pace in real time; two workers match the two cores CI has.
    maxWorkers: 2,
  },
});
