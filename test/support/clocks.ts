import type { Clock } from "../../src/core/types.js";

/** A Wednesday midday in UTC: days from a week boundary in every timezone. */
export const MIDWEEK = "2026-11-18T12:00:00Z";

/**
 * A clock that runs at real speed from a fixed start, for tests whose code under test waits on
 * real time (leases, retries, adapters) but whose expectations name the week: a run never crosses
 * Monday 00:00 however long it takes or whenever it starts, and the expected week is fixed.
 */
export function runningClock(start = MIDWEEK): Clock {
  const offset = new Date(start).getTime() - Date.now();
  return { now: () => new Date(Date.now() + offset) };
}
