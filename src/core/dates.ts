/** Calendar helpers in a named IANA timezone, with no date library. */

export function isValidTimezone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat("en-US", { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

/** The calendar date (year, month 1-12, day) at `instant` in `timezone`. */
export function localDate(instant: Date, timezone: string): { year: number; month: number; day: number } {
  const parts = new Intl.DateTimeFormat("en-CA", { timeZone: timezone, year: "numeric", month: "2-digit", day: "2-digit" }).formatToParts(instant);
  const get = (type: string) => Number(parts.find((p) => p.type === type)?.value);
  return { year: get("year"), month: get("month"), day: get("day") };
}

/** ISO-8601 week of a calendar date: "2026-W47". Weeks start on Monday; week 1 holds the first Thursday. */
export function isoWeekOfDate(year: number, month: number, day: number): string {
  const date = new Date(Date.UTC(year, month - 1, day));
  const weekday = date.getUTCDay() || 7;
  date.setUTCDate(date.getUTCDate() + 4 - weekday);
  const weekYear = date.getUTCFullYear();
  const yearStart = Date.UTC(weekYear, 0, 1);
  const week = Math.ceil(((date.getTime() - yearStart) / 86_400_000 + 1) / 7);
  return `${weekYear}-W${String(week).padStart(2, "0")}`;
}

/** The ISO week `instant` falls in, in `timezone`. */
export function isoWeek(instant: Date, timezone: string): string {
  const { year, month, day } = localDate(instant, timezone);
  return isoWeekOfDate(year, month, day);
}

/**
 * Reads a day count ("14", "14d", "2w") or a date ("2026-12-01") as the instant a pause ends:
 * midnight starting that day, in the member's timezone. Returns undefined when unreadable.
 */
export function parseUntil(input: string, now: Date, timezone: string): Date | undefined {
  const value = input.trim().toLowerCase();
  const relative = /^(\d{1,3})\s*(d|days?|w|weeks?)?$/.exec(value);
  if (relative) {
    const n = Number(relative[1]);
    const days = relative[2]?.startsWith("w") ? n * 7 : n;
    if (days < 1) return undefined;
    const today = localDate(now, timezone);
    return zonedMidnight(today.year, today.month, today.day + days, timezone);
  }
  const absolute = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
  if (absolute) {
    const [year, month, day] = [Number(absolute[1]), Number(absolute[2]), Number(absolute[3])];
    const check = new Date(Date.UTC(year, month - 1, day));
    if (check.getUTCMonth() !== month - 1 || check.getUTCDate() !== day) return undefined;
    return zonedMidnight(year, month, day, timezone);
  }
  return undefined;
}

/**
 * The instant a calendar day starts in `timezone` (day may overflow the month): 00:00, or the first
 * minute after it where DST skips midnight itself (Santiago, Havana).
 */
export function zonedMidnight(year: number, month: number, day: number, timezone: string): Date {
  const date = new Date(Date.UTC(year, month - 1, day));
  const [y, m, d] = [date.getUTCFullYear(), date.getUTCMonth() + 1, date.getUTCDate()];
  for (let minutes = 0; minutes < 180; minutes += 30) {
    const instant = zonedTime(y, m, d, Math.floor(minutes / 60), minutes % 60, 0, timezone);
    if (instant) return instant;
  }
  return new Date(Date.UTC(y, m - 1, d) - zoneOffsetMs(date, timezone));
}

/**
 * The instant a local wall-clock time happens in a timezone; undefined when it doesn't exist
 * (the hour skipped when clocks go forward). In the repeated hour when clocks go back, the first.
 */
export function zonedTime(year: number, month: number, day: number, hour: number, minute: number, second: number, timezone: string): Date | undefined {
  const wall = Date.UTC(year, month - 1, day, hour, minute, second);
  const candidates = new Set<number>();
  for (const probe of [wall - 14 * 3_600_000, wall, wall + 14 * 3_600_000]) {
    candidates.add(wall - zoneOffsetMs(new Date(probe), timezone));
  }
  const matching = [...candidates].filter((t) => wallClock(new Date(t), timezone) === wall).sort((a, b) => a - b);
  return matching.length ? new Date(matching[0]!) : undefined;
}

const wallFormatters = new Map<string, Intl.DateTimeFormat>();

/** The wall-clock time at an instant in a timezone, as if it were UTC milliseconds. */
function wallClock(instant: Date, timezone: string): number {
  let format = wallFormatters.get(timezone);
  if (!format) {
    format = new Intl.DateTimeFormat("en-US", { timeZone: timezone, hourCycle: "h23", year: "numeric", month: "numeric", day: "numeric", hour: "numeric", minute: "numeric", second: "numeric" });
    wallFormatters.set(timezone, format);
  }
  const parts = format.formatToParts(instant);
  const get = (type: string) => Number(parts.find((p) => p.type === type)?.value);
  return Date.UTC(get("year"), get("month") - 1, get("day"), get("hour"), get("minute"), get("second"));
}

function zoneOffsetMs(instant: Date, timezone: string): number {
  return wallClock(instant, timezone) - Math.floor(instant.getTime() / 1000) * 1000;
}

/** "Mon 1 Dec 2026" in the given timezone. */
export function formatDay(instant: Date, timezone: string): string {
  return new Intl.DateTimeFormat("en-GB", { timeZone: timezone, weekday: "short", day: "numeric", month: "short", year: "numeric" }).format(instant);
}

/** Midnight starting the Monday of the ISO week `instant` falls in, in `timezone`. */
export function startOfIsoWeek(instant: Date, timezone: string): Date {
  const { year, month, day } = localDate(instant, timezone);
  const weekday = new Date(Date.UTC(year, month - 1, day)).getUTCDay() || 7;
  return zonedMidnight(year, month, day - (weekday - 1), timezone);
}
