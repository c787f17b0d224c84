/** What a bench child process reports, and how. */

export const RESULT_MARK = "BENCH_RESULT ";

export interface JobOutcome {
  ms?: number;
  queued?: number;
  /**
   * The matches job queues its DMs as one fan-out that the dispatcher writes out into outbox rows
   * after the run commits, a chunk per transaction: how long writing all of them out took, and how
   * many outbox rows that gave.
   */
  writeOut?: { ms: number; rows: number };
  error?: string;
}

export interface ChildResult {
  /** The club; `ms`: the seeding's time on PGlite (on Postgres the template was seeded beforehand, 0). */
  seeded: { members: number; ties: number; targets: number; ms: number };
  /** RSS once seeded, before the first job. */
  rssBeforeMb: number;
  matches?: JobOutcome;
  digest?: JobOutcome;
  /** The process's peak RSS (seeding included: PGlite's database lives in this process). */
  peakRssMb: number;
}

/** "RangeError: Maximum call stack size exceeded (at inSlices, src/db/store/scheduling.ts:24)". */
export function describeError(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const frame = (error.stack ?? "")
    .split("\n")
    .map((l) => l.trim())
    .find((l) => l.startsWith("at ") && l.includes("/src/"));
  const where = frame?.match(/at (?:async )?([^\s(]+)?\s*\(?.*?(src\/[^):]+:\d+)/);
  const at = where ? ` (${where[1] ? `${where[1]}, ` : ""}${where[2]})` : "";
  return `${error.name}: ${error.message.split("\n")[0]}${at}`;
}

