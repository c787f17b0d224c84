import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    globalSetup: ["test/support/global-setup.ts"],
    // Each file starts its own PGlite (~0.5 s from the template) and, when available, its own Postgres database.
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // Two cores: more workers only thrash PGlite's memory.
    maxWorkers: 2,
    // The JSON report gives .ci/run the real pass/fail counts.
    reporters: ["default", ["json", { outputFile: "test-results/vitest.json" }]],
  },
});
