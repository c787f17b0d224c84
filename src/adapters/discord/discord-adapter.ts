import { Client, Events, GatewayDispatchEvents, GatewayIntentBits, RESTEvents, Status, type APIInteraction } from "discord.js";
import type { PlatformAdapter } from "../adapter.js";
import type { Core } from "../../core/core.js";
import type { Logger } from "../../util/logger.js";
import { createClubChannels } from "./club-channels.js";
import { buildJobclubCommand } from "./command-options.js";
import { createGatewayDirectory } from "./directory.js";
import { describeError } from "./discord-errors.js";
import { callbackResponder, createInteractionHandler } from "./interactions.js";
import { inviteUrl } from "./permissions.js";
import { createDeliveryRest, createDiscordPort } from "./port.js";
import { syncCommands } from "./registration.js";

export { DEFAULT_DEFER_AFTER_MS } from "./interactions.js";

export interface DiscordAdapterOptions {
  token: string;
  applicationId: string;
  /** Replaces Discord's REST base URL (a REST proxy, or a test server); the gateway URL comes from its GET /gateway/bot. */
  apiUrl?: string;
  /** Register /jobclub in this server only (instant updates) instead of globally. */
  guildId?: string;
  core: Core;
  logger: Logger;
  deferAfterMs?: number;
  /** Check the registered commands at start and overwrite them when they differ (default true). */
  registerCommands?: boolean;
}

export interface DiscordAdapter extends PlatformAdapter {
  readonly client: Client;
}

/** "https://discord.com/api/v10/" → "https://discord.com/api": @discordjs/rest appends the version itself. */
export function restBaseUrl(apiUrl: string | undefined): string | undefined {
  return apiUrl ? apiUrl.replace(/\/+$/, "").replace(/\/v\d+$/, "") : undefined;
}

/**
 * Warmpath on Discord over the gateway, with the real discord.js client: for self-hosters without a
 * public URL. Interactions arrive on the gateway and are answered by the same handler as in HTTP mode
 * (`interactions.ts`), with the gateway's cache for servers and members; the outbox port sends DMs,
 * intro threads and channel posts over REST.
 */
export function createDiscordAdapter(options: DiscordAdapterOptions): DiscordAdapter {
  const { core, logger } = options;
  const api = restBaseUrl(options.apiUrl);
  const client = new Client({
    // Slash commands, buttons and autocomplete reach a bot whatever its intents; Guilds gives the
    // server and channel cache the club channel is chosen from. No privileged intent is needed.
    intents: [GatewayIntentBits.Guilds],
    // Nothing the bot says pings anyone unless a message names them explicitly.
    allowedMentions: { parse: [], repliedUser: false },
    rest: api ? { api } : {},
  });
  const channels = createClubChannels(client);
  const port = createDiscordPort({ rest: createDeliveryRest(options.token, api), channels, logger });
  const command = buildJobclubCommand(core.registry.commands);
  const handle = createInteractionHandler({
    core,
    logger,
    rest: client.rest,
    applicationId: options.applicationId,
    directory: createGatewayDirectory(client),
    channels,
    ...(options.deferAfterMs !== undefined ? { deferAfterMs: options.deferAfterMs } : {}),
  });

  // discord.js re-emits failures inside its event handling (and rejected listeners) as "error";
  // an EventEmitter without an "error" listener throws, which would end the process.
  client.on(Events.Error, (error) => logger.error("discord client error", { error: describeError(error) }));
  client.on(Events.ShardError, (error, shardId) => logger.error("discord gateway error", { shard: shardId, error: describeError(error) }));
  client.on(Events.Warn, (message) => logger.warn("discord warning", { message }));
  client.on(Events.ShardDisconnect, (event, shardId) => logger.warn("discord gateway disconnected", { shard: shardId, code: event.code }));
  client.on(Events.ShardResume, (shardId) => logger.info("discord gateway resumed", { shard: shardId }));
  // Removed from a server (kicked, or the server deleted; an outage is GuildUnavailable instead): its
  // club gets no more weekly jobs and keeps its data. Back in it (and at every start, for each
  // server the bot is in), it is reachable again.
  const reachable = (guildId: string, yes: boolean) =>
    void core
      .setClubsReachable("discord", [guildId], yes)
      .then((changed) => changed > 0 && logger.info(yes ? "discord: back in a server; its club's weekly jobs run again" : "discord: removed from a server; its club's weekly jobs stop, its data stays", { guild: guildId }))
      .catch((error: unknown) => logger.error("discord: could not record a server's membership", { guild: guildId, error: describeError(error) }));
  client.on(Events.GuildDelete, (guild) => reachable(guild.id, false));
  client.on(Events.GuildCreate, (guild) => reachable(guild.id, true));
  client.rest.on(RESTEvents.RateLimited, (info) => logger.info("discord rate limit: waiting", { route: info.route, retryAfterMs: info.retryAfter, global: info.global }));
  // The interaction as Discord sent it, the payload HTTP mode receives too: one handler serves both.
  client.ws.on(GatewayDispatchEvents.InteractionCreate, (data: APIInteraction) => {
    void handle(data, callbackResponder(client.rest, data)).catch((error: unknown) => logger.error("discord interaction failed", { error: describeError(error) }));
  });

  return {
    name: "Discord",
    port,
    client,

    async start() {
      const ready = new Promise<void>((resolve) => client.once(Events.ClientReady, () => resolve()));
      await client.login(options.token);
      await ready;
      logger.info("discord connected", { bot: client.user?.tag, servers: client.guilds.cache.size });
      // The servers the bot is in now: clubs marked removed while no process was connected come back.
      await core.setClubsReachable("discord", [...client.guilds.cache.keys()], true).catch((error: unknown) => logger.error("discord: could not record the servers it is in", { error: describeError(error) }));
      if (client.guilds.cache.size === 0) logger.warn(`discord: the bot is in no server yet; invite it with ${inviteUrl(options.applicationId)}`);
      if (options.registerCommands === false) return;
      try {
        const target = { applicationId: options.applicationId, ...(options.guildId ? { guildId: options.guildId } : {}) };
        const result = await syncCommands(client.rest, target, [command]);
        logger.info(result.changed ? "discord: /jobclub commands registered" : "discord: /jobclub commands are up to date", { scope: result.scope });
      } catch (error) {
        // Commands registered earlier keep working; `npm run discord:register` retries by hand.
        logger.error("discord: could not register the /jobclub commands", { error: describeError(error) });
      }
    },

    async stop() {
      await client.destroy();
    },

    healthy() {
      return client.isReady() && client.ws.status === Status.Ready;
    },
  };
}
