import type { MemberRow } from "../../db/store/club-store.js";
import { UserError } from "../errors.js";

/** Longest pause, in days: a year (and a day, for a leap year). */
export const MAX_PAUSE_DAYS = 366;

/** A pause end that can be used: readable, in the future, within a year. */
export function checkPauseEnd(typed: string, end: Date | undefined, now: Date, usage: string): asserts end is Date {
  if (!end) throw new UserError("PAUSE.DATE", `I can't read “${typed}” as a date. Try 14 (days), 2 weeks, Dec 5, next friday or 2026-12-31.`, usage);
  if (end <= now) throw new UserError("PAUSE.DATE", `“${typed}” is not in the future. Try 14 (days), 2 weeks, Dec 5, next friday or 2026-12-31.`, usage);
  if (end.getTime() - now.getTime() > MAX_PAUSE_DAYS * 86_400_000) throw new UserError("PAUSE.DATE", "You can pause for a year at most.", usage);
}

/**
 * The change that pauses a member, until a time or until resumed: the status they had before is
 * kept (a pause of a pause keeps the first one's), so it comes back when the pause ends.
 */
export function pausePatch(member: Pick<MemberRow, "status" | "statusBeforePause">, until: Date | null): Pick<MemberRow, "status" | "pausedUntil" | "statusBeforePause"> {
  return { status: "paused", pausedUntil: until, statusBeforePause: member.status === "paused" ? member.statusBeforePause : member.status };
}
