import { ChannelType, PermissionFlagsBits, PermissionsBitField, Routes, type APIChannel, type APIGuild, type APIGuildMember, type APIPartialGuild, type APITextChannel, type REST } from "discord.js";
import { noClubChannel, pickClubChannel, THREAD_PERMISSIONS, type ClubChannels } from "./club-channels.js";
import type { DiscordDirectory } from "./directory.js";
import { DiscordCode, hasDiscordCode } from "./discord-errors.js";
import { channelPermissions, guildPermissions, type GuildPermissionFacts, type PermissionOverwrite } from "./permissions.js";

/**
 * How long what Discord said about a server (its name, roles, channels, the bot's roles) is trusted.
 * Without the gateway no event says when it changes; a refused post forgets it at once (`forget`),
 * and several instances each keep their own copy, so a short life keeps them all close to Discord.
 */
export const GUILD_CACHE_TTL_MS = 5 * 60_000;
const MAX_CACHED_GUILDS = 10_000;

interface GuildFacts extends GuildPermissionFacts {
  name: string;
  systemChannelId: string | null;
}

interface ChannelFacts {
  texts: Array<{ id: string; name: string; position: number; overwrites: PermissionOverwrite[] }>;
  botRoleIds: string[];
}

export interface RestGuildsOptions {
  /** Reads only (GET): a client that waits out short rate limits and retries what failed on the way. */
  rest: REST;
  /** The bot's user id (GET /users/@me at start), for its roles and permissions in a server. */
  botUserId: () => string;
  ttlMs?: number;
  now?: () => number;
}

/**
 * Servers, members and the club channel from Discord's REST API, for HTTP-interactions mode, where no
 * gateway fills a cache. Each server is read on first use (the "guild join" the gateway would have
 * announced) and kept for a few minutes.
 */
export function createRestGuilds(options: RestGuildsOptions): { directory: DiscordDirectory; channels: ClubChannels } {
  const { rest } = options;
  const now = options.now ?? Date.now;
  const ttl = options.ttlMs ?? GUILD_CACHE_TTL_MS;
  const guilds = createTtlCache<GuildFacts | undefined>(ttl, now);
  const channelFacts = createTtlCache<ChannelFacts>(ttl, now);
  const botGuilds = createTtlCache<string[]>(ttl, now);

  /** Undefined when the bot is not (or no longer) in the server. */
  function guild(guildId: string): Promise<GuildFacts | undefined> {
    return guilds.get(guildId, async () => {
      let data: APIGuild;
      try {
        data = (await rest.get(Routes.guild(guildId))) as APIGuild;
      } catch (error) {
        if (hasDiscordCode(error, DiscordCode.MissingAccess) || hasDiscordCode(error, DiscordCode.UnknownGuild)) return undefined;
        throw error;
      }
      return {
        guildId: data.id,
        name: data.name,
        ownerId: data.owner_id,
        systemChannelId: data.system_channel_id,
        roles: new Map(data.roles.map((role) => [role.id, BigInt(role.permissions)])),
      };
    });
  }

  function channelsOf(guildId: string): Promise<ChannelFacts> {
    return channelFacts.get(guildId, async () => {
      const [list, me] = await Promise.all([
        rest.get(Routes.guildChannels(guildId)) as Promise<APIChannel[]>,
        rest.get(Routes.guildMember(guildId, options.botUserId())) as Promise<APIGuildMember>,
      ]);
      return {
        texts: list
          .filter((c): c is APITextChannel => c.type === ChannelType.GuildText)
          .map((c) => ({ id: c.id, name: c.name ?? c.id, position: c.position, overwrites: (c.permission_overwrites ?? []).map((o) => ({ id: o.id, type: o.type, allow: o.allow, deny: o.deny })) })),
        botRoleIds: me.roles,
      };
    });
  }

  const directory: DiscordDirectory = {
    async guildName(guildId) {
      return (await guild(guildId))?.name;
    },
    async guild(guildId) {
      const facts = await guild(guildId);
      return facts ? { id: facts.guildId, name: facts.name } : undefined;
    },
    async onlyGuild() {
      const ids = await botGuilds.get("@me", async () => ((await rest.get(Routes.userGuilds())) as APIPartialGuild[]).map((g) => g.id));
      return ids.length === 1 ? ids[0] : undefined;
    },
    async member(ref, userId) {
      let member: APIGuildMember;
      try {
        member = (await rest.get(Routes.guildMember(ref.id, userId))) as APIGuildMember;
      } catch (error) {
        if (hasDiscordCode(error, DiscordCode.UnknownMember) || hasDiscordCode(error, DiscordCode.UnknownUser)) return undefined;
        throw error;
      }
      const facts = await guild(ref.id);
      const permissions = facts ? guildPermissions(facts, { userId, roleIds: member.roles }) : 0n;
      const user = member.user;
      return {
        displayName: member.nick ?? user?.global_name ?? user?.username ?? userId,
        isAdmin: new PermissionsBitField(permissions).has(PermissionFlagsBits.ManageGuild),
      };
    },
  };

  const channels: ClubChannels = {
    async resolve(guildId) {
      const facts = await guild(guildId);
      if (!facts) return { ok: false, problem: "no-guild", detail: `the bot is not in server ${guildId}` };
      const { texts, botRoleIds } = await channelsOf(guildId);
      const bot = { userId: options.botUserId(), roleIds: botRoleIds };
      const chosen = pickClubChannel(texts, {
        systemChannelId: facts.systemChannelId,
        usable: (c) => {
          const permissions = channelPermissions(facts, bot, c.overwrites);
          return THREAD_PERMISSIONS.every((p) => (permissions & p) === p);
        },
      });
      return chosen ? { ok: true, id: chosen.id, name: chosen.name } : noClubChannel(facts.name);
    },
    // Another instance may deliver the next message: a hint held by one process would send a club's
    // threads to different channels depending on which one did. The choice is the same everywhere.
    noteUsed() {},
    forget(guildId) {
      guilds.delete(guildId);
      channelFacts.delete(guildId);
    },
  };

  return { directory, channels };
}

/** Values kept for `ttlMs`; concurrent loads of one key share one request, and failures are not kept. */
function createTtlCache<V>(ttlMs: number, now: () => number) {
  const entries = new Map<string, { at: number; value: Promise<V> }>();
  return {
    get(key: string, load: () => Promise<V>): Promise<V> {
      const hit = entries.get(key);
      if (hit && now() - hit.at < ttlMs) return hit.value;
      const value = load();
      entries.delete(key);
      entries.set(key, { at: now(), value });
      if (entries.size > MAX_CACHED_GUILDS) entries.delete(entries.keys().next().value!);
      value.catch(() => {
        if (entries.get(key)?.value === value) entries.delete(key);
      });
      return value;
    },
    delete(key: string): void {
      entries.delete(key);
    },
  };
}
