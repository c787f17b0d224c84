import { describe, expect, it } from "vitest";
import { latestOccurrence } from "../../src/scheduler/occurrences.js";
import { startOfIsoWeek, zonedMidnight, zonedTime } from "../../src/core/dates.js";
import { describeSchedule, parseSchedule } from "../../src/core/schedule-spec.js";

const at = (iso: string) => new Date(iso);
const latest = (expression: string, tz: string, after: string, upTo: string) => latestOccurrence(expression, tz, at(after), at(upTo))?.toISOString();

describe("schedules as people type them", () => {
  it.each([
    ["mon 09:00", "0 9 * * 1"],
    ["Monday 9:30", "30 9 * * 1"],
    ["fri 4pm", "0 16 * * 5"],
    ["every day 10:00", "0 10 * * *"],
    ["daily 7am", "0 7 * * *"],
    ["weekdays 08:15", "15 8 * * 1-5"],
    ["0 9 * * 1", "0 9 * * 1"],
    ["*/5 * * * * *", "*/5 * * * * *"],
    ["off", null],
  ])("reads %j", (input, cron) => {
    expect(parseSchedule(input)).toEqual({ ok: true, cron });
  });

  it.each([["someday 09:00"], ["mon 25:00"], ["0 9 * *"], ["61 9 * * 1"], ["0 9 L * *"], ["whenever"]])("refuses %j with a reason", (input) => {
    const parsed = parseSchedule(input);
    expect(parsed.ok).toBe(false);
    expect(parsed.ok ? "" : parsed.error.length).toBeGreaterThan(10);
  });

  it("describes the simple forms in words", () => {
    expect(describeSchedule("0 9 * * 1")).toBe("Mondays at 09:00");
    expect(describeSchedule("30 16 * * 5")).toBe("Fridays at 16:30");
    expect(describeSchedule("0 10 * * *")).toBe("Every day at 10:00");
    expect(describeSchedule("*/5 * * * * *")).toBe("cron */5 * * * * *");
    expect(describeSchedule(null)).toBe("off");
  });
});

describe("the latest run of a schedule before a moment", () => {
  it("finds Monday 09:00 in Berlin (UTC+1 in winter)", () => {
    expect(latest("0 9 * * 1", "Europe/Berlin", "2026-11-23T00:00:00Z", "2026-11-23T12:00:00Z")).toBe("2026-11-23T08:00:00.000Z");
    expect(latest("0 9 * * 1", "Europe/Berlin", "2026-11-23T00:00:00Z", "2026-11-23T07:59:59Z")).toBeUndefined();
  });

  it("finds the same wall-clock time in New York across its DST change", () => {
    // Sunday 1 Nov 2026 clocks go back: Monday 2 Nov 09:00 is UTC-5, the Monday before UTC-4.
    expect(latest("0 9 * * 1", "America/New_York", "2026-10-20T00:00:00Z", "2026-10-27T00:00:00Z")).toBe("2026-10-26T13:00:00.000Z");
    expect(latest("0 9 * * 1", "America/New_York", "2026-10-30T00:00:00Z", "2026-11-03T00:00:00Z")).toBe("2026-11-02T14:00:00.000Z");
  });

  it("skips a time that does not exist on the day clocks go forward", () => {
    // Berlin, 29 March 2026: 02:00 jumps to 03:00, so 02:30 happens on the 28th and the 30th only.
    expect(latest("30 2 * * *", "Europe/Berlin", "2026-03-27T00:00:00Z", "2026-03-29T12:00:00Z")).toBe("2026-03-28T01:30:00.000Z");
    expect(zonedTime(2026, 3, 29, 2, 30, 0, "Europe/Berlin")).toBeUndefined();
  });

  it("takes the first of a time that happens twice when clocks go back", () => {
    // Berlin, 25 October 2026: 02:30 happens at 00:30Z (CEST) and again at 01:30Z (CET).
    expect(zonedTime(2026, 10, 25, 2, 30, 0, "Europe/Berlin")?.toISOString()).toBe("2026-10-25T00:30:00.000Z");
  });

  it("understands seconds, steps and far timezones", () => {
    expect(latest("*/5 * * * * *", "UTC", "2026-01-01T00:00:00Z", "2026-01-01T00:00:12Z")).toBe("2026-01-01T00:00:10.000Z");
    expect(latest("0 8 * * 1-5", "Pacific/Kiritimati", "2026-11-19T00:00:00Z", "2026-11-20T00:00:00Z")).toBe("2026-11-19T18:00:00.000Z");
    expect(latest("0 9 * * 1", "Asia/Kolkata", "2026-11-22T00:00:00Z", "2026-11-23T12:00:00Z")).toBe("2026-11-23T03:30:00.000Z");
  });

  it("starts a day at its first minute where DST skips midnight", () => {
    // Santiago, 6 Sep 2026 and Havana, 8 Mar 2026: clocks jump from 00:00 to 01:00.
    expect(zonedMidnight(2026, 9, 6, "America/Santiago").toISOString()).toBe("2026-09-06T04:00:00.000Z");
    expect(zonedMidnight(2026, 3, 8, "America/Havana").toISOString()).toBe("2026-03-08T05:00:00.000Z");
    expect(zonedMidnight(2026, 11, 23, "Europe/Berlin").toISOString()).toBe("2026-11-22T23:00:00.000Z");
    expect(startOfIsoWeek(new Date("2026-11-25T12:00:00Z"), "Asia/Kolkata").toISOString()).toBe("2026-11-22T18:30:00.000Z");
  });

  it("returns nothing when the window holds no run", () => {
    expect(latest("0 9 * * 1", "UTC", "2026-11-24T00:00:00Z", "2026-11-29T00:00:00Z")).toBeUndefined();
  });
});
