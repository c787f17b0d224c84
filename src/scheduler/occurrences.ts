import cron from "node-cron";
import { localDate, zonedTime } from "../core/dates.js";

/**
 * The latest time in (after, upTo] at which a cron expression fires in a timezone, or undefined.
 * node-cron only looks forward from the real clock; catching up after a restart, and testing at
 * any date, need the same calendar looked at backwards from any instant.
 */
export function latestOccurrence(expression: string, timezone: string, after: Date, upTo: Date): Date | undefined {
  const fields = cron.parse(expression);
  const seconds = [...fields.second].sort((a, b) => b - a);
  const minutes = [...fields.minute].sort((a, b) => b - a);
  const hours = [...fields.hour].sort((a, b) => b - a);
  const start = localDate(upTo, timezone);
  // Walk local calendar days backwards, latest time first; a few days past `after` covers any offset.
  const days = Math.ceil((upTo.getTime() - after.getTime()) / 86_400_000) + 2;
  for (let back = 0; back <= days; back++) {
    const day = new Date(Date.UTC(start.year, start.month - 1, start.day - back));
    const [y, m, d] = [day.getUTCFullYear(), day.getUTCMonth() + 1, day.getUTCDate()];
    if (!fields.month.includes(m)) continue;
    if (!matchesDayOfMonth(fields.dayOfMonth, y, m, d)) continue;
    if (!fields.dayOfWeek.some((w) => Number(w) % 7 === day.getUTCDay())) continue;
    for (const h of hours) {
      for (const min of minutes) {
        for (const s of seconds) {
          const instant = zonedTime(y, m, d, h, min, s, timezone);
          if (!instant) continue;
          if (instant.getTime() <= after.getTime()) return undefined;
          if (instant.getTime() <= upTo.getTime()) return instant;
        }
      }
    }
  }
  return undefined;
}

function matchesDayOfMonth(allowed: Array<number | string>, year: number, month: number, day: number): boolean {
  const last = new Date(Date.UTC(year, month, 0)).getUTCDate();
  return allowed.some((v) => (v === "L" ? day === last : Number(v) === day));
}
