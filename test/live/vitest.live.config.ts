import { defineConfig } from "vitest/config";

// The test against a real Databricks SQL warehouse: run by test/live/run-if-configured.mjs only
// when DATABRICKS_HOST, DATABRICKS_HTTP_PATH and DATABRICKS_TOKEN are set.
export default defineConfig({
  test: {
    include: ["test/live/**/*.live.test.ts"],
    pool: "forks",
    testTimeout: 300_000,
    hookTimeout: 300_000,
  },
});
