import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";

/**
 * The MLflow interop suite: npm run test:mlflow. Kept apart from the main suite because it
 * installs MLflow in a virtual environment (test/mlflow/ensure-venv.sh, first run about a
 * minute) and starts a real tracking server on loopback per test file.
 */
export default defineConfig({
  test: {
    root: fileURLToPath(new URL("../..", import.meta.url)),
    include: ["test/**/*.mlflow.test.ts"],
    exclude: ["**/node_modules/**", "**/.venv/**"],
    pool: "forks",
    hookTimeout: 600_000,
    testTimeout: 60_000,
  },
});
