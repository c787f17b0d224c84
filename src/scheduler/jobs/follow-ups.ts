import { ago, askButtons, capitalise, helperRequestMessage, nextBestHelpers, otherPathsText } from "../../core/services/intros.js";
import { isPaused } from "../../core/services/members.js";
import type { MemberRow } from "../../db/store/club-store.js";
import type { Job } from "./job.js";

const DAY = 86_400_000;
export const REMIND_AFTER_DAYS = 3;
export const EXPIRE_AFTER_DAYS = 7;
export const ASK_OUTCOME_AFTER_DAYS = 7;

/**
 * Daily: one reminder to helpers silent for 3 days; after 7 days the request expires and the
 * requester gets the next-best helpers; 7 days after a room opened, both are asked how it went.
 */
export const followUps: Job = async (ctx) => {
  const { store, now } = ctx;
  const s = store.scheduling;
  let sent = 0;
  const people = new Map<number, MemberRow>();
  const person = async (id: number) => {
    if (!people.has(id)) {
      const found = await store.members.get(id);
      if (found) people.set(id, found);
    }
    return people.get(id);
  };
  const companyName = async (id: number) => (await store.companies.get(id))?.name ?? "the company";

  const expiring = await s.expireIntros(new Date(now.getTime() - EXPIRE_AFTER_DAYS * DAY), now);
  for (const intro of expiring) {
    const [requester, helper, company] = [await person(intro.requesterId), await person(intro.helperId), await companyName(intro.companyId)];
    if (!requester || !helper) continue;
    const next = await nextBestHelpers(store, now, intro);
    await ctx.send({
      kind: "direct",
      to: requester.id,
      about: [helper.id, ...next.map((n) => n.memberId)],
      dedupeKey: `intro:${intro.number}:expired`,
      reply: {
        title: `Intro #${intro.number}: ${company}`,
        text:
          `${helper.displayName} hasn't answered your request about ${company} in a week, so I've closed it. Don't take it personally: people get busy. Next!` +
          otherPathsText(next, company),
        visibility: "private",
        tone: "info",
        buttons: askButtons(next, company),
      },
    });
    sent++;
  }

  const silent = await s.claimReminders(new Date(now.getTime() - REMIND_AFTER_DAYS * DAY), now);
  for (const intro of silent) {
    const [requester, helper] = [await person(intro.requesterId), await person(intro.helperId)];
    if (!requester || !helper || isPaused(helper, now)) continue;
    const request = helperRequestMessage(intro, requester, await companyName(intro.companyId));
    await ctx.send({
      kind: "direct",
      to: helper.id,
      about: [requester.id],
      dedupeKey: `intro:${intro.number}:reminder`,
      reply: { ...request, title: `Reminder: ${request.title}`, text: `A gentle reminder: ${requester.displayName} is waiting for your answer. Either answer is fine!\n\n${request.text}` },
    });
    sent++;
  }

  const met = await s.claimFollowUps(new Date(now.getTime() - ASK_OUTCOME_AFTER_DAYS * DAY), now);
  for (const intro of met) {
    const [requester, helper, company] = [await person(intro.requesterId), await person(intro.helperId), await companyName(intro.companyId)];
    if (!requester || !helper) continue;
    // The real age: a "not yet" asked again weeks later must not say "a week ago".
    const introduced = capitalise(ago(intro.respondedAt ?? intro.requestedAt, now));
    for (const [me, other] of [
      [requester, helper],
      [helper, requester],
    ] as const) {
      if (isPaused(me, now)) continue;
      await ctx.send({
        kind: "direct",
        to: me.id,
        about: [other.id],
        dedupeKey: `intro:${intro.number}:how-did-it-go:${me.id}:${(intro.outcomeAt ?? intro.respondedAt ?? now).toISOString()}`,
        reply: {
          title: `How did it go? Intro #${intro.number}`,
          text: `${introduced} I introduced you and ${other.displayName} about ${company}. Did you meet?`,
          visibility: "private",
          tone: "info",
          buttons: [
            { label: "We met", command: `intro outcome ${intro.number} met`, style: "primary" },
            { label: "Not yet", command: `intro outcome ${intro.number} not-yet` },
            { label: "No-show", command: `intro outcome ${intro.number} no-show` },
          ],
        },
      });
      sent++;
    }
  }
  return sent;
};
