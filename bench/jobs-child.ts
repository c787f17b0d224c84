/**
 * One run of the scheduled jobs in a process of its own (bench/run.ts starts it): on PGlite, seeds a
 * fresh in-memory database with a club of BENCH_CHILD_SIZE members; on Postgres, opens the copy of
 * a seeded template it is given (BENCH_CHILD_DATABASE_URL). Then runs the weekly matches job and/or
 * the digest job (BENCH_CHILD_JOBS) through the job runner as the scheduler does (one transaction
 * each), and prints one `BENCH_RESULT {json}` line.
 * A process per run makes the peak RSS this run's alone, and a crash (the call stack, the heap)
 * ends this run only.
 */
import { performance } from "node:perf_hooks";
import type { Database } from "../src/db/client.js";
import { openPglite, openPostgres, queryRows } from "../src/db/client.js";
import { expandFanouts } from "../src/db/store/fanouts.js";
import { sql } from "drizzle-orm";
import { createJobRunner } from "../src/scheduler/runner.js";
import { silentLogger } from "../src/util/logger.js";
import { DIGEST_AT, MATCHES_AT, seedClub, seededClub, type Seeded } from "./lib/seed.js";
import { RESULT_MARK, describeError, type ChildResult } from "./lib/child.js";

const peakRssMb = () => process.resourceUsage().maxRSS / 1024;

async function main(): Promise<void> {
  const driver = process.env.BENCH_CHILD_DRIVER;
  const size = Number(process.env.BENCH_CHILD_SIZE);
  const jobs = new Set((process.env.BENCH_CHILD_JOBS ?? "matches").split(","));
  let database: Database;
  let seeded: Seeded;
  let seedMs = 0;
  if (driver === "postgres") {
    // A copy of a template bench/run.ts seeded once per size (CREATE DATABASE ... TEMPLATE).
    database = await openPostgres(process.env.BENCH_CHILD_DATABASE_URL!);
    seeded = await seededClub(database);
  } else {
    database = await openPglite();
    const start = performance.now();
    seeded = await seedClub(database, size);
    seedMs = performance.now() - start;
  }
  try {
    let start: number;
    const result: ChildResult = {
      seeded: { members: seeded.members, ties: seeded.ties, targets: seeded.targets, ms: seedMs },
      rssBeforeMb: process.memoryUsage.rss() / 1048576,
      peakRssMb: 0,
    };
    const runner = createJobRunner({ db: database.db, clock: { now: () => MATCHES_AT }, logger: silentLogger });
    if (jobs.has("matches")) {
      start = performance.now();
      try {
        const run = await runner.run(seeded.clubId, "matches", MATCHES_AT);
        result.matches = { ms: performance.now() - start, queued: run.ran ? run.sent : 0 };
      } catch (error) {
        result.matches = { error: describeError(error) };
      }
    }
    result.peakRssMb = peakRssMb();
    if (result.matches?.ms !== undefined) {
      // What the dispatcher does next, outside the run's transaction: the fan-out written out.
      start = performance.now();
      while ((await expandFanouts(database.db, MATCHES_AT)) > 0);
      const ms = performance.now() - start;
      const [written] = await queryRows<{ n: number }>(database.db, sql`select count(*)::int as n from outbox where club_id = ${seeded.clubId} and dedupe_key like 'matches:%'`);
      result.matches.writeOut = { ms, rows: Number(written?.n ?? 0) };
    }
    if (jobs.has("digest")) {
      const digestRunner = createJobRunner({ db: database.db, clock: { now: () => DIGEST_AT }, logger: silentLogger });
      start = performance.now();
      try {
        const run = await digestRunner.run(seeded.clubId, "digest", DIGEST_AT);
        result.digest = { ms: performance.now() - start, queued: run.ran ? run.sent : 0 };
      } catch (error) {
        result.digest = { error: describeError(error) };
      }
      result.peakRssMb = peakRssMb();
    }
    process.stdout.write(`${RESULT_MARK}${JSON.stringify(result)}\n`);
  } finally {
    await database.close();
  }
}

await main();
