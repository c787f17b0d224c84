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
