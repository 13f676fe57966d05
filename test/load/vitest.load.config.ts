import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";

/**
 * The load suite: npm run test:load. Kept apart from the main suite because it keeps a server
 * busy for several seconds with autocannon on loopback.
 */
export default defineConfig({
  test: {
    root: fileURLToPath(new URL("../..", import.meta.url)),
    include: ["test/**/*.load.test.ts"],
    exclude: ["**/node_modules/**", "**/.venv/**"],
    pool: "forks",
    globalSetup: ["test/helpers/example-template.ts"],
    hookTimeout: 120_000,
    testTimeout: 120_000,
  },
});
