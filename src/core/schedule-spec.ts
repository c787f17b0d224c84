import cron from "node-cron";
import type { ClubSchedules, ScheduledJob } from "./vocabulary.js";

/** When each job runs unless the club says otherwise (club timezone). */
export const DEFAULT_SCHEDULES: Record<ScheduledJob, string> = {
  "goals-prompt": "0 9 * * 1",
  "check-in": "0 15 * * 5",
  digest: "0 16 * * 5",
  matches: "0 10 * * 2",
  "follow-ups": "0 10 * * *",
};

const DAYS: Record<string, string> = {
  sun: "0", sunday: "0", mon: "1", monday: "1", tue: "2", tues: "2", tuesday: "2", wed: "3", wednesday: "3",
  thu: "4", thur: "4", thurs: "4", thursday: "4", fri: "5", friday: "5", sat: "6", saturday: "6",
  daily: "*", everyday: "*", weekdays: "1-5", weekends: "0,6",
};

export type ScheduleParse = { ok: true; cron: string | null } | { ok: false; error: string };

/**
 * Reads a schedule as people type it: "mon 09:00", "friday 4pm", "daily 10:00", "weekdays 9:30",
 * "off", or a cron expression of 5 fields (or 6, seconds first, as node-cron reads them).
 */
export function parseSchedule(input: string): ScheduleParse {
  const text = input.trim().toLowerCase().replace(/^every\s+day\b/, "daily").replace(/^every\s+/, "");
  if (text === "off" || text === "never") return { ok: true, cron: null };
  const friendly = /^([a-z]+)(?:\s+at)?\s+(\d{1,2})(?::(\d{2}))?\s*(am|pm)?$/.exec(text);
  if (friendly) {
    const day = DAYS[friendly[1]!];
    if (day === undefined) return { ok: false, error: `“${friendly[1]}” is not a day. Use mon, tue, ..., sun, daily or weekdays.` };
    let hour = Number(friendly[2]);
    const minute = Number(friendly[3] ?? "0");
    if (friendly[4] === "pm" && hour < 12) hour += 12;
    if (friendly[4] === "am" && hour === 12) hour = 0;
    if (hour > 23 || minute > 59) return { ok: false, error: `“${friendly[2]}:${friendly[3] ?? "00"}” is not a time of day.` };
    return { ok: true, cron: `${minute} ${hour} * * ${day}` };
  }
  const fields = text.split(/\s+/);
  if (fields.length === 5 || fields.length === 6) {
    if (!cron.validate(text)) return { ok: false, error: `“${input.trim()}” is not a valid cron expression.` };
    // Only plain numbers, ranges, lists and steps: the forms the catch-up calculation understands.
    if (/[#?lw]/i.test(text.replace(/\b(mon|tue|wed|thu|fri|sat|sun|jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)\b/g, ""))) {
      return { ok: false, error: "Cron forms with L, W, # or ? are not supported; use numbers, ranges, lists and steps." };
    }
    return { ok: true, cron: text };
  }
  return { ok: false, error: `I can't read “${input.trim()}” as a schedule. Try \`mon 09:00\`, \`daily 10:00\`, \`off\` or a cron expression.` };
}

/** The cron expression a club runs a job on, or null when the job is off. */
export function scheduleOf(schedules: ClubSchedules, job: ScheduledJob): string | null {
  const own = schedules[job];
  return own === undefined ? DEFAULT_SCHEDULES[job] : own;
}

const DAY_NAMES = ["Sundays", "Mondays", "Tuesdays", "Wednesdays", "Thursdays", "Fridays", "Saturdays"];

/** "Mondays at 09:00" for the simple forms, else the expression itself. */
export function describeSchedule(expression: string | null): string {
  if (expression === null) return "off";
  const simple = /^(\d{1,2}) (\d{1,2}) \* \* (\*|[0-6]|1-5)$/.exec(expression);
  if (!simple) return `cron ${expression}`;
  const time = `${simple[2]!.padStart(2, "0")}:${simple[1]!.padStart(2, "0")}`;
  const day = simple[3] === "*" ? "Every day" : simple[3] === "1-5" ? "Weekdays" : DAY_NAMES[Number(simple[3])]!;
  return `${day} at ${time}`;
}
