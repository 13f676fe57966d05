import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";

/**
 * The Spark SQL parser suite: npx vitest run --config test/spark/vitest.spark.config.ts
 *
 * Kept apart from the main suite because it needs Java 17+ and a ~520 MB Python virtual
 * environment (test/spark/ensure-venv.sh makes it on first use: ~35 s with an empty pip cache on a
 * 2-core machine). Each test file starts one Spark JVM in beforeAll (~5-7 s).
 */
export default defineConfig({
  test: {
    // The repository root, whatever directory vitest is started from.
    root: fileURLToPath(new URL("../..", import.meta.url)),
    include: ["test/**/*.spark.test.ts"],
    exclude: ["**/node_modules/**", "**/.venv/**"],
    // A child process (Python + JVM) per test file; forks keep them apart and are killed cleanly.
    pool: "forks",
    // Building the virtual environment (first run) plus the JVM start.
    hookTimeout: 600_000,
    testTimeout: 60_000,
  },
});
