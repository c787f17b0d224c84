// Prints CI's closing "N passed, N failed" line from vitest's JSON report, and exits 1 when anything
// failed. Usage: node .ci/summarize.mjs <vitest JSON report> [name of a failed check]...
//
// A test file that fails outside its tests (a syntax or import error, a throw at top level, a failing
// beforeAll/afterAll) has no failed test in the report: numFailedTests stays 0 while the run failed.
// Each such file counts as one failure here, as does each failed check (typecheck, lint).
import fs from "node:fs";
import path from "node:path";

const [reportPath, ...failedChecks] = process.argv.slice(2);
for (const check of failedChecks) console.log(`FAILED: ${check}`);

let report;
try {
  report = JSON.parse(fs.readFileSync(reportPath, "utf8"));
} catch (error) {
  console.log(`FAILED: no test report at ${reportPath} (${error.message}); the tests did not run to the end`);
  finish(0, 1 + failedChecks.length, 0);
}

const files = Array.isArray(report.testResults) ? report.testResults : [];
const brokenFiles = files.filter((file) => file.status === "failed" && !(file.assertionResults ?? []).some((test) => test.status === "failed"));
for (const file of brokenFiles) {
  const reason = String(file.message ?? "").split("\n")[0] || "failed outside its tests";
  console.log(`FAILED: ${path.relative(process.cwd(), file.name)} (the file, not one of its tests): ${reason}`);
}
let failed = (report.numFailedTests ?? 0) + brokenFiles.length + failedChecks.length;
if ((report.numTotalTests ?? 0) === 0 && brokenFiles.length === 0) {
  console.log("FAILED: no tests ran");
  failed += 1;
}
// vitest also fails a run for errors no test owns (an unhandled rejection between tests).
const exit = Number(process.env.VITEST_EXIT ?? 0);
if (exit !== 0 && failed === failedChecks.length) {
  console.log(`FAILED: vitest exited with status ${exit} with no failed test in its report (see "Unhandled Errors" above)`);
  failed += 1;
}
finish(report.numPassedTests ?? 0, failed, (report.numPendingTests ?? 0) + (report.numTodoTests ?? 0));

function finish(passed, failedCount, skipped) {
  console.log(`${passed} passed, ${failedCount} failed` + (skipped ? `, ${skipped} skipped` : ""));
  process.exit(failedCount > 0 ? 1 : 0);
}
