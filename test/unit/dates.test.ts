import { describe, expect, it } from "vitest";
import { formatDay, isoWeek, isoWeekOfDate, isValidTimezone, localDate, startOfIsoWeek, zonedMidnight } from "../../src/core/dates.js";

/** The calendar date as dates.ts computed it before formatters were cached: a new formatter per call. */
function referenceLocalDate(instant: Date, timezone: string) {
  const parts = new Intl.DateTimeFormat("en-CA", { timeZone: timezone, year: "numeric", month: "2-digit", day: "2-digit" }).formatToParts(instant);
  const get = (type: string) => Number(parts.find((p) => p.type === type)?.value);
  return { year: get("year"), month: get("month"), day: get("day") };
}

const referenceFormatDay = (instant: Date, timezone: string) =>
  new Intl.DateTimeFormat("en-GB", { timeZone: timezone, weekday: "short", day: "numeric", month: "short", year: "numeric" }).format(instant);

/** Zones on both sides of UTC, with and without DST, half and quarter hours, the date line, DST at midnight. */
const zones = [
  "UTC",
  "Europe/Berlin",
  "Europe/London",
  "America/New_York",
  "America/Santiago",
  "America/Havana",
  "Asia/Kolkata",
  "Asia/Kathmandu",
  "Australia/Lord_Howe",
  "Pacific/Kiritimati",
  "Pacific/Pago_Pago",
  "Pacific/Chatham",
];

/** Every 97 minutes across two years' DST changes and New Year weeks (53-week years included). */
function instants(): Date[] {
  const out: Date[] = [];
  const windows = ["2026-03-26", "2026-10-22", "2026-12-27", "2027-03-24", "2027-10-28", "2020-12-28", "2021-01-01"];
  for (const day of windows) {
    const start = Date.parse(`${day}T00:00:00Z`) - 1.5 * 86_400_000;
    for (let t = start; t < start + 3 * 86_400_000; t += 97 * 60_000) out.push(new Date(t));
  }
  return out;
}

describe("cached date formatters", () => {
  it("give the same calendar date, ISO week and day label as a new formatter per call, zones interleaved", () => {
    const mismatches: string[] = [];
    for (const [i, instant] of instants().entries()) {
      // Zones alternate call by call, so a formatter handed to the wrong zone shows as a mismatch.
      for (const zone of zones) {
        const expected = referenceLocalDate(instant, zone);
        if (JSON.stringify(localDate(instant, zone)) !== JSON.stringify(expected)) mismatches.push(`localDate ${instant.toISOString()} ${zone}`);
        if (isoWeek(instant, zone) !== isoWeekOfDate(expected.year, expected.month, expected.day)) mismatches.push(`isoWeek ${instant.toISOString()} ${zone}`);
        if (i % 4 === 0 && formatDay(instant, zone) !== referenceFormatDay(instant, zone)) mismatches.push(`formatDay ${instant.toISOString()} ${zone}`);
      }
    }
    expect(mismatches).toEqual([]);
  });

  it("tell the zones apart at a week boundary", () => {
    // Sunday 23:30 in Pago Pago (UTC-11) is already Tuesday in Kiritimati (UTC+14): different ISO weeks.
    const instant = new Date("2026-11-30T10:30:00Z");
    expect(isoWeek(instant, "Pacific/Kiritimati")).toBe("2026-W49");
    expect(isoWeek(instant, "Pacific/Pago_Pago")).toBe("2026-W48");
    expect(isoWeek(instant, "Pacific/Kiritimati")).toBe("2026-W49");
  });

  it("start days and weeks where the zone's clocks say, DST included", () => {
    // Santiago skips midnight when DST starts (first Sunday of September 2026: 00:00 → 01:00).
    expect(zonedMidnight(2026, 9, 6, "America/Santiago").toISOString()).toBe("2026-09-06T04:00:00.000Z");
    expect(zonedMidnight(2026, 3, 29, "Europe/Berlin").toISOString()).toBe("2026-03-28T23:00:00.000Z");
    expect(zonedMidnight(2026, 3, 30, "Europe/Berlin").toISOString()).toBe("2026-03-29T22:00:00.000Z");
    expect(startOfIsoWeek(new Date("2026-11-01T12:00:00Z"), "America/New_York").toISOString()).toBe("2026-10-26T04:00:00.000Z");
  });

  it("still refuse unknown timezones, also after known ones were cached", () => {
    expect(isValidTimezone("Europe/Berlin")).toBe(true);
    expect(isValidTimezone("europe/berlin")).toBe(true);
    expect(isValidTimezone("Mars/Olympus_Mons")).toBe(false);
    expect(() => isoWeek(new Date(), "Mars/Olympus_Mons")).toThrow(RangeError);
    expect(isValidTimezone("Mars/Olympus_Mons")).toBe(false);
  });
});
