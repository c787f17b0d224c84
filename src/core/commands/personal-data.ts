import { z } from "zod";
import { arg } from "../args.js";
import { defineCommand } from "../command.js";
import { privateReply, successReply } from "../reply.js";

export const exportData = defineCommand({
  name: "export",
  summary: "All your data as JSON, sent privately",
  usage: "export",
  args: z.object({}),
  async run(ctx) {
    const data = await ctx.store.personalData.export(ctx.me.id);
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
  summary: "Delete all of your data (asks for confirmation first)",
  usage: "forget-me [confirm]",
  args: z.object({
    confirm: arg.choice(["confirm"], { optional: true, label: "confirm", description: "Type confirm to delete everything" }),
  }),
  async run(ctx, { confirm }) {
    if (!confirm) {
      return privateReply(
        "This deletes your profile, goals, targets, network, introductions, activity, wins and thanks, for good. " +
          "Want a copy first? Use `export`. To go ahead, press the button or type `forget-me confirm`.",
        { title: "Delete all your data?", buttons: [{ label: "Delete everything", command: "forget-me confirm", style: "danger" }, { label: "Export first", command: "export" }] },
      );
    }
    const counts = await ctx.store.personalData.forget(ctx.me.id);
    const total = Object.values(counts).reduce((a, b) => a + b, 0);
    return successReply(`Done: ${total} records about you are deleted. If you come back, you'll start fresh. Good luck out there!`);
  },
});
