import { z } from "zod";
import { arg } from "../args.js";
import { defineCommand } from "../command.js";
import { privateReply, successReply } from "../reply.js";
import { forgetMember } from "../services/organiser-actions.js";

export const exportData = defineCommand({
  name: "export",
  createsMember: false,
  readOnly: true,
  summary: "All your data as JSON, sent privately",
  usage: "export",
  args: z.object({}),
  async run(ctx) {
    if (!ctx.member) return privateReply("I hold no data about you in this club: you're not a member. `join` makes you one.");
    const data = await ctx.store.personalData.export(ctx.member.id);
    const document = { exportedAt: ctx.clock.now().toISOString(), club: { id: ctx.club.id, name: ctx.club.name }, ...data };
    const counts = Object.entries(data)
      .filter(([, rows]) => rows.length > 0)
      .map(([table, rows]) => `${table}: ${rows.length}`)
      .join(", ");
    return privateReply(`Here is everything Warmpath holds about you (${counts}).`, {
      title: "Your data",
      attachment: { filename: "warmpath-export.json", contentType: "application/json", content: JSON.stringify(document, null, 2) },
    });
  },
});

export const forgetMe = defineCommand({
  name: "forget-me",
  createsMember: false,
  summary: "Delete all of your data (asks for confirmation first)",
  usage: "forget-me [confirm]",
  args: z.object({
    confirm: arg.choice(["confirm"], { optional: true, label: "confirm", description: "Type confirm to delete everything" }),
  }),
  async run(ctx, { confirm }) {
    if (!ctx.member) return privateReply("I hold no data about you in this club, so there is nothing to delete.");
    if (!confirm) {
      return privateReply(
        "This deletes your profile, goals, targets, network, introductions, activity, wins and thanks, for good. " +
          "Want a copy first? Use `export`. To go ahead, press the button or type `forget-me confirm`.",
        { title: "Delete all your data?", buttons: [{ label: "Delete everything", command: "forget-me confirm", style: "danger" }, { label: "Export first", command: "export" }] },
      );
    }
    // The same deletion as an organiser's removal: every row, and the accounts remembered as hashes.
    const total = await forgetMember(ctx.store, ctx.member.id, ctx.clock.now());
    return successReply(
      `Done: ${total} records about you are deleted, and I won't message you or add you back unless you \`join\` again. Good luck out there!`,
    );
  },
});
