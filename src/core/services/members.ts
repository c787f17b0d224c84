import type { MemberRow } from "../../db/store/club-store.js";
import type { CommandContext } from "../command.js";
import { UserError } from "../errors.js";
import { formatDay } from "../dates.js";
import { memberIdOfRef } from "../mentions.js";
import type { Field } from "../types.js";

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
  let member = memberId === undefined ? await ctx.store.members.findByPlatformUser(ctx.platform, platformUserId) : await ctx.store.members.get(memberId);
  if (!member && memberId === undefined) {
    // A member on another platform of a linked club can't be mentioned here: `@bob` finds them by name.
    const named = await ctx.store.members.findByName(platformUserId);
    if (named.length > 1) throw new UserError("MEMBER.AMBIGUOUS", `Several members go by “${platformUserId}”: mention the one you mean.`);
    member = named[0];
  }
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

/** "A, B, C +2 more": a list that stays short however long it gets. */
export function capped(items: string[], max: number): string {
  return items.length > max ? `${items.slice(0, max).join(", ")} +${items.length - max} more` : items.join(", ");
}

/** How a member's status reads to the club: "paused until Fri 4 Dec 2026" in the reader's timezone. */
export function statusText(member: Pick<MemberRow, "status" | "pausedUntil" | "statusBeforePause">, timezone: string, now: Date): string {
  if (member.status !== "paused") return member.status;
  if (!member.pausedUntil) return "paused";
  // A pause whose date has passed is over, even before the member's next command records it.
  return member.pausedUntil <= now ? (member.statusBeforePause ?? "searching") : `paused until ${formatDay(member.pausedUntil, timezone)}`;
}

export interface DirectoryEntry {
  member: MemberRow;
  /** Name, headline, status, targets, warm paths: a profile as the club sees it. */
  fields: Field[];
  /** The same without the name, in one to three lines for the directory: headline · status, targets, warm paths. */
  details: string;
}

/**
 * What the club sees of members (the directory, `profile @bob`): name, headline, status, the
 * companies they target and where they have warm paths; never their private settings.
 */
export async function directoryEntries(ctx: CommandContext, members: MemberRow[], max = 6): Promise<DirectoryEntry[]> {
  const ids = members.map((m) => m.id);
  // One after another: inside a transaction they share one connection.
  const targets = await ctx.store.plans.targetsOfMany(ids);
  const ties = await ctx.store.network.tiesOfMany(ids);
  const tz = ctx.member ? timezoneOf(ctx, ctx.member) : ctx.club.timezone;
  return members.map((member) => {
    const aiming = (targets.get(member.id) ?? []).map((t) => `${t.company} (${t.stage})`);
    const paths = (ties.get(member.id) ?? []).map((t) => `${t.company} (${t.relation})`);
    const status = statusText(member, tz, ctx.clock.now());
    const fields: Field[] = [
      { label: "Name", value: member.displayName },
      { label: "Headline", value: member.headline ?? "(none yet)" },
      { label: "Status", value: status },
      { label: "Targets", value: aiming.length ? capped(aiming, max) : "none yet" },
      { label: "Warm paths", value: paths.length ? capped(paths, max) : "none yet" },
    ];
    const lines: string[] = [];
    if (aiming.length) lines.push(`targets: ${capped(aiming, max)}`);
    if (paths.length) lines.push(`warm paths: ${capped(paths, max)}`);
    return {
      member,
      fields,
      details: [member.headline ? `${member.headline} · ${status}` : status, ...lines].join("\n"),
    };
  });
}
