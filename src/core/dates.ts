/** Calendar helpers in a named IANA timezone; chrono-node reads the dates people type. */
// English only: the package root also loads every other locale (~12 MB and ~200 ms at start), unused here.
import * as chrono from "chrono-node/en";

/**
 * Formatters by timezone, one map per format. Building an Intl.DateTimeFormat for a zone costs
 * ~15 times what formatting with it does (hundreds of microseconds here): every command works out
 * its week, so each is built once. Bounded: a timezone name is user input (any letter case works).
 */
function formatterCache(options: Intl.DateTimeFormatOptions, locale = "en-US", maxEntries = 1000): (timezone: string) => Intl.DateTimeFormat {
  const cache = new Map<string, Intl.DateTimeFormat>();
  return (timezone) => {
    let format = cache.get(timezone);
    if (!format) {
      // Throws a RangeError for an unknown timezone: nothing is cached then.
      format = new Intl.DateTimeFormat(locale, { ...options, timeZone: timezone });
      if (cache.size >= maxEntries) cache.delete(cache.keys().next().value!);
      cache.set(timezone, format);
    }
    return format;
  };
}

const dateFormatter = formatterCache({ year: "numeric", month: "2-digit", day: "2-digit" }, "en-CA");
const wallFormatter = formatterCache({ hourCycle: "h23", year: "numeric", month: "numeric", day: "numeric", hour: "numeric", minute: "numeric", second: "numeric" });
const dayFormatter = formatterCache({ weekday: "short", day: "numeric", month: "short", year: "numeric" }, "en-GB");

export function isValidTimezone(tz: string): boolean {
  try {
    dateFormatter(tz);
    return true;
  } catch {
    return false;
  }
}

/** The calendar date (year, month 1-12, day) at `instant` in `timezone`. */
export function localDate(instant: Date, timezone: string): { year: number; month: number; day: number } {
  const parts = dateFormatter(timezone).formatToParts(instant);
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
 * The ISO weeks `instant` falls in somewhere on Earth, from UTC-12 to UTC+14: the same week twice,
 * or the two weeks either side of a Monday midnight. Whatever a member's timezone, their week is one.
 */
export function isoWeeksAnywhere(instant: Date): [string, string] {
  const at = (offsetHours: number) => {
    const local = new Date(instant.getTime() + offsetHours * 3_600_000);
    return isoWeekOfDate(local.getUTCFullYear(), local.getUTCMonth() + 1, local.getUTCDate());
  };
  return [at(-12), at(14)];
}

/** Words people put before a date that say nothing about it: "until next friday", "for 2 weeks". */
const DATE_LEAD = /^(?:until|till|til|to|for|on|in)\s+/;

/**
 * Reads when a pause ends, as people type it, in the member's timezone: a day count ("14", "14d",
 * "2w", "2 weeks"), an ISO date ("2026-12-01"), or words chrono-node reads ("Dec 5", "5 Dec", "next
 * friday", "in 3 weeks", "tomorrow"). The pause ends at midnight starting that day. Returns undefined
 * when the text is not wholly a date (so "blah next friday" is no date).
 */
export function parseUntil(input: string, now: Date, timezone: string): Date | undefined {
  const value = input.trim().toLowerCase().replace(/[.!]+$/, "").replace(DATE_LEAD, "").trim();
  const relative = /^(\d{1,3})\s*(d|days?|w|wks?|weeks?)?$/.exec(value);
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
    if (!isCalendarDate(year, month, day)) return undefined;
    return zonedMidnight(year, month, day, timezone);
  }
  // chrono reads the words against the member's calendar day: a reference at noon of their local
  // date, in UTC, so the process's own timezone never shifts the day.
  const today = localDate(now, timezone);
  const reference = { instant: new Date(Date.UTC(today.year, today.month - 1, today.day, 12)), timezone: 0 };
  const [result, ...others] = chrono.parse(value, reference, { forwardDate: true });
  if (!result || others.length > 0 || result.index !== 0 || result.text.length !== value.length) return undefined;
  const [year, month, day] = [result.start.get("year"), result.start.get("month"), result.start.get("day")];
  if (year === null || month === null || day === null || !isCalendarDate(year, month, day)) return undefined;
  return zonedMidnight(year, month, day, timezone);
}

function isCalendarDate(year: number, month: number, day: number): boolean {
  const check = new Date(Date.UTC(year, month - 1, day));
  return check.getUTCFullYear() === year && check.getUTCMonth() === month - 1 && check.getUTCDate() === day;
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

/** The wall-clock time at an instant in a timezone, as if it were UTC milliseconds. */
function wallClock(instant: Date, timezone: string): number {
  const parts = wallFormatter(timezone).formatToParts(instant);
  const get = (type: string) => Number(parts.find((p) => p.type === type)?.value);
  return Date.UTC(get("year"), get("month") - 1, get("day"), get("hour"), get("minute"), get("second"));
}

function zoneOffsetMs(instant: Date, timezone: string): number {
  return wallClock(instant, timezone) - Math.floor(instant.getTime() / 1000) * 1000;
}

/** "Mon 1 Dec 2026" in the given timezone. */
export function formatDay(instant: Date, timezone: string): string {
  return dayFormatter(timezone).format(instant);
}

/** Midnight starting the Monday of the ISO week `instant` falls in, in `timezone`. */
export function startOfIsoWeek(instant: Date, timezone: string): Date {
  const { year, month, day } = localDate(instant, timezone);
  const weekday = new Date(Date.UTC(year, month - 1, day)).getUTCDay() || 7;
  return zonedMidnight(year, month, day - (weekday - 1), timezone);
}

/** The ISO week `weeks` weeks before or after the one `instant` falls in, in `timezone`. */
export function isoWeekShifted(instant: Date, timezone: string, weeks: number): string {
  const { year, month, day } = localDate(instant, timezone);
  return isoWeekOfDate(year, month, day + weeks * 7);
}

/**
 * Reads a week as people name it: an ISO week ("2026-W47", any case), or "this", "last", "next"
 * (with or without "-week" / " week"), relative to `instant` in `timezone`. Undefined when it is no
 * week (including "2026-W60", or W53 in a year that has none).
 */
export function parseWeek(input: string, instant: Date, timezone: string): string | undefined {
  const value = input.trim().toLowerCase().replace(/[\s_-]+week$/, "");
  const relative = { this: 0, last: -1, previous: -1, next: 1 }[value];
  if (relative !== undefined) return isoWeekShifted(instant, timezone, relative);
  const iso = /^(\d{4})-?w(\d{1,2})$/.exec(value);
  if (!iso) return undefined;
  const [year, week] = [Number(iso[1]), Number(iso[2])];
  // Week 1 holds 4 January; a week number the year doesn't have comes back as another week.
  const jan4 = new Date(Date.UTC(year, 0, 4));
  const monday = 4 - ((jan4.getUTCDay() || 7) - 1) + (week - 1) * 7;
  const name = `${year}-W${String(week).padStart(2, "0")}`;
  return week >= 1 && isoWeekOfDate(year, 1, monday) === name ? name : undefined;
}
