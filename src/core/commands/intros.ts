import { z } from "zod";
import { arg } from "../args.js";
import { defineCommand } from "../command.js";
import { privateReply, successReply } from "../reply.js";
import { UserError } from "../errors.js";
import { helpKinds, introOutcomes } from "../vocabulary.js";
import { isPaused, memberByMention, nameWithHeadline, pauseNote } from "../services/members.js";
import { splitAtKnownCompany } from "../services/companies.js";
import { DM_LIMITS, enforceLimits } from "../services/rate-limits.js";
import {
  RELATION_PHRASES,
  askButtons,
  helperRequestMessage,
  introParties,
  lockIntro,
  nextBestHelpers,
  otherPathsText,
  roomMessage,
} from "../services/intros.js";

const introNumber = () => arg.int({ min: 1, max: 2_147_483_647, label: "intro id", description: "The intro's number, e.g. 12" });

export const introRequest = defineCommand({
  name: "intro request",
  summary: "Ask a member for a double opt-in introduction at a company",
  usage: `intro @member [${helpKinds.join("|")}] <company>[: ask]`,
  examples: ["intro @bob Acme Corp: could you introduce me to someone on the data team?", "intro @bob referral Globex"],
  args: z.object({
    helper: arg.mention({ label: "member", description: "Who you'd like the introduction from" }),
    kind: arg.choice(helpKinds, { optional: true, label: "kind of help", description: "information, contact, connection or referral" }),
    company: arg.company({ description: "The company" }),
    ask: arg.text({ max: 500, optional: true, label: "ask", description: "What you'd like help with" }),
  }),
  async run(ctx, args) {
    const now = ctx.clock.now();
    const helper = await memberByMention(ctx, args.helper);
    if (helper.id === ctx.me.id) throw new UserError("INTRO.SELF", "You can't ask yourself for an introduction. `who <company>` finds others.");
    if (isPaused(helper, now)) {
      throw new UserError("INTRO.PAUSED", `${helper.displayName} is taking a break${pauseNote(ctx, helper)}. Try someone else: \`who ${args.company}\`.`);
    }
    let { company: companyName, ask } = args;
    if (!ask) {
      const split = await splitAtKnownCompany(ctx, companyName);
      if (split) ({ company: companyName, rest: ask } = split);
    }
    await enforceLimits(ctx, DM_LIMITS.intros, (since, limit) => ctx.store.intros.requestedSince(ctx.me.id, since, limit));
    const company = await ctx.store.companies.resolve(companyName, now);
    await ctx.store.intros.lockNumbering();
    const open = await ctx.store.intros.findOpen(ctx.me.id, helper.id, company.id);
    if (open) {
      throw new UserError("INTRO.DUPLICATE", `You already asked ${helper.displayName} about ${company.name} (#${open.number}, ${open.status}).`);
    }
    const intro = await ctx.store.intros.create({ requesterId: ctx.me.id, helperId: helper.id, companyId: company.id, ask: ask ?? null, kind: args.kind ?? "connection", now });
    await ctx.send({
      kind: "direct",
      to: helper.id,
      about: [ctx.me.id],
      notifyOnFallback: ctx.me.id,
      reply: helperRequestMessage(intro, ctx.me, company.name),
      dedupeKey: `intro:${intro.number}:request`,
    });
    return successReply(`Asked ${helper.displayName} for an introduction at ${company.name} (#${intro.number}). I'll tell you as soon as they answer.`);
  },
});

export const introAccept = defineCommand({
  name: "intro accept",
  summary: "Accept an introduction you were asked for",
  usage: "intro accept <id>",
  args: z.object({ id: introNumber() }),
  async run(ctx, { id }) {
    const intro = await lockIntro(ctx, id);
    const { requester, helper } = await introParties(ctx, intro);
    if (intro.helperId !== ctx.me.id) {
      throw new UserError("INTRO.NOT_HELPER", `Only ${helper.displayName} can answer intro #${id}.`);
    }
    if (intro.status === "accepted") return privateReply(`You already accepted #${id}: the conversation with ${requester.displayName} is open.`);
    if (intro.status !== "requested") throw new UserError("INTRO.CLOSED", `Intro #${id} is ${intro.status}; it can't be accepted any more.`);
    const now = ctx.clock.now();
    await ctx.store.intros.update(intro.id, { status: "accepted", respondedAt: now });
    const companyName = (await ctx.store.companies.get(intro.companyId))?.name ?? "the company";
    const tie = (await ctx.store.network.tiesOf(helper.id)).find((t) => t.companyId === intro.companyId);
    await ctx.send({
      kind: "room",
      members: [requester.id, helper.id],
      reply: roomMessage(intro, requester, helper, companyName, tie ? RELATION_PHRASES[tie.relation] : undefined),
      dedupeKey: `intro:${intro.number}:room`,
    });
    return successReply(`Thank you! I've opened a conversation with you and ${requester.displayName} about ${companyName} (#${id}).`);
  },
});

export const introDecline = defineCommand({
  name: "intro decline",
  summary: "Decline an introduction, with an optional reason for the requester",
  usage: "intro decline <id> [reason]",
  args: z.object({
    id: introNumber(),
    reason: arg.text({ max: 300, optional: true, label: "reason", description: "A kind word for the requester (optional)" }),
  }),
  async run(ctx, { id, reason }) {
    const intro = await lockIntro(ctx, id);
    const { requester, helper } = await introParties(ctx, intro);
    if (intro.helperId !== ctx.me.id) throw new UserError("INTRO.NOT_HELPER", `Only ${helper.displayName} can answer intro #${id}.`);
    if (intro.status === "declined") return privateReply(`You already declined #${id}.`);
    if (intro.status !== "requested") throw new UserError("INTRO.CLOSED", `Intro #${id} is ${intro.status}; it can't be declined any more.`);
    await ctx.store.intros.update(intro.id, { status: "declined", respondedAt: ctx.clock.now(), declineReason: reason ?? null });
    const companyName = (await ctx.store.companies.get(intro.companyId))?.name ?? "the company";
    const next = await nextBestHelpers(ctx.store, ctx.clock.now(), { ...intro, status: "declined" });
    const because = reason ? ` They said: “${reason}”` : "";
    await ctx.send({
      kind: "direct",
      to: requester.id,
      about: [helper.id, ...next.map((n) => n.memberId)],
      dedupeKey: `intro:${intro.number}:declined`,
      reply: {
        title: `Intro #${id}: ${companyName}`,
        text: `${helper.displayName} can't help with ${companyName} right now.${because} No hard feelings: it happens, and there are other paths.${otherPathsText(next, companyName)}`,
        visibility: "private",
        tone: "info",
        buttons: askButtons(next, companyName),
      },
    });
    return successReply(`Declined #${id}. I'll let ${requester.displayName} know kindly and point them to other paths.`);
  },
});

export const introOutcome = defineCommand({
  name: "intro outcome",
  summary: "Record how an accepted introduction went",
  usage: `intro outcome <id> ${introOutcomes.join("|")}`,
  examples: ["intro outcome 12 met"],
  args: z.object({
    id: introNumber(),
    outcome: arg.choice(introOutcomes, { label: "outcome", position: "end", description: "met, not-yet, no-show or hired" }),
  }),
  async run(ctx, { id, outcome }) {
    const intro = await lockIntro(ctx, id);
    if (intro.requesterId !== ctx.me.id && intro.helperId !== ctx.me.id) throw new UserError("INTRO.NOT_PARTY", `Only the two members of intro #${id} can record how it went.`);
    if (intro.status !== "accepted") throw new UserError("INTRO.NOT_ACCEPTED", `Intro #${id} is ${intro.status}; outcomes are for accepted intros.`);
    if (outcome === "not-yet") {
      // Asked again a week from now by the follow-ups job.
      await ctx.store.intros.update(intro.id, { outcome, outcomeAt: ctx.clock.now(), followedUpAt: null });
      return successReply(`No rush. I'll check in about #${id} again in a week.`);
    }
    await ctx.store.intros.update(intro.id, { outcome, outcomeAt: ctx.clock.now() });
    return successReply(outcome === "hired" ? `🎉 Hired! That's the best outcome there is. Recorded for #${id}.` : `Recorded: #${id} ${outcome}. Thanks for closing the loop.`);
  },
});

export const introList = defineCommand({
  name: "intro list",
  createsMember: false,
  summary: "Your introductions: asked of you and asked by you",
  usage: "intro list",
  args: z.object({}),
  async run(ctx) {
    const mine = await ctx.store.intros.involving(ctx.me.id);
    if (mine.length === 0) return privateReply("No introductions yet. `who <company>` finds someone to ask.", { title: "Your intros" });
    const people = new Map((await ctx.store.members.getMany([...new Set(mine.flatMap((i) => [i.requesterId, i.helperId]))])).map((m) => [m.id, m]));
    const lines = mine.map((i) => {
      const asked = i.helperId === ctx.me.id;
      const other = people.get(asked ? i.requesterId : i.helperId);
      const who = other ? nameWithHeadline(other) : "someone";
      return `#${i.number} ${asked ? `${who} asked you` : `you asked ${who}`} about ${i.company}: ${i.status}${i.outcome ? ` (${i.outcome})` : ""}`;
    });
    const waitingOnMe = mine.filter((i) => i.helperId === ctx.me.id && i.status === "requested").slice(0, 2);
    return privateReply(lines.join("\n"), {
      title: "Your intros",
      buttons: waitingOnMe.flatMap((i) => [
        { label: `Accept #${i.number}`, command: `intro accept ${i.number}`, style: "primary" as const },
        { label: `Decline #${i.number}`, command: `intro decline ${i.number}`, style: "danger" as const },
      ]),
    });
  },
});
