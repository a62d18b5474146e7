// Unit tests: the pure core under plain Node (node:sqlite stands in for DO SQLite).
import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/unit/**/*.test.ts"],
    environment: "node",
    retry: 0,
  },
});
