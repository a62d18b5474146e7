// Reliability soak: 200 raw protocol sessions against `wrangler dev` on loopback, with
// reconnects and dev server restarts (test/soak/). `npm run soak` runs 10 minutes;
// SOAK_QUICK=1 runs 60 s, as `npm test` does.
import { defineConfig } from "vitest/config";
import { soakParams, soakTimeoutMs } from "./test/soak/params.js";
import { SoakSummaryReporter } from "./test/soak/summary-reporter.js";

const params = soakParams();

export default defineConfig({
  test: {
    include: ["test/soak/**/*.test.ts"],
    environment: "node",
    retry: 0,
    // Machine-readable results, summed by scripts/test-summary.mjs for CI: the soak
    // reporter is vitest's JSON reporter that then prints the run's figures and, last,
    // `soak: N passed, M failed`.
    reporters: ["default", new SoakSummaryReporter({ outputFile: ".test-results/soak.json" })],
    testTimeout: 60_000,
    hookTimeout: soakTimeoutMs(params),
    fileParallelism: false,
  },
});
