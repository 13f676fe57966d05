import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";

/**
 * The browser suite: npm run test:browser. Kept apart from the main suite because it installs
 * Debian's Chromium (scripts/install-chromium.sh) and drives it with playwright-core against
 * `modelsql serve` on loopback.
 */
export default defineConfig({
  test: {
    root: fileURLToPath(new URL("../..", import.meta.url)),
    include: ["test/**/*.browser.test.ts"],
    exclude: ["**/node_modules/**", "**/.venv/**"],
    pool: "forks",
    globalSetup: ["test/helpers/example-template.ts"],
    hookTimeout: 120_000,
    testTimeout: 120_000,
  },
});
