// Workers-pool tests: the real Worker and Durable Object inside workerd (routing,
// DO SQLite, hibernation via evictDurableObject).
import { cloudflareTest } from "@cloudflare/vitest-pool-workers";
import { defineConfig } from "vitest/config";

export default defineConfig({
  plugins: [
    cloudflareTest({
      wrangler: { configPath: "./wrangler.toml" },
      // Operator routes (durable apps, restore) are off without a secret; tests set one.
      miniflare: { bindings: { OPERATOR_SECRET: "workers-pool-operator-secret" } },
    }),
  ],
  test: {
    include: ["test/worker/**/*.test.ts"],
    retry: 0,
    // Machine-readable results, summed by scripts/test-summary.mjs for CI.
    reporters: ["default", "json"],
    outputFile: { json: ".test-results/worker.json" },
  },
});
