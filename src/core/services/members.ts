import type { MemberRow } from "../../db/store/club-store.js";
import type { CommandContext } from "../command.js";
import { UserError } from "../errors.js";
import { formatDay } from "../dates.js";
import { memberIdOfRef } from "../mentions.js";

/** The member's own timezone, else the club's. */
export function timezoneOf(ctx: Pick<CommandContext, "club">, member: Pick<MemberRow, "timezone">): string {
  return member.timezone ?? ctx.club.timezone;
}

/** Paused right now: a pause whose date has passed is over, even before anyone recorded it. */
export function isPaused(member: Pick<MemberRow, "status" | "pausedUntil">, now: Date): boolean {
  return member.status === "paused" && !(member.pausedUntil && member.pausedUntil <= now);
}

/** "Bob (Staff engineer)". */
export function nameWithHeadline(member: Pick<MemberRow, "displayName" | "headline">): string {
  return member.headline ? `${member.displayName} (${member.headline})` : member.displayName;
}

/** A member named by a mention (or a bot-written `<@#id>` reference), in this club only. */
export async function memberByMention(ctx: CommandContext, platformUserId: string): Promise<MemberRow> {
  const memberId = memberIdOfRef(platformUserId);
  const member = memberId === undefined ? await ctx.store.members.findByPlatformUser(ctx.platform, platformUserId) : await ctx.store.members.get(memberId);
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
