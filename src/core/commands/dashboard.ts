import { z } from "zod";
import { defineCommand } from "../command.js";
import { privateReply } from "../reply.js";
import { UserError } from "../errors.js";
import { requireOrganiser } from "../services/organisers.js";
import { clubLinkKey, LINK_LIFETIME_MS, signLink } from "../services/dashboard-links.js";

export const dashboard = defineCommand({
  name: "dashboard",
  summary: "A private sign-in link to the club's dashboard: weeks, funnel, people, intros (organisers)",
  usage: "dashboard",
  examples: ["dashboard"],
  args: z.object({}),
  async run(ctx) {
    await requireOrganiser(ctx);
    if (!ctx.web) throw new UserError("DASHBOARD.OFF", "This Warmpath serves no web pages, so there is no dashboard to open.");
    const now = ctx.clock.now();
    const key = await clubLinkKey(ctx.store, ctx.web.dashboardSecret, now, true);
    const token = signLink(key!, { clubId: ctx.club.id, memberId: ctx.me.id, viaAdmin: ctx.actor.isPlatformAdmin === true }, now);
    const url = `${ctx.web.publicUrl}/dashboard/sign-in?token=${token}`;
    const minutes = Math.round(LINK_LIFETIME_MS / 60_000);
    return privateReply(
      `Your sign-in link to ${ctx.club.name}'s dashboard: ${url}\nIt works once, for the next ${minutes} minutes, and signs in only you: please don't share it. \`dashboard\` gives you a fresh one.`,
      { title: "Club dashboard", links: [{ label: "Open the dashboard", url }] },
    );
  },
});
