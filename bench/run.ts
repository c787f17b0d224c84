/**
 * npm run bench: the figures of issue 10, each the min / median / max of BENCH_RUNS runs (3), on
 * PGlite and, when BENCH_DATABASE_URL (or TEST_DATABASE_URL) is set, on Postgres:
 *
 *  matches  the weekly matches job (read, rank, record, queue the DMs; one transaction) at 1k, 10k
 *           and 100k members (10 ties and 3 targets each, companies = members / 5): time and the
 *           process's peak RSS per size, each run in a child process of its own (bench/jobs-child.ts),
 *           so a crash is reported as "crashed: <reason>" for that size and the bench goes on;
 *  digest   the weekly digest job at 10k members;
 *  outbox   delivery against a fake Slack allowing 20 posts/s (429 + Retry-After beyond), paced to
 *           that rate and not, with nothing lost or doubled (bench/outbox.ts);
 *  slack    `node dist/main.js` in Slack HTTP mode: start to /healthz 200, idle RSS, and `goal list`
 *           time-to-answer next to a bare Bolt app, concurrency 10 (bench/slack-app.ts; builds first).
 *
 * Choose with env vars or flags: BENCH_SIZES=1000,10000 (--sizes=), BENCH_RUNS=1 (--runs=),
 * BENCH_PARTS=matches,digest,outbox,slack (--parts=), BENCH_DRIVERS=pglite,postgres (--drivers=).
 * More knobs: BENCH_OUTBOX_MEMBERS (400), BENCH_REQUESTS (1000 per app per run), BENCH_IDLE_SECONDS
 * (5), BENCH_CHILD_TIMEOUT_S (1200), BENCH_NO_BUILD=1 (use dist/ as it is).
 */
import { execFileSync } from "node:child_process";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { performance } from "node:perf_hooks";
import { openPostgres } from "../src/db/client.js";
import { RESULT_MARK, type ChildResult, type JobOutcome } from "./lib/child.js";
import { createScratchDatabase, driverName, postgresBaseUrl, postgresVersion, type Driver } from "./lib/databases.js";
import { crashReason, runToEnd } from "./lib/processes.js";
import { seedClub } from "./lib/seed.js";
import { megabytes, median, percent, ratio, seconds, spread, table, thousands } from "./lib/stats.js";
import { benchOutbox, type OutboxRun } from "./outbox.js";
import { benchSlackAppRun, type SlackAppRun } from "./slack-app.js";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");

function setting(name: string, flag: string): string | undefined {
  const prefix = `--${flag}=`;
  const arg = process.argv.slice(2).find((a) => a.startsWith(prefix));
  return arg ? arg.slice(prefix.length) : process.env[name] || undefined;
}
const list = (value: string | undefined, fallback: string[]) => (value ? value.split(",").map((v) => v.trim()).filter(Boolean) : fallback);
const number = (name: string, fallback: number) => (process.env[name] ? Number(process.env[name]) : fallback);

const ALL_PARTS = ["matches", "digest", "outbox", "slack"];
const sizes = list(setting("BENCH_SIZES", "sizes"), ["1000", "10000", "100000"]).map((s) => Number(s.replace(/k$/i, "000")));
const runs = Number(setting("BENCH_RUNS", "runs") ?? 3);
const parts = new Set(list(setting("BENCH_PARTS", "parts"), ALL_PARTS));
const baseUrl = postgresBaseUrl();
const drivers = list(setting("BENCH_DRIVERS", "drivers"), baseUrl ? ["pglite", "postgres"] : ["pglite"]) as Driver[];
const DIGEST_SIZE = 10_000;
const childTimeoutMs = number("BENCH_CHILD_TIMEOUT_S", 1200) * 1000;
const outboxMembers = number("BENCH_OUTBOX_MEMBERS", 400);
const requests = number("BENCH_REQUESTS", 1000);
const idleSeconds = number("BENCH_IDLE_SECONDS", 5);
const PER_SECOND = 20;

for (const part of parts) if (!ALL_PARTS.includes(part)) throw new Error(`unknown bench part ${part}: choose from ${ALL_PARTS.join(", ")}`);
if (sizes.some((s) => !Number.isInteger(s) || s < 10)) throw new Error(`BENCH_SIZES: whole numbers of members, at least 10 (got ${sizes.join(", ")})`);
if (drivers.includes("postgres") && !baseUrl) throw new Error("the postgres driver needs BENCH_DATABASE_URL or TEST_DATABASE_URL");

const log = (line: string) => console.log(line);
const names: Record<Driver, string> = { pglite: "PGlite", postgres: "Postgres" };
const began = performance.now();
const loadAtStart = os.loadavg();

// --- 1 and 2: the matches job per size, and the digest at 10k, each run in a child process ---

interface SizeRuns {
  driver: Driver;
  size: number;
  results: Array<ChildResult | { crashed: string; peakRssMb?: number }>;
  seedMs?: number;
  /** Runs not made after a crash. */
  skipped?: number;
}

async function runChild(driver: Driver, size: number, jobs: string[], databaseUrl?: string): Promise<ChildResult | { crashed: string; peakRssMb?: number }> {
  const finished = await runToEnd(process.execPath, ["--import", "tsx", "bench/jobs-child.ts"], {
    cwd: root,
    timeoutMs: childTimeoutMs,
    env: { ...process.env, BENCH_CHILD_DRIVER: driver, BENCH_CHILD_SIZE: String(size), BENCH_CHILD_JOBS: jobs.join(","), ...(databaseUrl ? { BENCH_CHILD_DATABASE_URL: databaseUrl } : {}) },
  });
  const line = finished.stdout.split("\n").find((l) => l.startsWith(RESULT_MARK));
  if (line) return JSON.parse(line.slice(RESULT_MARK.length)) as ChildResult;
  return { crashed: crashReason(finished, childTimeoutMs), ...(finished.peakRssMb !== undefined ? { peakRssMb: finished.peakRssMb } : {}) };
}

function describeRun(result: SizeRuns["results"][number], jobs: string[]): string {
  if ("crashed" in result) return `crashed: ${result.crashed}`;
  const job = (name: string, outcome: JobOutcome | undefined) =>
    outcome === undefined ? [] : outcome.error ? [`${name} crashed: ${outcome.error}`] : [`${name} ${seconds(outcome.ms!)}${name === "matches" ? ` (${thousands(outcome.queued ?? 0)} DMs queued${outcome.writeOut ? `, written out in ${seconds(outcome.writeOut.ms)}` : ""})` : ""}`];
  return [...(jobs.includes("matches") ? job("matches", result.matches) : []), ...(jobs.includes("digest") ? job("digest", result.digest) : []), `peak RSS ${megabytes(result.peakRssMb)}`].join(", ");
}

async function benchJobs(driver: Driver, size: number, jobs: string[]): Promise<SizeRuns> {
  log(`  ${thousands(size)} members on ${names[driver]} (${jobs.join(" + ")}):`);
  const entry: SizeRuns = { driver, size, results: [] };
  // On Postgres the club is seeded once into a template; each run gets a copy of it.
  const template = driver === "postgres" ? await createScratchDatabase(baseUrl!) : undefined;
  try {
    if (template) {
      const start = performance.now();
      const seeding = await openPostgres(template.url, { timeouts: { statementMs: 0 } });
      try {
        await seedClub(seeding, size);
      } finally {
        await seeding.close();
      }
      entry.seedMs = performance.now() - start;
      log(`    seeded in ${seconds(entry.seedMs)}`);
    }
    for (let run = 1; run <= runs; run++) {
      const copy = template ? await createScratchDatabase(baseUrl!, template.name) : undefined;
      try {
        const result = await runChild(driver, size, jobs, copy?.url);
        entry.results.push(result);
        const seeded = "crashed" in result ? "" : driver === "pglite" ? `seeded ${thousands(result.seeded.ties)} ties in ${seconds(result.seeded.ms)}; ` : "";
        log(`    run ${run}: ${seeded}${describeRun(result, jobs)}`);
      } finally {
        await copy?.drop();
      }
      // A size that crashed has its answer: the other runs would only crash again, minutes each.
      if (outcomes(entry, "matches").crashes.length || outcomes(entry, "digest").crashes.length) {
        entry.skipped = runs - run;
        if (entry.skipped) log(`    (crashed: the other ${entry.skipped} run${entry.skipped === 1 ? "" : "s"} of this size skipped)`);
        break;
      }
    }
  } finally {
    await template?.drop();
  }
  return entry;
}

/** Times of the runs that finished, and the reasons of those that did not. */
function outcomes(entry: SizeRuns, job: "matches" | "digest"): { ms: number[]; queued: number[]; crashes: string[] } {
  const ms: number[] = [];
  const queued: number[] = [];
  const crashes: string[] = [];
  for (const result of entry.results) {
    if ("crashed" in result) crashes.push(result.crashed);
    else if (result[job]?.error) crashes.push(result[job].error);
    else if (result[job]?.ms !== undefined) {
      ms.push(result[job].ms);
      queued.push(result[job].queued ?? 0);
    }
  }
  return { ms, queued, crashes };
}

function crashNote(crashes: string[], entry: SizeRuns): string {
  if (crashes.length === 0) return "";
  const reasons = [...new Set(crashes)].join("; ");
  const skipped = entry.skipped ? `, ${entry.skipped} more skipped` : "";
  return crashes.length === entry.results.length ? `crashed: ${reasons}` : ` (${crashes.length} of ${entry.results.length} runs crashed${skipped}: ${reasons})`;
}

const matchesRuns: SizeRuns[] = [];
const digestRuns: SizeRuns[] = [];
if (parts.has("matches") || parts.has("digest")) {
  log("\n## The weekly matches job per size, and the digest at 10k members (a process per run)");
  for (const driver of drivers) {
    const plan = parts.has("matches") ? [...sizes] : [];
    if (parts.has("digest") && !plan.includes(DIGEST_SIZE)) plan.push(DIGEST_SIZE);
    for (const size of plan.sort((a, b) => a - b)) {
      const jobs = [...(parts.has("matches") && sizes.includes(size) ? ["matches"] : []), ...(parts.has("digest") && size === DIGEST_SIZE ? ["digest"] : [])];
      const entry = await benchJobs(driver, size, jobs);
      if (jobs.includes("matches")) matchesRuns.push(entry);
      if (jobs.includes("digest")) digestRuns.push(entry);
    }
  }
}

// --- 3: the outbox against a rate-limited fake Slack ---

const outboxRuns = new Map<Driver, OutboxRun[]>();
if (parts.has("outbox")) {
  log(`\n## Outbox delivery to a fake Slack allowing ${PER_SECOND} posts/s (a weekly matches run over ${outboxMembers} members)`);
  for (const driver of drivers) {
    log(`  ${names[driver]}:`);
    outboxRuns.set(driver, await benchOutbox({ driver, ...(baseUrl ? { postgresBaseUrl: baseUrl } : {}), members: outboxMembers, perSecond: PER_SECOND, runs, log }));
  }
}

// --- 4 and 5: node dist/main.js in Slack HTTP mode ---

const slackRuns = new Map<Driver, SlackAppRun[]>();
let buildProblem: string | undefined;
if (parts.has("slack")) {
  log("\n## node dist/main.js in Slack HTTP mode: start, idle memory, goal list next to a bare Bolt app");
  if (!process.env.BENCH_NO_BUILD) {
    try {
      const start = performance.now();
      execFileSync("npm", ["run", "--silent", "build"], { cwd: root, stdio: ["ignore", "pipe", "pipe"] });
      log(`  npm run build: ${seconds(performance.now() - start)}`);
    } catch (error) {
      const out = `${(error as { stdout?: Buffer }).stdout?.toString() ?? ""}${(error as { stderr?: Buffer }).stderr?.toString() ?? ""}`;
      buildProblem = `npm run build failed: ${out.split("\n").find((l) => l.trim()) ?? (error as Error).message}`;
      log(`  ${buildProblem}`);
    }
  }
  if (!buildProblem) {
    for (const driver of drivers) {
      log(`  ${names[driver]}:`);
      const results: SlackAppRun[] = [];
      for (let run = 1; run <= runs; run++) {
        results.push(await benchSlackAppRun({ root, driver, ...(baseUrl ? { postgresBaseUrl: baseUrl } : {}), idleSeconds, requests, log }, run));
      }
      slackRuns.set(driver, results);
    }
  }
}

// --- The tables ---

const cpus = os.cpus();
const pgVersion = baseUrl && drivers.includes("postgres") ? await postgresVersion(baseUrl) : undefined;
const label = (driver: Driver) => (driver === "postgres" && pgVersion ? pgVersion : driverName(driver));
const out: string[] = [];
out.push(`\n# Results: min / median / max of ${runs} run${runs === 1 ? "" : "s"}`);
out.push(
  `Machine: ${cpus.length} × ${cpus[0]?.model.trim() ?? "CPU"}, ${(os.totalmem() / 2 ** 30).toFixed(0)} GB RAM, Node ${process.version}, ` +
    `load average ${loadAtStart[0]!.toFixed(1)} at the start, ${os.loadavg()[0]!.toFixed(1)} at the end; the bench took ${seconds(performance.now() - began)}.`,
);

if (matchesRuns.length) {
  out.push("\n## Weekly matches job: read, rank, record the suggestions, queue the DMs, in one transaction");
  out.push("10 ties and 3 targets per member, companies = members / 5. Peak RSS: the whole process's (on PGlite the database lives in it).");
  const rows = matchesRuns.map((entry) => {
    const { ms, queued, crashes } = outcomes(entry, "matches");
    const ok = entry.results.filter((r): r is ChildResult => !("crashed" in r) && r.matches?.ms !== undefined);
    const peaks = entry.results.map((r) => r.peakRssMb).filter((p): p is number => p !== undefined);
    const first = entry.results.find((r): r is ChildResult => !("crashed" in r));
    const note = crashNote(crashes, entry);
    const writeOuts = ok.flatMap((r) => (r.matches?.writeOut ? [r.matches.writeOut] : []));
    return [
      thousands(entry.size),
      first ? `${thousands(first.seeded.ties)} / ${thousands(first.seeded.targets)}` : "–",
      label(entry.driver),
      ms.length ? `${spread(ms, seconds)}${note}` : note,
      ms.length ? `${((median(ms) / entry.size) * 1000).toFixed(0)} µs` : "–",
      spread(peaks, megabytes),
      ok.length ? megabytes(median(ok.map((r) => r.rssBeforeMb))) : "–",
      queued.length ? thousands(median(queued)) : "–",
      writeOuts.length ? `${spread(writeOuts.map((w) => w.ms), seconds)} (${thousands(median(writeOuts.map((w) => w.rows)))} rows)` : "–",
    ];
  });
  out.push(table(["members", "ties / targets", "database", "job time", "per member", "peak RSS", "RSS before the job", "DMs queued", "DMs written out after the run"], rows));
  out.push(
    "The run queues the DMs as one fan-out row; the dispatcher writes them out into outbox rows after it commits, 1,000 members a transaction (last column, not part of the job time: the first chunk goes out while the rest are written).",
  );
}

if (digestRuns.length) {
  out.push(`\n## Weekly digest job at ${thousands(DIGEST_SIZE)} members (build it, queue the post, in one transaction)`);
  out.push(
    table(
      ["database", "digest job"],
      digestRuns.map((entry) => {
        const { ms, crashes } = outcomes(entry, "digest");
        return [label(entry.driver), `${ms.length ? spread(ms, seconds) : ""}${crashNote(crashes, entry)}`];
      }),
    ),
  );
}

if (outboxRuns.size) {
  out.push(`\n## Outbox against a fake Slack allowing ${PER_SECOND} chat.postMessage a second (429 + Retry-After beyond)`);
  out.push(`Each DM is conversations.open + chat.postMessage through the real Slack port; "paced": createSlackPort(client, { deliveriesPerMinute: ${PER_SECOND * 60} }), the platform's own rate.`);
  const rows: string[][] = [];
  for (const [driver, results] of outboxRuns) {
    for (const mode of ["paced", "unpaced"] as const) {
      const mine = results.filter((r) => r.mode === mode);
      const done = mine.filter((r) => r.share !== undefined);
      const errors = [...new Set(mine.map((r) => r.error).filter(Boolean))];
      rows.push([
        label(driver),
        mode === "paced" ? `paced to ${PER_SECOND}/s` : "not paced",
        done.length ? thousands(done[0]!.messages) : "–",
        spread(done.map((r) => r.delivered! / r.seconds!), (n) => `${n.toFixed(1)}/s`),
        spread(done.map((r) => r.share!), percent),
        spread(done.map((r) => r.rateLimited!), (n) => n.toFixed(0)),
        done.map((r) => r.lost).join(", ") || "–",
        done.map((r) => r.doubled).join(", ") || "–",
        errors.join("; ") || "",
      ]);
    }
  }
  out.push(table(["database", "pacing", "DMs", "delivered", `of ${PER_SECOND}/s`, "429s", "lost", "doubled", "problems"], rows));
}

if (buildProblem) out.push(`\n## node dist/main.js\nnot measured: ${buildProblem}`);
if (slackRuns.size) {
  out.push(`\n## node dist/main.js, Slack HTTP mode, against the fake Slack`);
  out.push(`Start: spawn to the first /healthz 200. Idle: RSS of the process ${idleSeconds} s after that (the container runs this one process).`);
  const rows: string[][] = [];
  for (const [driver, results] of slackRuns) {
    const ok = results.filter((r) => r.startMs !== undefined);
    const errors = [...new Set(results.map((r) => r.error).filter(Boolean))];
    rows.push([label(driver), spread(ok.map((r) => r.startMs!), seconds), spread(ok.map((r) => r.idleRssMb!).filter((n) => n !== undefined), megabytes), errors.join("; ")]);
  }
  out.push(table(["database", "start to /healthz 200", "idle RSS", "problems"], rows));

  out.push(`\n## /jobclub goal list time-to-answer next to a bare Bolt app answering a constant`);
  out.push(`Concurrency 10; signed slash commands over HTTP to each app's /slack/events; the answer is the response_url POST reaching the fake. ${requests} requests per app per run, in alternating blocks.`);
  const latency: string[][] = [];
  for (const [driver, results] of slackRuns) {
    const ok = results.filter((r) => r.warmpath && r.bare);
    const ms = (n: number) => `${n.toFixed(1)} ms`;
    latency.push([
      label(driver),
      spread(ok.map((r) => r.warmpath!.p50), ms),
      spread(ok.map((r) => r.bare!.p50), ms),
      spread(ok.map((r) => r.warmpath!.p50 / r.bare!.p50), ratio),
      spread(ok.map((r) => r.warmpath!.p99), ms),
      spread(ok.map((r) => r.bare!.p99), ms),
      spread(ok.map((r) => r.warmpath!.p99 / r.bare!.p99), ratio),
    ]);
  }
  out.push(table(["database", "goal list p50", "bare Bolt p50", "p50 ratio", "goal list p99", "bare Bolt p99", "p99 ratio"], latency));
}
if (!baseUrl) out.push("\n(Set BENCH_DATABASE_URL or TEST_DATABASE_URL to run the same on Postgres.)");
console.log(out.join("\n"));
