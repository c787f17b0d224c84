import { PermissionFlagsBits } from "discord.js";

/**
 * What the bot asks for when invited, and why. Replies to /jobclub and its buttons need none of
 * these (Discord carries them on the interaction); they are for what the bot sends on its own.
 */
export const BOT_PERMISSIONS = {
  /** See the club channel it opens threads in and posts wins to. */
  ViewChannel: PermissionFlagsBits.ViewChannel,
  /** Post wins and other club messages. */
  SendMessages: PermissionFlagsBits.SendMessages,
  /** Open a private thread per introduction (and for members whose DMs are closed). */
  CreatePrivateThreads: PermissionFlagsBits.CreatePrivateThreads,
  /** Add the two members to that thread and post the introduction in it. */
  SendMessagesInThreads: PermissionFlagsBits.SendMessagesInThreads,
  /** Show replies with titles and fields as embeds. */
  EmbedLinks: PermissionFlagsBits.EmbedLinks,
  /** Attach what doesn't fit in a message (a text over Discord's embed limit). */
  AttachFiles: PermissionFlagsBits.AttachFiles,
  /** Read back the threads and channel it posts in. */
  ReadMessageHistory: PermissionFlagsBits.ReadMessageHistory,
} as const;

/** The `permissions` number of the invite URL. */
export const BOT_PERMISSIONS_INTEGER = Object.values(BOT_PERMISSIONS).reduce((all, bit) => all | bit, 0n);

/** The URL a server admin opens to add the bot with its slash commands and exactly these permissions. */
export function inviteUrl(applicationId: string): string {
  return `https://discord.com/oauth2/authorize?client_id=${applicationId}&scope=bot+applications.commands&permissions=${BOT_PERMISSIONS_INTEGER}`;
}

/** A permission overwrite on a channel, as Discord's API sends it (type 0: a role, 1: a member). */
export interface PermissionOverwrite {
  id: string;
  type: number;
  allow: string;
  deny: string;
}

export interface PermissionSubject {
  userId: string;
  roleIds: readonly string[];
}

export interface GuildPermissionFacts {
  guildId: string;
  ownerId: string;
  /** Role id → its permissions; the guild's id is the @everyone role. */
  roles: ReadonlyMap<string, bigint>;
}

const ALL_PERMISSIONS = Object.values(PermissionFlagsBits).reduce((all, bit) => all | bit, 0n);

/**
 * A member's permissions in the server, from the roles Discord's REST API returns (what discord.js
 * works out from its gateway cache): the owner and administrators have everything, anyone else the
 * sum of @everyone and their roles.
 */
export function guildPermissions(guild: GuildPermissionFacts, member: PermissionSubject): bigint {
  if (member.userId === guild.ownerId) return ALL_PERMISSIONS;
  let permissions = guild.roles.get(guild.guildId) ?? 0n;
  for (const id of member.roleIds) permissions |= guild.roles.get(id) ?? 0n;
  return (permissions & PermissionFlagsBits.Administrator) !== 0n ? ALL_PERMISSIONS : permissions;
}

/**
 * A member's permissions in one channel, applying its overwrites in Discord's order: @everyone's,
 * then the member's roles' together, then the member's own.
 */
export function channelPermissions(guild: GuildPermissionFacts, member: PermissionSubject, overwrites: readonly PermissionOverwrite[]): bigint {
  let permissions = guildPermissions(guild, member);
  if ((permissions & PermissionFlagsBits.Administrator) !== 0n) return ALL_PERMISSIONS;
  const apply = (allow: bigint, deny: bigint) => (permissions = (permissions & ~deny) | allow);
  const everyone = overwrites.find((o) => o.id === guild.guildId);
  if (everyone) apply(BigInt(everyone.allow), BigInt(everyone.deny));
  let allow = 0n;
  let deny = 0n;
  for (const o of overwrites) {
    if (o.type !== 0 || o.id === guild.guildId || !member.roleIds.includes(o.id)) continue;
    allow |= BigInt(o.allow);
    deny |= BigInt(o.deny);
  }
  apply(allow, deny);
  const own = overwrites.find((o) => o.type === 1 && o.id === member.userId);
  if (own) apply(BigInt(own.allow), BigInt(own.deny));
  return permissions;
}
