// Unit tests: the pure core under plain Node (node:sqlite stands in for DO SQLite).
import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/unit/**/*.test.ts"],
    environment: "node",
    retry: 0,
    // The randomized differential and invalidation tests run hundreds of cases in one
    // test; on a loaded 2-core machine that can pass vitest's 5 s default.
    testTimeout: 60_000,
    // Machine-readable results, summed by scripts/test-summary.mjs for CI.
    reporters: ["default", "json"],
    outputFile: { json: ".test-results/unit.json" },
  },
});
