import type { MemberRow } from "../../db/store/club-store.js";
import type { CommandContext } from "../command.js";
import { UserError } from "../errors.js";
import { formatDay } from "../dates.js";

/** The member's own timezone, else the club's. */
export function timezoneOf(ctx: Pick<CommandContext, "club">, member: Pick<MemberRow, "timezone">): string {
  return member.timezone ?? ctx.club.timezone;
}

/** "Bob (Staff engineer)". */
export function nameWithHeadline(member: Pick<MemberRow, "displayName" | "headline">): string {
  return member.headline ? `${member.displayName} (${member.headline})` : member.displayName;
}

/** A member named by a mention, in this club only. */
export async function memberByMention(ctx: CommandContext, platformUserId: string): Promise<MemberRow> {
  const member = await ctx.store.members.findByPlatformUser(ctx.platform, platformUserId);
  if (!member) {
    throw new UserError(
      "MEMBER.NOT_FOUND",
      `I don't know that member yet: they haven't used Warmpath in this club. Ask them to type \`join\` first.`,
    );
  }
  return member;
}

/** A paused member with the date it ends, for texts. */
export function pauseNote(ctx: CommandContext, member: MemberRow): string {
  if (member.status !== "paused") return "";
  return member.pausedUntil ? ` (paused until ${formatDay(member.pausedUntil, timezoneOf(ctx, member))})` : " (paused)";
}

/** How to point at a member in a button's command line, on this platform. */
export async function mentionFor(ctx: CommandContext, memberId: number): Promise<string | undefined> {
  const accounts = await ctx.store.members.platformUserIds(memberId);
  const account = accounts.find((a) => a.platform === ctx.platform);
  return account ? `<@${account.platformUserId}>` : undefined;
}
