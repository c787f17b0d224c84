import { ChannelType, PermissionFlagsBits, type Client, type Guild, type TextChannel } from "discord.js";

/** Channel names that say "this is where the job club lives". */
const CLUB_CHANNEL_NAMES = ["job-club", "jobclub", "warmpath"];

/** What the bot needs in the club channel to open intro threads there. */
const THREAD_PERMISSIONS = [
  PermissionFlagsBits.ViewChannel,
  PermissionFlagsBits.SendMessages,
  PermissionFlagsBits.CreatePrivateThreads,
  PermissionFlagsBits.SendMessagesInThreads,
];

export type ClubChannelProblem = "no-guild" | "guild-unavailable" | "no-channel";

export type ClubChannelResult = { ok: true; id: string; name: string } | { ok: false; problem: ClubChannelProblem; detail: string };

/**
 * Where a club's threads and posts go when no channel is given (intro threads, closed-DM fallbacks,
 * posts without a channel), in this order:
 * 1. a text channel named #job-club (or #jobclub, #warmpath): an admin's explicit choice, by convention;
 * 2. the text channel where /jobclub was last used in that server since the bot started;
 * 3. the server's System Messages channel;
 * 4. the first text channel (by position) the bot can open private threads in.
 * Candidates where the bot lacks a permission it needs are skipped when the bot's member is known.
 */
export function createClubChannels(client: Client) {
  const lastUsed = new Map<string, string>();

  function usable(guild: Guild, channel: TextChannel): boolean {
    const me = guild.members.me;
    if (!me) return true;
    const permissions = channel.permissionsFor(me);
    return THREAD_PERMISSIONS.every((p) => permissions.has(p));
  }

  return {
    /** A text channel where a member just used /jobclub and the bot may open threads. */
    noteUsed(guildId: string, channelId: string): void {
      lastUsed.set(guildId, channelId);
    },

    resolve(guildId: string): ClubChannelResult {
      const guild = client.guilds.cache.get(guildId);
      if (!guild) return { ok: false, problem: "no-guild", detail: `the bot is not in server ${guildId}` };
      if (!guild.available) return { ok: false, problem: "guild-unavailable", detail: `server ${guildId} is unavailable (a Discord outage)` };
      const texts = [...guild.channels.cache.values()]
        .filter((c): c is TextChannel => c.type === ChannelType.GuildText)
        .sort((a, b) => a.rawPosition - b.rawPosition || a.id.localeCompare(b.id));
      const byId = (id: string | null | undefined) => (id ? texts.find((c) => c.id === id) : undefined);
      const candidates = [
        ...CLUB_CHANNEL_NAMES.flatMap((name) => texts.filter((c) => c.name === name)),
        byId(lastUsed.get(guildId)),
        byId(guild.systemChannelId),
        ...texts,
      ];
      const chosen = candidates.find((c): c is TextChannel => c !== undefined && usable(guild, c));
      if (!chosen) {
        return { ok: false, problem: "no-channel", detail: `no text channel in ${guild.name} where the bot may create private threads (it needs View Channel, Send Messages, Create Private Threads and Send Messages in Threads)` };
      }
      return { ok: true, id: chosen.id, name: chosen.name };
    },

    /** A channel's name from the cache, for texts like "a private thread in #job-club". */
    nameOf(channelId: string): string | undefined {
      const channel = client.channels.cache.get(channelId);
      return channel && "name" in channel && typeof channel.name === "string" ? channel.name : undefined;
    },
  };
}

export type ClubChannels = ReturnType<typeof createClubChannels>;
