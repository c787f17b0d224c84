import type { ClubRow, ClubStore } from "../../db/store/club-store.js";
import { isoWeek, startOfIsoWeek } from "../dates.js";
import { plural } from "../reply.js";
import type { Field, Reply } from "../types.js";

/**
 * The weekly digest for the ISO week that `at` falls in (club timezone), up to `at`: wins, goals
 * set and met, introductions, the most generous helpers, new targets and the open asks. Short lines,
 * one field per section, so it reads well as Block Kit, a Discord embed and plain text.
 */
export async function buildDigest(store: ClubStore, club: ClubRow, at: Date): Promise<Reply & { about: number[] }> {
  const from = startOfIsoWeek(at, club.timezone);
  const to = new Date(at.getTime() + 1);
  const week = isoWeek(at, club.timezone);
  const s = store.scheduling;
  // One after another: inside a transaction they share one connection.
  const wins = await s.winsBetween(from, to);
  const goals = await s.goalCounts([week]);
  const intros = await s.introCounts(from, to);
  const helpers = await s.generousHelpers(from, to);
  const newTargets = await s.newTargetCompanies(from, to);
  const openAsks = await s.openAsks();
  const activity = await s.activityCount(from, to);
  const fields: Field[] = [];
  fields.push({ label: "🎉 Wins", value: wins.length ? wins.slice(0, 10).map((w) => `• ${w.name}: ${w.text}`).join("\n") + (wins.length > 10 ? `\n…and ${wins.length - 10} more` : "") : "No wins shared yet: `win <text>` counts the small ones too." });
  fields.push({ label: "🎯 Goals", value: goals.set ? `${goals.met} of ${plural(goals.set, "goal")} met (${Math.round((goals.met / goals.set) * 100)}%)` : "No goals set this week." });
  fields.push({ label: "🤝 Introductions", value: `${intros.requested} requested · ${intros.accepted} accepted · ${plural(intros.met, "meeting")} reported` });
  if (helpers.length) fields.push({ label: "💛 Most generous helpers", value: helpers.map((h) => `• ${h.name} (${h.count})`).join("\n") });
  if (newTargets.length) fields.push({ label: "🏢 New target companies", value: newTargets.join(", ") });
  if (openAsks.length) {
    fields.push({
      label: "🙋 Who knows someone at…?",
      value: openAsks.map((a) => `• ${a.company}${a.seekers > 1 ? ` (${a.seekers} members)` : ""}`).join("\n") + "\nIf you do: `network add <company> knows`",
    });
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
    about: [...new Set([...wins.slice(0, 10).map((w) => w.memberId), ...helpers.map((h) => h.memberId)])],
  };
}
