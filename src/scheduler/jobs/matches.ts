import { isoWeek } from "../../core/dates.js";
import { computeMatches } from "../../core/services/matching.js";
import { started } from "../../db/client.js";
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
 *
 * Built for clubs of 100,000 members in one transaction: the inputs are read packed (ids, no
 * names), the database prunes the old suggestions while the ranking runs, and the DMs are queued
 * as one fan-out row beside the suggestions they are rendered from: the dispatcher writes them out
 * into the outbox after the commit, a chunk at a time (src/db/store/fanouts.ts). The run's
 * transaction thus writes a row per suggestion and per member counted, not a row and a JSON
 * document per DM besides (that was half its time at 10,000 members).
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
  // Those with something to hear get this week's matches; seekers due the "still want these?"
  // question get that instead (and no matches).
  const prompted = members.filter((m) => promptFate(m) === "prompt" && (suggestionsOf.has(m.id) || buddies.has(m.id))).map((m) => m.id);
  const asking = members.filter((m) => promptFate(m) === "ask");
  const sent = new Set(prompted);
  await pruning.answer;

  // Recorded as sent: not suggested again within the repeat window, and counted in the helper's
  // cap. The messages are rendered from these rows when the fan-out is written out.
  await s.recordSuggestions(
    suggestions.filter((x) => sent.has(x.memberId)),
    [...buddies].filter(([memberId]) => sent.has(memberId)).flatMap(([memberId, pals]) => pals.map((p) => ({ memberId, helperId: p.memberId, companyId: p.companyId }))),
    week,
    ctx.now,
  );
  const key = `matches:${ctx.slot.toISOString()}`;
  await ctx.fanOut({ kind: "matches", recipients: prompted, dedupePrefix: key, suggestedAt: ctx.now });
  // Only "still want these?" questions here: the matches' prompts are counted as the fan-out is
  // written out, DM by DM (src/db/store/fanouts.ts).
  const { queued } = await sendPrompts(ctx, asking, () => undefined, key);
  return prompted.length + queued;
};
