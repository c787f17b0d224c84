import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import type { TestProject } from "vitest/node";
import { openPglite } from "../../src/db/client.js";

declare module "vitest" {
  export interface ProvidedContext {
    pgliteTemplate: string;
  }
}

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");

/**
 * Compiles src/ to dist/ as `npm run build` does, once before any test file runs: the tests that
 * start the bot run `node dist/main.js`, as production does. Type errors don't stop the tests (CI
 * type-checks as a step of its own, and `npm run build` refuses them); a build that emits nothing does.
 */
function build(): void {
  const tsc = path.join(root, "node_modules/typescript/bin/tsc");
  const run = spawnSync(process.execPath, [tsc, "-p", "tsconfig.build.json", "--noEmitOnError", "false"], { cwd: root, encoding: "utf8" });
  const emitted = fs.existsSync(path.join(root, "dist/main.js"));
  if (run.status !== 0 && emitted) process.stderr.write(`warning: src/ has type errors (npm run typecheck); the tests run what tsc emitted:\n${run.stdout}`);
  if (run.error || !emitted || (run.status !== 0 && run.status !== 2)) {
    throw new Error(`npm run build (tsc -p tsconfig.build.json) failed with ${run.status ?? run.signal}; the tests that start dist/main.js cannot run:\n${run.stdout}${run.stderr}${run.error?.message ?? ""}`);
  }
}

/**
 * Builds dist/, then migrates one PGlite and dumps it: each test file starts from the dump (~0.5 s)
 * instead of from scratch.
 */
export default async function setup(project: TestProject) {
  build();
  const database = await openPglite();
  const dump = await database.client.dumpDataDir("none");
  await database.close();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "warmpath-template-"));
  const file = path.join(dir, "pglite-template.tar");
  fs.writeFileSync(file, Buffer.from(await dump.arrayBuffer()));
  project.provide("pgliteTemplate", file);
  return () => fs.rmSync(dir, { recursive: true, force: true });
}
