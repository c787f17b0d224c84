import { ChannelType, PermissionFlagsBits, type Client, type Guild, type TextChannel } from "discord.js";

/** Channel names that say "this is where the job club lives". */
const CLUB_CHANNEL_NAMES = ["job-club", "jobclub", "warmpath"];

/** What the bot needs in the club channel to open intro threads there. */
export const THREAD_PERMISSIONS = [
  PermissionFlagsBits.ViewChannel,
  PermissionFlagsBits.SendMessages,
  PermissionFlagsBits.CreatePrivateThreads,
  PermissionFlagsBits.SendMessagesInThreads,
];

export type ClubChannelProblem = "no-guild" | "guild-unavailable" | "no-channel";

export type ClubChannelResult = { ok: true; id: string; name: string } | { ok: false; problem: ClubChannelProblem; detail: string };

/** Where a club's threads and posts go when no channel is given; see `pickClubChannel`. */
export interface ClubChannels {
  resolve(guildId: string): Promise<ClubChannelResult>;
  /** A text channel where a member just used /jobclub and the bot may open threads (a hint; may be ignored). */
  noteUsed(guildId: string, channelId: string): void;
  /** What is known of a server is out of date (Discord refused a post there): read it afresh next time. */
  forget(guildId: string): void;
}

export interface TextChannelFacts {
  id: string;
  name: string;
  position: number;
}

/**
 * The club channel among a server's text channels, the first of:
 * 1. a text channel named #job-club (or #jobclub, #warmpath): an admin's explicit choice, by convention;
 * 2. the text channel where /jobclub was last used (gateway mode only: see `noteUsed`);
 * 3. the server's System Messages channel;
 * 4. the first text channel (by position) the bot can open private threads in.
 * Candidates where the bot lacks a permission it needs are skipped.
 */
export function pickClubChannel<C extends TextChannelFacts>(
  texts: readonly C[],
  options: { lastUsedId?: string | undefined; systemChannelId?: string | null | undefined; usable: (channel: C) => boolean },
): C | undefined {
  const sorted = [...texts].sort((a, b) => a.position - b.position || a.id.localeCompare(b.id));
  const byId = (id: string | null | undefined) => (id ? sorted.find((c) => c.id === id) : undefined);
  const candidates = [...CLUB_CHANNEL_NAMES.flatMap((name) => sorted.filter((c) => c.name === name)), byId(options.lastUsedId), byId(options.systemChannelId), ...sorted];
  return candidates.find((c): c is C => c !== undefined && options.usable(c));
}

export function noClubChannel(guildName: string): ClubChannelResult {
  return {
    ok: false,
    problem: "no-channel",
    detail: `no text channel in ${guildName} where the bot may create private threads (it needs View Channel, Send Messages, Create Private Threads and Send Messages in Threads)`,
  };
}

/**
 * Club channels from the gateway's cache of servers and channels. The channel where /jobclub was
 * last used is remembered since this process started (one process holds the gateway connection).
 */
export function createClubChannels(client: Client): ClubChannels {
  const lastUsed = new Map<string, string>();

  function usable(guild: Guild, channel: TextChannel): boolean {
    const me = guild.members.me;
    if (!me) return true;
    const permissions = channel.permissionsFor(me);
    return THREAD_PERMISSIONS.every((p) => permissions.has(p));
  }

  return {
    noteUsed(guildId, channelId) {
      lastUsed.set(guildId, channelId);
    },

    forget() {
      // The gateway keeps the cache current by itself.
    },

    resolve(guildId) {
      const guild = client.guilds.cache.get(guildId);
      if (!guild) return Promise.resolve({ ok: false, problem: "no-guild", detail: `the bot is not in server ${guildId}` });
      if (!guild.available) return Promise.resolve({ ok: false, problem: "guild-unavailable", detail: `server ${guildId} is unavailable (a Discord outage)` });
      const texts = [...guild.channels.cache.values()]
        .filter((c): c is TextChannel => c.type === ChannelType.GuildText)
        .map((channel) => ({ id: channel.id, name: channel.name, position: channel.rawPosition, channel }));
      const chosen = pickClubChannel(texts, { lastUsedId: lastUsed.get(guildId), systemChannelId: guild.systemChannelId, usable: (c) => usable(guild, c.channel) });
      return Promise.resolve(chosen ? { ok: true, id: chosen.id, name: chosen.name } : noClubChannel(guild.name));
    },
  };
}
