import { isoWeek } from "../../core/dates.js";
import { computeMatches, type MatchesNote } from "../../core/services/matching.js";
import type { DirectContent } from "../../core/outbound.js";
import { started } from "../../db/client.js";
import { byMember, promptFate, promptMessages, queuePrompts, type Job } from "./job.js";

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
 *
 * Built for clubs of 100,000 members in one transaction: the inputs are read packed (ids, no
 * names), names are read only for what is sent, and each message is queued as its lists of ids and
 * names, written out when delivered. The database works while this process does: it reads the
 * next input while the last is taken apart, prunes the old suggestions during the ranking, and
 * records the new ones while the messages are written (one statement at a time, see started).
 */
export const matches: Job = async (ctx) => {
  if (!ctx.club.nudgesEnabled) return 0;
  const s = ctx.store.scheduling;
  const week = isoWeek(ctx.slot, ctx.club.timezone);
  const repeatWindow = new Date(ctx.now.getTime() - REPEAT_AFTER_WEEKS * WEEK);
  const inputs = await s.matchInputs(ctx.now, repeatWindow, week);
  if (!inputs) return 0;
  // Suggestions older than the window are deleted while the ranking runs (it reads none of them).
  const pruning = await started(s.pruneSuggestions(repeatWindow));
  const { seekers, members, ties, lastHelped, skipPairs, skipTeamUps, helperLoad } = inputs;
  const recipients = new Set(members.filter((m) => promptFate(m) === "prompt").map((m) => m.id));
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
  const told = members.filter((m) => suggestionsOf.has(m.id) || buddies.has(m.id) || promptFate(m) === "ask");
  const named = new Set(told.map((m) => m.id));
  const companyIds = new Set<number>();
  for (const x of suggestions) {
    named.add(x.helperId);
    companyIds.add(x.companyId);
  }
  for (const pals of buddies.values()) {
    for (const p of pals) {
      named.add(p.memberId);
      companyIds.add(p.companyId);
    }
  }
  await pruning.answer;
  const { members: names, companies } = await s.names([...named], [...companyIds]);

  // Recorded as sent: not suggested again within the repeat window, and counted in the helper's
  // cap. Sent are the matches of those told who get this message (the others get the "still want
  // these?" question instead; this message always has something to say). The database records
  // them while the messages are written.
  const sent = new Set(told.filter((m) => promptFate(m) === "prompt").map((m) => m.id));
  const recording = await started(
    s.recordSuggestions(
      suggestions.filter((x) => sent.has(x.memberId)),
      [...buddies].filter(([memberId]) => sent.has(memberId)).flatMap(([memberId, pals]) => pals.map((p) => ({ memberId, helperId: p.memberId, companyId: p.companyId }))),
      week,
      ctx.now,
    ),
  );
  const nameOf = (memberId: number) => names.get(memberId) ?? "a member";

  const prompts = promptMessages(
    told,
    (member): DirectContent => {
      const matches: MatchesNote = {
        paths: (suggestionsOf.get(member.id) ?? []).map((x) => [x.helperId, nameOf(x.helperId), companies.get(x.companyId)!, x.relation]),
        teamUps: (buddies.get(member.id) ?? []).map((p) => [nameOf(p.memberId), companies.get(p.companyId)!]),
      };
      return { reply: { title: "Your matches this week", text: `Hi ${nameOf(member.id)}!`, visibility: "private", tone: "info" }, matches };
    },
    `matches:${ctx.slot.toISOString()}`,
    (member) => [...(suggestionsOf.get(member.id) ?? []).map((x) => x.helperId), ...(buddies.get(member.id) ?? []).map((b) => b.memberId)],
  );
  // The DMs' JSON is written while the suggestions are recorded; the DMs go out after them.
  return (await queuePrompts(ctx, prompts, recording.answer)).queued;
};
