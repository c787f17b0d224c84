import type { ClubRow, ClubStore } from "../../db/store/club-store.js";
import { isoWeek, startOfIsoWeek } from "../dates.js";
import { helpKinds, type HelpKind } from "../vocabulary.js";

/** Most weeks the club's figures reach back: a year. */
export const MAX_WEEKS = 52;

/** What a club did in one ISO week (club timezone). */
export interface WeekFigures {
  /** 2026-W47. */
  week: string;
  /** The week's start, and its end (or the moment the figures were counted, for the week under way). */
  from: Date;
  to: Date;
  /** Members who did anything: a goal set or met, networking logged, a win, thanks sent, an intro asked, answered or withdrawn, a target or contact added, joining. */
  activeMembers: number;
  /** Goals set for the week, and how many of them are met. */
  goals: { set: number; met: number };
  /** Introductions asked, accepted, first reported as met (a hire counts as met too), and hires. */
  intros: { requested: number; accepted: number; met: number; hired: number };
  /** Thanks sent, by the kind of help named (`none` when no kind was). */
  thanks: Record<HelpKind | "none", number>;
  /** Companies someone in the club targeted for the first time. */
  newTargetCompanies: number;
  /** Networking and job-search activity logged. */
  activities: number;
}

/**
 * The club's figures for the `count` ISO weeks up to the one `at` falls in, oldest first; that last
 * week is counted up to `at`. The weekly digest and the dashboard both read their numbers here, so
 * the two never disagree.
 */
export async function clubWeeks(
  store: ClubStore,
  club: Pick<ClubRow, "timezone">,
  at: Date,
  count: number,
  /** Figures not counted (left at 0), for readers that don't show them (the digest). */
  options: { activeMembers?: boolean; newTargetCompanies?: boolean } = {},
): Promise<WeekFigures[]> {
  const tz = club.timezone;
  const weeks = Math.max(1, Math.min(MAX_WEEKS, Math.floor(count)));
  const end = new Date(at.getTime() + 1);
  const starts = [startOfIsoWeek(at, tz)];
  // Each start from the instant before the next: a DST change never shifts a week by an hour.
  while (starts.length < weeks) starts.unshift(startOfIsoWeek(new Date(starts[0]!.getTime() - 1), tz));
  const figures: WeekFigures[] = starts.map((from, i) => ({
    week: isoWeek(from, tz),
    from,
    to: starts[i + 1] ?? end,
    activeMembers: 0,
    goals: { set: 0, met: 0 },
    intros: { requested: 0, accepted: 0, met: 0, hired: 0 },
    thanks: Object.fromEntries([...helpKinds, "none"].map((k) => [k, 0])) as Record<HelpKind | "none", number>,
    newTargetCompanies: 0,
    activities: 0,
  }));
  const byWeek = new Map(figures.map((f) => [f.week, f]));
  for (const { week, metric, n } of await store.stats.weekly(starts[0]!, end, figures.map((f) => f.week), tz, options)) {
    const f = byWeek.get(week);
    if (!f) continue;
    const [group, name] = metric.split(":") as [string, string | undefined];
    if (metric === "members:active") f.activeMembers = n;
    else if (group === "goals") f.goals[name as "set" | "met"] = n;
    else if (group === "intros") f.intros[name as keyof WeekFigures["intros"]] = n;
    else if (group === "thanks") f.thanks[name as HelpKind | "none"] = n;
    else if (metric === "targets:new-companies") f.newTargetCompanies = n;
    else if (metric === "activities") f.activities = n;
  }
  return figures;
}
