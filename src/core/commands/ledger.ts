import { z } from "zod";
import { arg } from "../args.js";
import { defineCommand } from "../command.js";
import { successReply } from "../reply.js";
import { UserError } from "../errors.js";
import { activityKinds } from "../vocabulary.js";
import { helpKinds } from "../vocabulary.js";
import { memberByMention } from "../services/members.js";
import { companyMentionedIn } from "../services/companies.js";
import { DM_LIMITS, enforceLimits } from "../services/rate-limits.js";

export const log = defineCommand({
  name: "log",
  summary: "Log networking or job-search activity",
  usage: `log ${activityKinds.join("|")} [note]`,
  examples: ["log coffee with a PM from Acme", "log application Globex backend role"],
  args: z.object({
    kind: arg.choice(activityKinds, { label: "activity", description: "outreach, coffee, informational, application or interview" }),
    note: arg.text({ max: 500, optional: true, label: "note", description: "A note for yourself (optional)" }),
  }),
  async run(ctx, { kind, note }) {
    // A note naming one of my network's companies keeps that contact warm (keep-in-touch).
    const ties = note ? await ctx.store.network.tiesOf(ctx.me.id) : [];
    const company = note ? companyMentionedIn(note, ties) : undefined;
    await ctx.store.ledger.logActivity(ctx.me.id, kind, note ?? null, company?.companyId ?? null, ctx.clock.now());
    return successReply(`Logged ${kind}${note ? `: ${note}` : ""}.${company ? ` Your ${company.company} contact is fresh again.` : ""} Every conversation counts.`);
  },
});

export const win = defineCommand({
  name: "win",
  summary: "Share a win with the club",
  usage: "win <text>",
  examples: ["win Got a second-round interview at Acme!"],
  args: z.object({ text: arg.text({ max: 500, label: "win", description: "What went well" }) }),
  async run(ctx, { text }) {
    await ctx.store.ledger.addWin(ctx.me.id, text, ctx.clock.now());
    await ctx.send({
      kind: "channel",
      channelId: ctx.channelId ?? null,
      about: [ctx.me.id],
      reply: { text: `🎉 ${ctx.me.displayName}: ${text}`, visibility: "public", tone: "success" },
    });
    return successReply("🎉 Congratulations! I've shared it with the club, and it will be in the weekly digest.");
  },
});

export const thanks = defineCommand({
  name: "thanks",
  summary: "Thank a member for their help",
  usage: `thanks @member [${helpKinds.join("|")}] [note]`,
  examples: ["thanks @bob referral for putting in a word at Acme"],
  args: z.object({
    member: arg.mention({ label: "member", description: "Who helped you" }),
    kind: arg.choice(helpKinds, { optional: true, label: "kind of help", description: "information, contact, connection or referral" }),
    note: arg.text({ max: 500, optional: true, label: "note", description: "What they did (optional)" }),
  }),
  async run(ctx, args) {
    const helper = await memberByMention(ctx, args.member);
    if (helper.id === ctx.me.id) throw new UserError("THANKS.SELF", "Thanking yourself is lovely, but the ledger is for thanking others.");
    await enforceLimits(ctx, DM_LIMITS.thanks, (since, limit) => ctx.store.ledger.thanksSentSince(ctx.me.id, since, limit));
    await ctx.store.ledger.addThanks({ from: ctx.me.id, to: helper.id, kind: args.kind ?? null, note: args.note ?? null, now: ctx.clock.now() });
    const forWhat = args.kind ? ` for the ${args.kind}` : "";
    await ctx.send({
      kind: "direct",
      to: helper.id,
      about: [ctx.me.id],
      reply: { text: `💛 ${ctx.me.displayName} thanked you${forWhat}${args.note ? `: “${args.note}”` : "."}`, visibility: "private", tone: "success" },
    });
    return successReply(`Thanks sent to ${helper.displayName}. Generosity is how a job club works.`);
  },
});
