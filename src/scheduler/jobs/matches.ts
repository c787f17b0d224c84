import { isoWeek } from "../../core/dates.js";
import { memberRef } from "../../core/mentions.js";
import { computeMatches } from "../../core/services/matching.js";
import { RELATION_PHRASES } from "../../core/services/intros.js";
import type { Button } from "../../core/types.js";
import { byMember, sendPrompts, type Job } from "./job.js";

const WEEK = 7 * 86_400_000;
/** A pair suggested once is not suggested again for this long. */
export const REPEAT_AFTER_WEEKS = 12;
export const HELPER_WEEKLY_CAP = 3;
export const SUGGESTIONS_PER_MEMBER = 3;

/**
 * Weekly, per opted-in member: warm paths to their targets, best first, with a one-click ask; and
 * accountability buddies for targets nobody has a path to.
 */
export const matches: Job = async (ctx) => {
  if (!ctx.club.nudgesEnabled) return 0;
  const s = ctx.store.scheduling;
  const week = isoWeek(ctx.slot, ctx.club.timezone);
  const seekers = await s.matchSeekers(ctx.now);
  if (seekers.length === 0) return 0;
  const ties = await s.helperTies([...new Set(seekers.map((x) => x.companyId))], ctx.now);
  const lastHelped = await s.lastHelped();
  const repeatWindow = new Date(ctx.now.getTime() - REPEAT_AFTER_WEEKS * WEEK);
  await s.pruneSuggestions(repeatWindow);
  const skipPairs = await s.pairsToSkip(repeatWindow);
  const helperLoad = await s.suggestionsThisWeek(week);
  const { suggestions, buddies } = computeMatches({ seekers, ties, lastHelped, skipPairs, helperLoad, now: ctx.now, helperCap: HELPER_WEEKLY_CAP, perMember: SUGGESTIONS_PER_MEMBER });
  await s.recordSuggestions(suggestions.map((x) => ({ memberId: x.memberId, helperId: x.helperId, companyId: x.companyId })), week, ctx.now);

  const suggestionsOf = byMember(suggestions);
  const recipients = [...new Set([...suggestions.map((x) => x.memberId), ...buddies.keys()])];
  const members = await ctx.store.members.getMany(recipients);
  const names = new Map((await ctx.store.members.getMany([...new Set([...buddies.values()].flat().map((b) => b.memberId))])).map((m) => [m.id, m.displayName]));
  return sendPrompts(
    ctx,
    members.sort((a, b) => a.id - b.id),
    (member) => {
      const mine = suggestionsOf.get(member.id) ?? [];
      const pals = buddies.get(member.id) ?? [];
      const lines: string[] = [];
      if (mine.length) lines.push(`Warm paths to your targets this week:\n${mine.map((x) => `• ${x.helperName} ${RELATION_PHRASES[x.relation]} ${x.company}`).join("\n")}`);
      if (pals.length) lines.push(`Aiming at the same companies, with no path yet (team up?):\n${pals.map((p) => `• ${names.get(p.memberId) ?? "a member"}: ${p.company}`).join("\n")}`);
      const buttons: Button[] = mine
        .map((x) => ({ label: `Ask ${x.helperName} about ${x.company}`.slice(0, 75), command: `intro ${memberRef(x.helperId)} ${x.company}`, style: "primary" as const }))
        .filter((b) => b.command.length <= 100);
      return { title: "Your matches this week", text: `Hi ${member.displayName}!\n${lines.join("\n\n")}`, visibility: "private", tone: "info", buttons };
    },
    `matches:${ctx.slot.toISOString()}`,
    (member) => [...(suggestionsOf.get(member.id) ?? []).map((x) => x.helperId), ...(buddies.get(member.id) ?? []).map((b) => b.memberId)],
  );
};
