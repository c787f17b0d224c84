import type { ClubRow, ClubStore } from "../../db/store/club-store.js";
import { startOfIsoWeek } from "../dates.js";
import { clubWeeks } from "./club-weeks.js";
import { plural } from "../reply.js";
import type { Field, Reply } from "../types.js";

/**
 * The weekly digest for the ISO week that `at` falls in (club timezone), up to `at`: wins, goals
 * set and met, introductions, the most generous helpers, new targets and the open asks. Short lines,
 * one field per section, so it reads well as Block Kit, a Discord embed and plain text; a section
 * lists every item or says how many more there are.
 */
export async function buildDigest(store: ClubStore, club: ClubRow, at: Date): Promise<Reply & { about: number[] }> {
  const from = startOfIsoWeek(at, club.timezone);
  const to = new Date(at.getTime() + 1);
  const s = store.scheduling;
  // The week's counts come from where the dashboard reads them too, so the two always agree.
  // Not the active members, which the digest doesn't show (counting them reads every table's
  // week), nor the new target companies, which it reads with their names below.
  const { week, goals, intros, activities: activity } = (await clubWeeks(store, club, at, 1, { activeMembers: false, newTargetCompanies: false }))[0]!;
  // One after another: inside a transaction they share one connection.
  const wins = await s.winsBetween(from, to);
  const helpers = await s.generousHelpers(from, to);
  const newTargets = await s.newTargetCompanies(from, to);
  const openAsks = await s.openAsks();
  const fields: Field[] = [];
  const shownWins = listed(wins.map((w) => `• ${w.name}: ${w.text}`), wins.length);
  fields.push({ label: "🎉 Wins", value: wins.length ? shownWins.text : "No wins shared yet: `win <text>` counts the small ones too." });
  // The club's total only, never a member's: a public post cheers the club on, it doesn't rank anyone.
  fields.push({ label: "🎯 Goals", value: goalsLine(goals) });
  // Meetings: intros with a first "met" (or "hired") report this week, whoever reported it.
  const hires = intros.hired ? ` · ${plural(intros.hired, "hire")} 🎉` : "";
  fields.push({ label: "🤝 Introductions", value: `${intros.requested} requested · ${intros.accepted} accepted · ${plural(intros.met, "meeting")} reported${hires}` });
  const shownHelpers = listed(helpers.helpers.map((h) => `• ${h.name} (${h.count})`), helpers.total);
  if (helpers.total) fields.push({ label: "💛 Most generous helpers", value: shownHelpers.text });
  if (newTargets.total) fields.push({ label: "🏢 New target companies", value: listed(newTargets.names, newTargets.total, { join: ", ", beforeMore: " " }).text });
  if (openAsks.total) {
    const hint = "\nIf you do: `network add <company> knows`";
    const asks = listed(openAsks.asks.map((a) => `• ${a.company}${a.seekers > 1 ? ` (${a.seekers} members)` : ""}`), openAsks.total, { chars: SECTION_CHARS - hint.length });
    fields.push({ label: "🙋 Who knows someone at…?", value: asks.text + hint });
  }
  if (activity) fields.push({ label: "📈 Networking logged", value: plural(activity, "activity", "activities") });
  const title = `Weekly digest · ${week}`;
  return {
    title,
    text: `${title}\n\n${fields.map((f) => `${f.label}\n${f.value}`).join("\n\n")}`,
    fields,
    visibility: "public",
    tone: "info",
    // Who it names, so forget-me can find a digest still waiting to go out.
    about: [...new Set([...wins.slice(0, shownWins.shown).map((w) => w.memberId), ...helpers.helpers.slice(0, shownHelpers.shown).map((h) => h.memberId)])],
  };
}

/** Most items a section lists before "+N more". */
const SECTION_ITEMS = 10;
/** Characters a section may take: within Discord's 1,024 for an embed field, the smallest any platform allows. */
const SECTION_CHARS = 1000;
/** Longest one item (a win, a company's name) runs before it is cut short with "…". */
const ITEM_CHARS = 200;

/**
 * Items in order, as many as fit in a section (SECTION_ITEMS, SECTION_CHARS), then "+N more" for
 * the rest of `total`: the digest never leaves anything out without saying so.
 */
function listed(items: string[], total: number, options: { join?: string; beforeMore?: string; chars?: number } = {}): { text: string; shown: number } {
  const join = options.join ?? "\n";
  const beforeMore = options.beforeMore ?? "\n";
  const chars = options.chars ?? SECTION_CHARS;
  const more = (n: number) => (n > 0 ? `${beforeMore}+${n} more` : "");
  let text = "";
  let shown = 0;
  for (const item of items.slice(0, SECTION_ITEMS)) {
    const next = `${text}${shown ? join : ""}${clip(item)}`;
    if (next.length + more(total - shown - 1).length > chars) break;
    text = next;
    shown++;
  }
  return { text: shown ? text + more(total - shown) : `+${total} more`, shown };
}

function clip(item: string): string {
  const chars = [...item];
  return chars.length <= ITEM_CHARS ? item : `${chars.slice(0, ITEM_CHARS - 1).join("")}…`;
}

/** Goals set and met across the club; before the first is met, a cheer rather than a 0%. */
function goalsLine(goals: { set: number; met: number }): string {
  if (!goals.set) return "No goals set this week.";
  if (!goals.met) return `${plural(goals.set, "goal")} set this week. Here's to ticking off the first!`;
  return `${goals.met} of ${plural(goals.set, "goal")} met (${Math.round((goals.met / goals.set) * 100)}%)`;
}
