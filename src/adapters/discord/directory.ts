import { PermissionFlagsBits, type Client, type GuildMember } from "discord.js";
import { DiscordCode, hasDiscordCode } from "./discord-errors.js";

/** A server the bot is in. */
export interface GuildRef {
  id: string;
  name: string;
}

/** A member of a server as Warmpath needs them for a click in a DM: the name and whether they organise. */
export interface MemberFacts {
  displayName: string;
  /** Manage Server (or Administrator, or owner): a club organiser on Discord. */
  isAdmin: boolean;
}

/**
 * What the interaction handler asks about servers and members, whichever way Warmpath is connected:
 * the gateway's cache (gateway mode) or Discord's REST API with a short-lived cache (HTTP mode).
 */
export interface DiscordDirectory {
  /** The server's name, for the club its first command creates; undefined when it can't be told. */
  guildName(guildId: string): Promise<string | undefined>;
  /** The server, when the bot is in it. */
  guild(guildId: string): Promise<GuildRef | undefined>;
  /** The bot's server when it is in exactly one (a DM click whose button couldn't name its server). */
  onlyGuild(): Promise<string | undefined>;
  /** Asked of Discord now, never a cache: undefined when not a member; throws when Discord can't say. */
  member(guild: GuildRef, userId: string): Promise<MemberFacts | undefined>;
}

/** The directory over the gateway's cache, which Discord keeps current while the bot is connected. */
export function createGatewayDirectory(client: Client): DiscordDirectory {
  return {
    guildName: (guildId) => Promise.resolve(client.guilds.cache.get(guildId)?.name),
    guild(guildId) {
      const guild = client.guilds.cache.get(guildId);
      return Promise.resolve(guild ? { id: guild.id, name: guild.name } : undefined);
    },
    onlyGuild: () => Promise.resolve(client.guilds.cache.size === 1 ? client.guilds.cache.firstKey() : undefined),
    async member(ref, userId) {
      const guild = client.guilds.cache.get(ref.id);
      if (!guild) return undefined;
      let member: GuildMember;
      try {
        member = await guild.members.fetch({ user: userId, force: true });
      } catch (error) {
        if (hasDiscordCode(error, DiscordCode.UnknownMember) || hasDiscordCode(error, DiscordCode.UnknownUser)) return undefined;
        throw error;
      }
      return { displayName: member.displayName, isAdmin: member.permissions.has(PermissionFlagsBits.ManageGuild) };
    },
  };
}
