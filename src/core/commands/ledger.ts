import { z } from "zod";
import { arg } from "../args.js";
import { defineCommand } from "../command.js";
import { successReply } from "../reply.js";
import { UserError } from "../errors.js";
import { activityKinds, type ActivityKind } from "../vocabulary.js";
import { helpKinds } from "../vocabulary.js";
import { memberByMention } from "../services/members.js";
import { parseMention } from "../mentions.js";
import type { MemberRow } from "../../db/store/club-store.js";
import { companyMentionedIn } from "../services/companies.js";
import { endSentence } from "../services/intros.js";
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
    const fresh = company ? ` Your ${company.company} contact is fresh again.` : "";
    return successReply(`Logged ${kind}${note ? `: ${endSentence(note)}` : "."}${fresh} ${LOG_CHEERS[kind]}`);
  },
});

/** A word after logging that fits what was logged: an application is no conversation. */
const LOG_CHEERS: Record<ActivityKind, string> = {
  outreach: "Every message you send opens a door.",
  coffee: "Every conversation counts.",
  informational: "Every conversation counts: note what you learned while it's fresh.",
  application: "Fingers crossed! A warm path makes an application stand out: `who <company>` looks for one.",
  interview: "Well done for getting this far! When there's news, share it with `win <text>`.",
};

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
      // Back where it was typed: in a club on two platforms, a channel id means something on one.
      platform: ctx.platform,
      channelId: ctx.channelId ?? null,
      about: [ctx.me.id],
      reply: { text: `🎉 ${ctx.me.displayName}: ${text}`, visibility: "public", tone: "success" },
    });
    return successReply("🎉 Congratulations! I've shared it with the club, and it will be in the weekly digest.");
  },
});

/** Members one `thanks` can thank at once: `thanks @bob @chen referral`. */
const MAX_THANKED = 3;

export const thanks = defineCommand({
  name: "thanks",
  summary: "Thank one to three members for their help",
  usage: `thanks @member [@member2] [@member3] [${helpKinds.join("|")}] [note]`,
  examples: ["thanks @bob referral for putting in a word at Acme", "thanks @bob @chen information for the interview tips"],
  args: z.object({
    member: arg.mention({ label: "member", description: "Who helped you" }),
    member2: arg.mention({ optional: true, label: "member", description: "Someone else who helped (optional)" }),
    member3: arg.mention({ optional: true, label: "member", description: "A third who helped (optional)" }),
    kind: arg.choice(helpKinds, { optional: true, label: "kind of help", description: "information, contact, connection or referral" }),
    note: arg.text({ max: 500, optional: true, label: "note", description: "What they did (optional)" }),
  }),
  async run(ctx, args) {
    if (args.note && parseMention(args.note.split(/\s+/)[0]!)) {
      throw new UserError("THANKS.TOO_MANY", `One \`thanks\` thanks up to ${MAX_THANKED} members; send another for the rest.`, thanks.usage);
    }
    const helpers: MemberRow[] = [];
    for (const mention of [args.member, args.member2, args.member3]) {
      if (mention === undefined) continue;
      const helper = await memberByMention(ctx, mention);
      if (helper.id === ctx.me.id) throw new UserError("THANKS.SELF", "Thanking yourself is lovely, but the ledger is for thanking others.");
      if (!helpers.some((h) => h.id === helper.id)) helpers.push(helper);
    }
    const forWhat = args.kind ? ` for the ${args.kind}` : "";
    for (const helper of helpers) {
      // Counted one by one: thanking three uses three of the budget, and the third may be refused (then none are sent).
      await enforceLimits(ctx, DM_LIMITS.thanks, (since, limit) => ctx.store.ledger.thanksSentSince(ctx.me.id, since, limit));
      await ctx.store.ledger.addThanks({ from: ctx.me.id, to: helper.id, kind: args.kind ?? null, note: args.note ?? null, now: ctx.clock.now() });
      await ctx.send({
        kind: "direct",
        to: helper.id,
        about: [ctx.me.id],
        reply: { text: `💛 ${ctx.me.displayName} thanked you${forWhat}${args.note ? `: “${args.note}”` : "."}`, visibility: "private", tone: "success" },
      });
    }
    return successReply(`Thanks sent to ${andList(helpers.map((h) => h.displayName))}. Generosity is how a job club works.`);
  },
});

/** "bob", "bob and chen", "bob, chen and dara". */
function andList(names: string[]): string {
  return names.length <= 1 ? names.join("") : `${names.slice(0, -1).join(", ")} and ${names.at(-1)!}`;
}
