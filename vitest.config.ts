import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    // Suites with real counterparts of their own (pyspark's parser, an MLflow server, a browser,
    // a load tool, a real warehouse) have npm scripts of their own: test:spark, test:mlflow,
    // test:browser, test:load, test:databricks-live.
    exclude: [
      "**/node_modules/**",
      "**/*.spark.test.ts",
      "**/*.mlflow.test.ts",
      "**/*.live.test.ts",
      "**/*.browser.test.ts",
      "**/*.load.test.ts",
      "**/.venv/**",
    ],
    // Native addons (ONNX Runtime, SQLite) are safest in forked processes, one file each.
    pool: "forks",
    globalSetup: ["test/helpers/example-template.ts"],
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});
