import { isoWeek } from "../../core/dates.js";
import { memberRef } from "../../core/mentions.js";
import { computeMatches } from "../../core/services/matching.js";
import { RELATION_PHRASES } from "../../core/services/intros.js";
import type { Button } from "../../core/types.js";
import { byMember, promptFate, sendPrompts, type Job } from "./job.js";

const WEEK = 7 * 86_400_000;
/**
 * A path (member, helper, company) or team-up suggested once, or an intro asked, is not suggested
 * again for this long; a declined intro never is.
 */
export const REPEAT_AFTER_WEEKS = 12;
export const HELPER_WEEKLY_CAP = 3;
export const SUGGESTIONS_PER_MEMBER = 3;

/**
 * Weekly, per opted-in member: warm paths to their targets, best first, with a one-click ask; and
 * accountability buddies for targets nobody has a path to. What is sent is recorded, and only that:
 * a member who gets no message this week (waiting on "still want these?") is not matched at all.
 */
export const matches: Job = async (ctx) => {
  if (!ctx.club.nudgesEnabled) return 0;
  const s = ctx.store.scheduling;
  const week = isoWeek(ctx.slot, ctx.club.timezone);
  const seekers = await s.matchSeekers(ctx.now);
  if (seekers.length === 0) return 0;
  const seekerRows = await ctx.store.members.getMany([...new Set(seekers.map((x) => x.memberId))]);
  const names = new Map(seekerRows.map((m) => [m.id, m.displayName]));
  const companyNames = new Map(seekers.map((x) => [x.companyId, x.company]));
  const recipients = new Set(seekerRows.filter((m) => promptFate(m) === "prompt").map((m) => m.id));
  const ties = await s.helperTies([...new Set(seekers.map((x) => x.companyId))], ctx.now);
  const helperNames = new Map(ties.map((t) => [t.memberId, t.displayName]));
  const lastHelped = await s.lastHelped();
  const repeatWindow = new Date(ctx.now.getTime() - REPEAT_AFTER_WEEKS * WEEK);
  await s.pruneSuggestions(repeatWindow);
  const skipPairs = await s.pairsToSkip(repeatWindow);
  const skipTeamUps = await s.teamUpsToSkip(repeatWindow);
  const helperLoad = await s.suggestionsThisWeek(week);
  const { suggestions, buddies } = computeMatches({
    seekers,
    ties,
    lastHelped,
    skipPairs,
    skipTeamUps,
    recipients,
    helperLoad,
    now: ctx.now,
    helperCap: HELPER_WEEKLY_CAP,
    perMember: SUGGESTIONS_PER_MEMBER,
  });

  const suggestionsOf = byMember(suggestions);
  // Those with something to hear, and seekers due the "still want these?" question instead.
  const members = seekerRows.filter((m) => suggestionsOf.has(m.id) || buddies.has(m.id) || promptFate(m) === "ask").sort((a, b) => a.id - b.id);
  const { queued, prompted } = await sendPrompts(
    ctx,
    members,
    (member) => {
      const mine = (suggestionsOf.get(member.id) ?? []).map((x) => ({ ...x, helperName: helperNames.get(x.helperId)!, company: companyNames.get(x.companyId)! }));
      const pals = buddies.get(member.id) ?? [];
      const lines: string[] = [];
      if (mine.length) lines.push(`Warm paths to your targets this week:\n${mine.map((x) => `• ${x.helperName} ${RELATION_PHRASES[x.relation]} ${x.company}`).join("\n")}`);
      if (pals.length) lines.push(`Aiming at the same companies, with no path yet (team up?):\n${pals.map((p) => `• ${names.get(p.memberId) ?? "a member"}: ${companyNames.get(p.companyId)}`).join("\n")}`);
      const buttons: Button[] = mine
        .map((x) => ({ label: `Ask ${x.helperName} about ${x.company}`.slice(0, 75), command: `intro ${memberRef(x.helperId)} ${x.company}`, style: "primary" as const }))
        .filter((b) => b.command.length <= 100);
      return { title: "Your matches this week", text: `Hi ${member.displayName}!\n${lines.join("\n\n")}`, visibility: "private", tone: "info", buttons };
    },
    `matches:${ctx.slot.toISOString()}`,
    (member) => [...(suggestionsOf.get(member.id) ?? []).map((x) => x.helperId), ...(buddies.get(member.id) ?? []).map((b) => b.memberId)],
  );

  // Recorded as sent: not suggested again within the repeat window, and counted in the helper's cap.
  const sent = new Set(prompted);
  await s.recordSuggestions(
    suggestions.filter((x) => sent.has(x.memberId)).map((x) => ({ memberId: x.memberId, helperId: x.helperId, companyId: x.companyId })),
    week,
    ctx.now,
  );
  await s.recordSuggestions(
    [...buddies].filter(([memberId]) => sent.has(memberId)).flatMap(([memberId, pals]) => pals.map((p) => ({ memberId, helperId: p.memberId, companyId: p.companyId }))),
    week,
    ctx.now,
    "team-up",
  );
  return queued;
};
