// End-to-end tests: the real Instant SDK packages in Node against `wrangler dev`
// (workerd + SQLite) on a loopback port started by the global setup.
import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/e2e/**/*.test.ts"],
    environment: "node",
    globalSetup: ["test/e2e/global-setup.ts"],
    retry: 0,
    // Machine-readable results, summed by scripts/test-summary.mjs for CI.
    reporters: ["default", "json"],
    outputFile: { json: ".test-results/e2e.json" },
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // One wrangler dev server is shared; files run one after another to keep the
    // 2-core machines unhurried.
    fileParallelism: false,
  },
});
