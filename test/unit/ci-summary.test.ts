import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { userEnv } from "../support/processes.js";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const summarize = path.join(root, ".ci/summarize.mjs");

/** vitest itself on a folder of test files (globals on, no imports needed), writing its JSON report as .ci/run has it written. */
function vitestReport(dir: string, files: Record<string, string>): string {
  for (const [name, text] of Object.entries(files)) fs.writeFileSync(path.join(dir, name), text);
  const report = path.join(dir, "report.json");
  const vitest = path.join(root, "node_modules/vitest/vitest.mjs");
  spawnSync(process.execPath, [vitest, "run", "--root", dir, "--globals", "--reporter=json", `--outputFile=${report}`], { cwd: root, env: userEnv(), encoding: "utf8", timeout: 120_000 });
  return report;
}

function summary(report: string, checks: string[] = [], env: Record<string, string> = {}) {
  const run = spawnSync(process.execPath, [summarize, report, ...checks], { cwd: root, env: userEnv(env), encoding: "utf8" });
  return { code: run.status, lines: run.stdout.trim().split("\n"), last: run.stdout.trim().split("\n").at(-1) };
}

describe(".ci/summarize.mjs, CI's closing line", { timeout: 120_000 }, () => {
  const dirs: string[] = [];
  const tempDir = () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "warmpath-ci-summary-"));
    dirs.push(dir);
    return dir;
  };
  let broken: string;
  let passing: string;

  beforeAll(() => {
    broken = vitestReport(tempDir(), {
      "ok.test.js": `it("passes", () => expect(1).toBe(1)); it("fails", () => expect(1).toBe(2));`,
      "throws.test.js": `throw new Error("boom at top level");`,
      "import.test.js": `import "./no-such-module.js"; it("never runs", () => {});`,
      "syntax.test.js": `it("never parses", () => {`,
      "hook.test.js": `afterAll(() => { throw new Error("cleanup failed"); }); it("passes before its hook fails", () => {});`,
    });
    passing = vitestReport(tempDir(), { "ok.test.js": `it("passes", () => expect(1).toBe(1)); it.skip("later", () => {});` });
  });
  afterAll(() => {
    for (const dir of dirs) fs.rmSync(dir, { recursive: true, force: true });
  });

  it("counts a test file that fails to load, or fails outside its tests, as failed", () => {
    // What vitest says: only the one failed assertion, although five files failed.
    const raw = JSON.parse(fs.readFileSync(broken, "utf8")) as { numFailedTests: number; numPassedTests: number };
    expect(raw).toMatchObject({ numFailedTests: 1, numPassedTests: 2 });

    const result = summary(broken);
    expect(result.last).toBe("2 passed, 5 failed");
    expect(result.code).toBe(1);
    const named = result.lines.filter((l) => l.startsWith("FAILED: "));
    expect(named).toHaveLength(4);
    expect(named.find((l) => l.includes("throws.test.js"))).toContain("boom at top level");
    expect(named.find((l) => l.includes("import.test.js"))).toContain("no-such-module");
    expect(named.some((l) => l.includes("syntax.test.js"))).toBe(true);
    expect(named.some((l) => l.includes("hook.test.js"))).toBe(true);
  });

  it("passes a clean run, with skipped tests shown", () => {
    const result = summary(passing, [], { VITEST_EXIT: "0" });
    expect(result.lines).toEqual(["1 passed, 0 failed, 1 skipped"]);
    expect(result.code).toBe(0);
  });

  it("counts failed checks (typecheck, lint) and a vitest failure no test owns", () => {
    const checks = summary(passing, ["npm run typecheck", "npm run lint"]);
    expect(checks.lines).toEqual(["FAILED: npm run typecheck", "FAILED: npm run lint", "1 passed, 2 failed, 1 skipped"]);
    expect(checks.code).toBe(1);
    const unowned = summary(passing, [], { VITEST_EXIT: "1" });
    expect(unowned.last).toBe("1 passed, 1 failed, 1 skipped");
    expect(unowned.code).toBe(1);
  });

  it("fails when there is no report (vitest or the build in its global setup died)", () => {
    const result = summary(path.join(tempDir(), "missing.json"));
    expect(result.last).toBe("0 passed, 1 failed");
    expect(result.code).toBe(1);
  });
});
