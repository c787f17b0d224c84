import { createHash, randomInt } from "node:crypto";
import type { CommandContext } from "../command.js";
import type { OutboundMessage } from "../outbound.js";
import { UserError } from "../errors.js";
import { plural, privateReply, successReply } from "../reply.js";
import type { Platform, Reply } from "../types.js";
import type { MemberRow } from "../../db/store/club-store.js";
import type { Account, ClubLinkRow, LinkCodeRow } from "../../db/store/linking.js";
import type { LinkCodeKind } from "../../db/schema/linking.js";
import { requireOrganiser } from "./organisers.js";

/** Platforms as people write them. */
export const PLATFORM_NAMES: Record<Platform, string> = { slack: "Slack", discord: "Discord", console: "the console" };

/** Where a club lives on each platform, as people say it. */
const PLACES: Record<Platform, string> = { slack: "Slack workspace", discord: "Discord server", console: "console" };

export const LINKABLE_PLATFORMS = ["slack", "discord", "console"] as const satisfies readonly Platform[];

/** How long a link code works. */
export const LINK_CODE_TTL_MS = 15 * 60_000;

/** No 0/O or 1/I/L: a code read aloud or copied by hand can't be mistyped into another. */
const CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ";
const CODE_LENGTH = 8;

/** A fresh code, shown as two groups of four: K7PM-3QXR (31^8, about 10^12 codes). */
export function newLinkCode(): string {
  let code = "";
  for (let i = 0; i < CODE_LENGTH; i++) code += CODE_ALPHABET[randomInt(CODE_ALPHABET.length)];
  return `${code.slice(0, 4)}-${code.slice(4)}`;
}

/** A code as typed (any case, with or without the dash or spaces), or undefined when it can't be one. */
export function readLinkCode(typed: string): string | undefined {
  const code = typed.toUpperCase().replace(/[\s-]/g, "");
  if (code.length !== CODE_LENGTH || [...code].some((c) => !CODE_ALPHABET.includes(c))) return undefined;
  return `${code.slice(0, 4)}-${code.slice(4)}`;
}

/** Only this is stored: the code itself works once and for minutes, and is never kept. */
export function hashLinkCode(code: string): string {
  return createHash("sha256").update(`warmpath-link:${code}`).digest("hex");
}

/** A command as typed on a platform: Discord takes typed options, the others the words. */
function typedOn(platform: Platform, words: string, discord: string): string {
  if (platform === "discord") return discord;
  return platform === "slack" ? `\`/jobclub ${words}\`` : `\`${words}\``;
}

function otherPlaces(platforms: Platform[]): string {
  return platforms.map((p) => `${p === "console" ? "the" : "a"} ${PLACES[p]}`).join(" or ");
}

async function storeCode(ctx: CommandContext, kind: LinkCodeKind): Promise<string> {
  const now = ctx.clock.now();
  for (;;) {
    const code = newLinkCode();
    const stored = await ctx.store.links.createCode({
      kind,
      memberId: ctx.me.id,
      platform: ctx.platform,
      codeHash: hashLinkCode(code),
      expiresAt: new Date(now.getTime() + LINK_CODE_TTL_MS),
      now,
    });
    if (stored) return code;
  }
}

/**
 * Claims a typed code in this transaction, or says why it can't be used. A refusal later in the
 * command rolls the claim back, so a code typed in the wrong place still works in the right one.
 */
async function claim(ctx: CommandContext, typed: string, usage: string): Promise<LinkCodeRow> {
  const code = readLinkCode(typed);
  const again = usage.startsWith("config") ? "`config link`" : "`profile link`";
  if (!code) throw new UserError("LINK.CODE_FORM", `“${typed.slice(0, 40)}” is not a link code: codes are 8 letters and digits, like K7PM-3QXR.`, usage);
  const result = await ctx.store.links.claimCode(hashLinkCode(code), ctx.clock.now());
  if (result.claimed) return result.claimed;
  const found = result.found;
  if (!found) throw new UserError("LINK.CODE_UNKNOWN", `I don't know the code ${code}. Check it, or make a new one with ${again} on the other platform.`, usage);
  if (found.usedAt) throw new UserError("LINK.CODE_USED", `The code ${code} has been used already: a code works once. Make a new one with ${again} on the other platform.`);
  throw new UserError("LINK.CODE_EXPIRED", `The code ${code} has expired: codes work for ${LINK_CODE_TTL_MS / 60_000} minutes. Make a new one with ${again} on the other platform.`);
}

/** `config link`: a code an organiser on the other platform types to join the two clubs. */
export async function createClubCode(ctx: CommandContext): Promise<Reply> {
  await requireOrganiser(ctx);
  const links = await ctx.store.links.links();
  const open = LINKABLE_PLATFORMS.filter((p) => p !== "console" && !links.some((l) => l.platform === p));
  if (open.length === 0) {
    throw new UserError("LINK.FULL", "This club is already on Slack and Discord, so there is nothing left to link. To link another workspace or server, unlink one first: `config unlink <slack|discord>`.");
  }
  const code = await storeCode(ctx, "club");
  const steps = open.map((p) => typedOn(p, `config link ${code}`, `\`/jobclub config\` with setting \`link\` and value \`${code}\``));
  return privateReply(
    `Link code: ${code}\nIt works once, for the next ${LINK_CODE_TTL_MS / 60_000} minutes.\n\n` +
      `In ${otherPlaces(open)}, an organiser types ${steps.join(" (or ")}${steps.length > 1 ? ")" : ""}. ` +
      `The two become one club: this ${PLACES[ctx.platform]}'s settings stay, and the other side's members, goals, targets, network and introductions join it.`,
    { title: "Link this club to another platform" },
  );
}

/** `config link <code>`: this club joins the club the code was made in (its settings win). */
export async function redeemClubCode(ctx: CommandContext, typed: string): Promise<Reply> {
  const usage = "config link [code]";
  await requireOrganiser(ctx);
  const code = await claim(ctx, typed, usage);
  if (code.kind !== "club") throw new UserError("LINK.MEMBER_CODE", "That code links a member's own accounts: type it with `profile link <code>`.");
  if (code.platform === ctx.platform || code.clubId === ctx.club.id) {
    throw new UserError(
      "LINK.SAME_PLATFORM",
      code.clubId === ctx.club.id
        ? "That code was made in this club: type it in the workspace or server you want to link to it."
        : `That code was made on ${PLATFORM_NAMES[code.platform]} too. A club links a Slack workspace with a Discord server: type it on the other platform.`,
    );
  }
  const locked = await ctx.store.links.lockWith(code.clubId);
  if (!locked) throw new UserError("LINK.CODE_UNKNOWN", "The club that code was made in no longer exists. Make a new one with `config link`.");
  const into = locked.other;
  const mine = await ctx.store.links.links();
  const theirs = await ctx.store.links.links(into.id);
  const clash = theirs.find((t) => mine.some((m) => m.platform === t.platform));
  if (clash) {
    throw new UserError(
      "LINK.ALREADY_LINKED",
      `This club and “${into.name}” are both on ${PLATFORM_NAMES[clash.platform]} already: a club has one ${PLACES[clash.platform]} at most. An organiser can unlink one first with \`config unlink ${clash.platform}\`.`,
    );
  }
  const here = mine.map((l) => PLACES[l.platform]).join(" and ") || PLACES[ctx.platform];
  const merge = await ctx.store.links.mergeInto(into);
  const now = ctx.clock.now();
  const notes: OutboundMessage[] = [
    {
      kind: "direct",
      to: code.memberId,
      dedupeKey: `link:${code.id}:done`,
      reply: {
        title: "Club linked",
        text: `Your link code was used: the ${here} “${ctx.club.name}” is now part of “${into.name}”. ${plural(merge.members, "member")} joined from there; \`config\` shows the club's settings.`,
        visibility: "private",
        tone: "success",
      },
    },
  ];
  // Buttons already sent carry the old numbers: everyone with an open introduction is told the new one.
  const byMember = new Map<number, string[]>();
  for (const intro of merge.open) {
    const number = merge.renumbered.get(intro.number)!;
    for (const [member, other] of [
      [intro.requesterId, intro.helper],
      [intro.helperId, intro.requester],
    ] as const) {
      byMember.set(member, [...(byMember.get(member) ?? []), `#${intro.number} (${intro.company}, with ${other}) is now #${number}`]);
    }
  }
  for (const [member, lines] of byMember) {
    notes.push({
      kind: "direct",
      to: member,
      dedupeKey: `link:${code.id}:renumbered:${member}`,
      reply: {
        title: "Your introductions have new numbers",
        text: `This ${PLACES[ctx.platform]} is now part of a club that spans platforms, so its introductions are numbered after the club's:\n${lines.map((l) => `• ${l}`).join("\n")}\nButtons in older messages still carry the old numbers: use \`intro list open\` for ones that work.`,
        visibility: "private",
        tone: "info",
        buttons: [{ label: "My open intros", command: "intro list open" }],
      },
    });
  }
  await ctx.store.links.outboxOf(into.id).enqueueMany(notes, now);
  const numbers = [...merge.renumbered.values()];
  const renumberedText = numbers.length
    ? ` Introductions made here are now #${Math.min(...numbers)}–#${Math.max(...numbers)}; everyone with an open one got its new number.`
    : "";
  const merged = merge.companiesMerged ? ` ${plural(merge.companiesMerged, "company", "companies")} both sides knew became one.` : "";
  ctx.club.name = into.name;
  return successReply(
    `Linked: this ${PLACES[ctx.platform]} is now part of “${into.name}”, one club across ${[...new Set([...theirs, ...mine].map((l) => PLATFORM_NAMES[l.platform]))].join(" and ")}. ` +
      `${plural(merge.members, "member")} from here joined, with their goals, targets, network, introductions and thanks.${merged}${renumberedText}\n` +
      `The club's settings are now those of “${into.name}” (timezone ${into.timezone}, schedules and nudges; \`config\` shows them); each platform keeps its own digest channel, and the organisers of both sides organise the club. ` +
      `Members on both platforms can make their two accounts one with \`profile link\`.`,
    { title: "Club linked" },
  );
}

/** `config unlink <platform>`: the platform's place becomes a club of its own again; nothing is deleted. */
export async function unlinkPlatform(ctx: CommandContext, typed: string | undefined): Promise<Reply> {
  const usage = "config unlink <slack|discord>";
  await requireOrganiser(ctx);
  const platform = LINKABLE_PLATFORMS.find((p) => p === typed?.trim().toLowerCase());
  if (!platform) throw new UserError("LINK.UNLINK_PLATFORM", "Name the platform to unlink: `slack` or `discord`.", usage);
  const club = await ctx.store.links.lock();
  if (!club) throw new UserError("LINK.GONE", "This club changed while you typed: please try again.");
  const links = await ctx.store.links.links();
  if (!links.some((l) => l.platform === platform)) throw new UserError("LINK.NOT_ON", `This club isn't on ${PLATFORM_NAMES[platform]}.`);
  if (links.length < 2) throw new UserError("LINK.NOT_LINKED", `This club is only on ${PLATFORM_NAMES[platform]}: there is nothing to unlink it from.`);
  const result = await ctx.store.links.detachPlatform(platform, ctx.clock.now());
  const name = PLATFORM_NAMES[platform];
  const kept = result.keptForHistory
    ? ` ${plural(result.keptForHistory, "member")} from ${name} stay listed here by name, without accounts or messages, for that shared history.`
    : "";
  return successReply(
    `Unlinked: the ${PLACES[platform]} is a club of its own again, starting with a copy of this club's settings.\n` +
      `• ${plural(result.moved, "member")} whose only account was on ${name} went with it, with their goals, targets, network, activity and wins, and the introductions and thanks among them.\n` +
      `• Members with accounts on both (${result.copied}) keep everything here and start afresh on ${name} with a copy of their profile.\n` +
      `• Introductions and thanks between the two sides stay here.${kept}`,
    { title: `${name} unlinked` },
  );
}

/** `profile link`: a code the member types on the club's other platform to make their accounts one. */
export async function createMemberCode(ctx: CommandContext): Promise<Reply> {
  const links = await ctx.store.links.links();
  if (links.length < 2) {
    const other = LINKABLE_PLATFORMS.find((p) => p !== "console" && p !== ctx.platform) ?? "discord";
    throw new UserError(
      "LINK.CLUB_NOT_LINKED",
      `This club is only on ${PLATFORM_NAMES[ctx.platform]}, so there is no other account to link yet. Once an organiser links it to a ${PLACES[other]} (\`config link\`), \`profile link\` makes your accounts one.`,
    );
  }
  const accounts = await ctx.store.links.accountsOf([ctx.me.id]);
  const missing = links.filter((l) => !accounts.some((a) => a.platform === l.platform)).map((l) => l.platform);
  if (missing.length === 0) {
    return privateReply(`Your accounts on ${links.map((l) => PLATFORM_NAMES[l.platform]).join(" and ")} are already linked: you're one member across the club.`);
  }
  const code = await storeCode(ctx, "member");
  const steps = missing.map((p) => `on ${PLATFORM_NAMES[p]}, ${typedOn(p, `profile link ${code}`, `\`/jobclub profile\` with link \`${code}\``)}`);
  return privateReply(
    `Your link code: ${code}\nIt works once, for the next ${LINK_CODE_TTL_MS / 60_000} minutes.\n\n` +
      `Type it with your other account: ${steps.join("; ")}. Your accounts become one member with one network and one set of introductions; ` +
      `if you've used Warmpath there too, what you did there joins this profile.`,
    { title: "Link your accounts" },
  );
}

/** `profile link <code>`: this account joins the member who made the code (their profile stays). */
export async function redeemMemberCode(ctx: CommandContext, typed: string): Promise<Reply> {
  const usage = "profile link [code]";
  const code = await claim(ctx, typed, usage);
  if (code.kind !== "member") throw new UserError("LINK.CLUB_CODE", "That code links two clubs: an organiser types it with `config link <code>`.");
  if (code.clubId !== ctx.club.id) {
    throw new UserError(
      "LINK.OTHER_CLUB",
      "That code was made in a club this one isn't linked with. An organiser links the two clubs first (`config link`); then `profile link` joins your accounts.",
    );
  }
  if (code.memberId === ctx.me.id) return privateReply("This account is already part of that profile: nothing to link.");
  if (code.platform === ctx.platform) {
    throw new UserError("LINK.SAME_PLATFORM", `That code was made on ${PLATFORM_NAMES[code.platform]} too: type it with your account on the other platform.`);
  }
  const accounts = await ctx.store.links.accountsOf([code.memberId, ctx.me.id]);
  const theirs = accounts.filter((a) => a.memberId === code.memberId);
  const clash = accounts.find((a) => a.memberId === ctx.me.id && theirs.some((t) => t.platform === a.platform));
  if (clash) {
    throw new UserError(
      "LINK.ACCOUNT_TAKEN",
      `That profile already has a ${PLATFORM_NAMES[clash.platform]} account, and so does yours: a member has one account on each platform. \`profile unlink ${clash.platform}\` separates one of them first.`,
    );
  }
  const now = ctx.clock.now();
  const into = await ctx.store.members.get(code.memberId);
  if (!into) throw new UserError("LINK.CODE_UNKNOWN", "The member who made that code is no longer in the club.");
  await ctx.store.links.mergeMembers(into.id, ctx.me.id, now);
  const platforms = [...new Set([...theirs.map((a) => a.platform), ctx.platform])].map((p) => PLATFORM_NAMES[p]);
  return successReply(
    `Linked: your ${platforms.join(" and ")} accounts are one member now, ${into.displayName}, with one network and one set of introductions. ` +
      "What you had here (goals, targets, network, introductions, thanks) joined that profile; where both had the same target or contact, the one further along stays. `profile unlink <platform>` separates them again.",
    { title: "Accounts linked" },
  );
}

/** `profile unlink <platform>`: that account becomes a member of its own, with a copy of the profile. */
export async function unlinkAccount(ctx: CommandContext, platform: Platform): Promise<Reply> {
  const accounts = await ctx.store.links.accountsOf([ctx.me.id]);
  if (!accounts.some((a) => a.platform === platform)) throw new UserError("LINK.NO_ACCOUNT", `Your profile has no ${PLATFORM_NAMES[platform]} account.`);
  if (accounts.length < 2) throw new UserError("LINK.ONLY_ACCOUNT", `Your ${PLATFORM_NAMES[platform]} account is your only one in this club: there is nothing to unlink it from.`);
  await ctx.store.links.detachAccount(ctx.me, platform, ctx.clock.now());
  const others = [...new Set(accounts.filter((a) => a.platform !== platform).map((a) => PLATFORM_NAMES[a.platform]))].join(" and ");
  return successReply(
    `Unlinked: your ${PLATFORM_NAMES[platform]} account is a member of its own again, starting with a copy of your profile. ` +
      `Your goals, targets, network and introductions stay with your ${others} account.`,
    { title: "Account unlinked" },
  );
}

/** How to reach a member on their platform, for someone on another. */
function reach(name: string, account: Account, links: ClubLinkRow[]): string {
  const link = links.find((l) => l.platform === account.platform);
  const where =
    account.platform === "discord"
      ? `https://discord.com/users/${account.platformUserId}`
      : account.platform === "slack" && link
        ? `slack://user?team=${link.externalId}&id=${account.platformUserId}`
        : `@${account.platformUserId}`;
  return `${name} on ${PLATFORM_NAMES[account.platform]}: ${where}`;
}

/**
 * The messages that open an introduction's "room". Members who share a platform get one room there
 * (a Slack group DM, a Discord private thread). Members on different platforms can't share one
 * conversation: each gets the introduction as a DM on their own platform, naming the others and
 * how to reach them there.
 */
export async function roomMessages(ctx: CommandContext, people: MemberRow[], reply: Reply, dedupeKey: string): Promise<OutboundMessage[]> {
  const ids = people.map((p) => p.id);
  const links = await ctx.store.links.links();
  if (links.length < 2) return [{ kind: "room", members: ids, reply, dedupeKey }];
  const accounts = await ctx.store.links.accountsOf(ids);
  const shared = links.map((l) => l.platform).find((p) => ids.every((id) => accounts.some((a) => a.memberId === id && a.platform === p)));
  if (shared) return [{ kind: "room", platform: shared, members: ids, reply, dedupeKey }];
  return people.map((person) => {
    const own = accounts.find((a) => a.memberId === person.id);
    const others = people.filter((p) => p.id !== person.id);
    const ways = others.flatMap((o) => accounts.filter((a) => a.memberId === o.id).map((a) => reach(o.displayName, a, links)));
    const names = others.map((o) => o.displayName).join(" and ");
    const note =
      `\n\n${names} ${others.length > 1 ? "are" : "is"} on another platform than you${own ? ` (${PLATFORM_NAMES[own.platform]})` : ""}, so I can't put you in one conversation: you each get this message. ` +
      `Reach them there: ${ways.join("; ")}. Tip: whoever has accounts on both platforms can \`profile link\` them, and next time I open one conversation.`;
    return { kind: "direct", to: person.id, about: others.map((o) => o.id), reply: { ...reply, text: reply.text + note }, dedupeKey: `${dedupeKey}:${person.id}` };
  });
}
