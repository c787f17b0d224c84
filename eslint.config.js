// ESLint 9 flat config: typescript-eslint's type-aware recommended rules (recommendedTypeChecked) on
// every TypeScript file, type information from tsconfig.json through the project service.
import js from "@eslint/js";
import { defineConfig } from "eslint/config";
import globals from "globals";
import tseslint from "typescript-eslint";

export default defineConfig(
  { ignores: ["dist/", "node_modules/", "data/", "drizzle/", "test-results/", "scratch/"] },
  js.configs.recommended,
  tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    linterOptions: { reportUnusedDisableDirectives: "error" },
    rules: {
      // A promise nobody awaits or catches is an unhandled rejection or a lost error: intentional
      // fire-and-forget says so with `void` and handles its own errors. (Both are in the preset;
      // named here because CI depends on them.)
      "@typescript-eslint/no-floating-promises": "error",
      "@typescript-eslint/no-misused-promises": "error",
      // Ports, commands and test fakes implement async interfaces; an implementation that happens
      // not to await stays async so that a throw in it is a rejection, as callers expect.
      "@typescript-eslint/require-await": "off",
      // Discord's numeric enums are its wire protocol's numbers: the adapter compares them with
      // numbers read from Discord's JSON on purpose.
      "@typescript-eslint/no-unsafe-enum-comparison": "off",
      // `_name` marks a binding kept on purpose (a parameter a signature needs, a key dropped from a rest).
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_", caughtErrors: "none", ignoreRestSiblings: true }],
      // `let x; ... () => x ...; x = ...`: a closure created before the value it reads exists.
      "prefer-const": ["error", { ignoreReadBeforeAssign: true }],
    },
  },
  {
    files: ["test/**/*.ts"],
    rules: {
      // vitest's asymmetric matchers (expect.any, expect.stringMatching, expect.objectContaining) are
      // typed `any` by design, and every expectation that nests one would be reported.
      "@typescript-eslint/no-unsafe-assignment": "off",
    },
  },
  {
    // Plain JavaScript (this file, .ci's scripts) runs on Node and is outside tsconfig.json: no type
    // information to lint with.
    files: ["**/*.{js,mjs,cjs}"],
    extends: [tseslint.configs.disableTypeChecked],
    languageOptions: { globals: globals.node },
  },
);
