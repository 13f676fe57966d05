import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    // Native addons (ONNX Runtime, SQLite) are safest in forked processes, one file each.
    pool: "forks",
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});
