import { z } from "zod";
import { arg } from "../args.js";
import { defineCommand } from "../command.js";
import { plural, privateReply } from "../reply.js";
import { UserError } from "../errors.js";
import { directoryEntries } from "../services/members.js";
import type { Button } from "../types.js";

/** Members per page: ten fit every platform's message without cutting (Discord's 25 embed fields, Slack's blocks). */
export const DIRECTORY_PAGE = 10;

export const members = defineCommand({
  name: "members",
  createsMember: false,
  readOnly: true,
  summary: "The club directory: who is here, what they seek, target and where they have warm paths",
  usage: "members [page]",
  examples: ["members", "members 2"],
  args: z.object({
    page: arg.int({ min: 1, max: 10_000, optional: true, label: "page", description: "Which page of the directory (10 members a page)" }),
  }),
  async run(ctx, { page = 1 }) {
    // Members only (ctx.me asks anyone else to join first): the directory is the club's, not the workspace's.
    const viewer = ctx.me;
    const { total, members: shown } = await ctx.store.members.directory((page - 1) * DIRECTORY_PAGE, DIRECTORY_PAGE);
    const pages = Math.max(1, Math.ceil(total / DIRECTORY_PAGE));
    if (shown.length === 0) {
      throw new UserError("MEMBERS.PAGE", `The directory has ${plural(pages, "page")} (${plural(total, "member")}); there is no page ${page}.`, "members [page]");
    }
    const entries = await directoryEntries(ctx, shown);
    const from = (page - 1) * DIRECTORY_PAGE + 1;
    const heading = pages > 1 ? `${plural(total, "member")} · page ${page} of ${pages} (${from}–${from + shown.length - 1})` : plural(total, "member");
    const next = page < pages ? `\n+${total - (from + shown.length - 1)} more: \`members ${page + 1}\` shows the next page.` : "";
    const buttons: Button[] = [
      ...(page > 1 ? [{ label: "Previous page", command: `members ${page - 1}` }] : []),
      ...(page < pages ? [{ label: "Next page", command: `members ${page + 1}` }] : []),
    ];
    const you = (id: number) => (id === viewer.id ? " (you)" : "");
    return privateReply(`${heading}\n\n${entries.map((e) => `${e.member.displayName}${you(e.member.id)}: ${e.details}`).join("\n\n")}${next}\n\n\`profile @name\` shows one member; \`who <company>\` finds warm paths.`, {
      title: pages > 1 ? `Club directory (page ${page} of ${pages})` : "Club directory",
      fields: entries.map((e) => ({ label: `${e.member.displayName}${you(e.member.id)}`, value: e.details })),
      buttons,
    });
  },
});
