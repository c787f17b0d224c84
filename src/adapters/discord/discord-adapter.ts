import {
  ChannelType,
  Client,
  Events,
  GatewayIntentBits,
  GuildMember,
  MessageFlags,
  PermissionFlagsBits,
  RESTEvents,
  Status,
  type AutocompleteInteraction,
  type ButtonInteraction,
  type ChatInputCommandInteraction,
  type Interaction,
  type InteractionEditReplyOptions,
  type InteractionReplyOptions,
} from "discord.js";
import type { PlatformAdapter } from "../adapter.js";
import { argFields } from "../../core/args.js";
import type { Core } from "../../core/core.js";
import { errorReply } from "../../core/reply.js";
import type { Actor, ClubRef, Invocation, Reply } from "../../core/types.js";
import type { Logger } from "../../util/logger.js";
import { createClubChannels } from "./club-channels.js";
import { buildJobclubCommand, readInteractionOptions, ROOT_COMMAND } from "./command-options.js";
import { decodeCustomId } from "./custom-id.js";
import { DiscordCode, describeError, hasDiscordCode } from "./discord-errors.js";
import { inviteUrl } from "./permissions.js";
import { createDeliveryRest, createDiscordPort } from "./port.js";
import { syncCommands } from "./registration.js";
import { renderReply, truncate, type DiscordMessage } from "./render.js";

/**
 * Discord drops an interaction not answered within 3 s of sending it. Commands that finish sooner are
 * answered directly; slower ones get a "thinking…" answer at this mark and an edit when done, which
 * leaves room for the network both ways.
 */
export const DEFAULT_DEFER_AFTER_MS = 1500;

const AUTOCOMPLETE_MAX = 25;

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
 * Warmpath on Discord over the gateway, with the real discord.js client: `/jobclub` commands with
 * typed options, buttons that run command lines as the clicker, company autocomplete, and an outbox
 * port for DMs, intro threads and channel posts.
 */
export function createDiscordAdapter(options: DiscordAdapterOptions): DiscordAdapter {
  const { core, logger } = options;
  const deferAfterMs = options.deferAfterMs ?? DEFAULT_DEFER_AFTER_MS;
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

  // discord.js re-emits failures inside its event handling (and rejected listeners) as "error";
  // an EventEmitter without an "error" listener throws, which would end the process.
  client.on(Events.Error, (error) => logger.error("discord client error", { error: describeError(error) }));
  client.on(Events.ShardError, (error, shardId) => logger.error("discord gateway error", { shard: shardId, error: describeError(error) }));
  client.on(Events.Warn, (message) => logger.warn("discord warning", { message }));
  client.on(Events.ShardDisconnect, (event, shardId) => logger.warn("discord gateway disconnected", { shard: shardId, code: event.code }));
  client.on(Events.ShardResume, (shardId) => logger.info("discord gateway resumed", { shard: shardId }));
  client.rest.on(RESTEvents.RateLimited, (info) => logger.info("discord rate limit: waiting", { route: info.route, retryAfterMs: info.retryAfter, global: info.global }));
  client.on(Events.InteractionCreate, (interaction) => {
    void handleInteraction(interaction).catch((error: unknown) => logger.error("discord interaction failed", { error: describeError(error) }));
  });

  async function handleInteraction(interaction: Interaction): Promise<void> {
    try {
      if (interaction.isChatInputCommand()) await onCommand(interaction);
      else if (interaction.isButton()) await onButton(interaction);
      else if (interaction.isAutocomplete()) await onAutocomplete(interaction);
    } catch (error) {
      if (hasDiscordCode(error, DiscordCode.UnknownInteraction)) {
        logger.warn("discord interaction expired before the answer arrived", { error: describeError(error) });
        return;
      }
      logger.error("discord interaction failed", { error: describeError(error) });
      await apologise(interaction);
    }
  }

  async function onCommand(interaction: ChatInputCommandInteraction): Promise<void> {
    if (interaction.commandName !== ROOT_COMMAND) return privately(interaction, errorReply(`I only know /${ROOT_COMMAND}. Try /${ROOT_COMMAND} help.`));
    if (!interaction.inGuild()) return privately(interaction, errorReply(`Warmpath lives in a server: use /${ROOT_COMMAND} there.`));
    const read = readInteractionOptions(interaction.options.data);
    if (!read) return privately(interaction, errorReply(`Pick a subcommand, for example /${ROOT_COMMAND} help.`));
    if (interaction.channel?.type === ChannelType.GuildText && canOpenThreads(interaction)) channels.noteUsed(interaction.guildId, interaction.channelId);
    const invocation: Invocation = {
      club: clubRef(interaction.guildId, interaction.guild?.name),
      actor: actorOf(interaction),
      channelId: interaction.channelId,
      via: "options",
      command: read.command,
      options: read.options,
    };
    await answer(interaction, core.handle(invocation));
  }

  async function onButton(interaction: ButtonInteraction): Promise<void> {
    const { command: text, guildId: claimed } = decodeCustomId(interaction.customId);
    const work = (async (): Promise<Reply> => {
      if (interaction.inGuild()) {
        // In a server the interaction's own guild is the club, whatever the custom_id claims.
        return core.handle({ club: clubRef(interaction.guildId, interaction.guild?.name), actor: actorOf(interaction), channelId: interaction.channelId, via: "button", text });
      }
      const clicker = await dmClicker(interaction, claimed);
      if (!clicker.ok) return errorReply(clicker.message);
      // No channel: what a command would post "here" goes to the club channel, not into a DM.
      return core.handle({ club: clicker.club, actor: clicker.actor, via: "button", text });
    })();
    await answer(interaction, work);
  }

  /**
   * The club and member behind a click in a DM. The custom_id names the server, but anyone can forge
   * one: the clicker must be a member of that server right now (asked of Discord, not the cache).
   */
  async function dmClicker(interaction: ButtonInteraction, claimed: string | undefined): Promise<{ ok: true; club: ClubRef; actor: Actor } | { ok: false; message: string }> {
    const only = client.guilds.cache.size === 1 ? client.guilds.cache.firstKey() : undefined;
    const guildId = claimed ?? only;
    if (!guildId) return { ok: false, message: `I can't tell which server that button belongs to. Use /${ROOT_COMMAND} in the server instead.` };
    const guild = client.guilds.cache.get(guildId);
    if (!guild) return { ok: false, message: "That button belongs to a server I'm no longer in." };
    let member: GuildMember;
    try {
      member = await guild.members.fetch({ user: interaction.user.id, force: true });
    } catch (error) {
      if (hasDiscordCode(error, DiscordCode.UnknownMember) || hasDiscordCode(error, DiscordCode.UnknownUser)) {
        return { ok: false, message: `You're not a member of ${guild.name}, so that button can't act for you there.` };
      }
      logger.warn("discord: could not check a DM clicker's membership", { guild: guildId, error: describeError(error) });
      return { ok: false, message: "I couldn't check your membership with Discord just now. Please try again in a moment." };
    }
    return {
      ok: true,
      club: clubRef(guild.id, guild.name),
      actor: { platformUserId: member.id, displayName: member.displayName, isPlatformAdmin: member.permissions.has(PermissionFlagsBits.ManageGuild) },
    };
  }

  async function onAutocomplete(interaction: AutocompleteInteraction): Promise<void> {
    if (!interaction.inGuild()) return interaction.respond([]);
    const read = readInteractionOptions(interaction.options.data);
    const focused = interaction.options.getFocused(true);
    const declared = read ? core.registry.get(read.command) : undefined;
    const field = declared ? argFields(declared.args).find((f) => f.name === focused.name) : undefined;
    if (field?.meta.autocomplete !== "company") return interaction.respond([]);
    let names: string[] = [];
    try {
      names = await core.completeCompanies(clubRef(interaction.guildId, interaction.guild?.name), String(focused.value ?? ""));
    } catch (error) {
      logger.warn("discord autocomplete failed", { error: describeError(error) });
    }
    await interaction.respond(names.slice(0, AUTOCOMPLETE_MAX).map((name) => ({ name: truncate(name, 100), value: name.slice(0, 100) })));
  }

  /**
   * Answers within Discord's 3 s: directly when the core is done by `deferAfterMs`, else a deferred
   * ("thinking…") private answer first and an edit with the reply when the core is done.
   */
  async function answer(interaction: ChatInputCommandInteraction | ButtonInteraction, work: Promise<Reply>): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    const early = await Promise.race([work, new Promise<undefined>((resolve) => (timer = setTimeout(() => resolve(undefined), deferAfterMs)))]);
    clearTimeout(timer);
    if (early) {
      await interaction.reply(replyOptions(renderReply(early), early.visibility === "private"));
      return;
    }
    try {
      await interaction.deferReply({ flags: MessageFlags.Ephemeral });
    } catch (error) {
      // The command still runs to the end (its effects are the core's); only the answer is lost.
      await work;
      throw error;
    }
    const reply = await work;
    if (reply.visibility === "public") {
      // A deferred answer stays as private as the defer was: the public part goes as a follow-up.
      await interaction.editReply(editOptions(renderReply({ text: "Posted.", visibility: "private", tone: "success" })));
      await interaction.followUp(replyOptions(renderReply(reply), false));
      return;
    }
    await interaction.editReply(editOptions(renderReply(reply)));
  }

  async function privately(interaction: ChatInputCommandInteraction, reply: Reply): Promise<void> {
    await interaction.reply(replyOptions(renderReply(reply), true));
  }

  async function apologise(interaction: Interaction): Promise<void> {
    if (!interaction.isRepliable()) return;
    const sorry = renderReply(errorReply("Sorry, something went wrong on my side. Please try again in a moment."));
    try {
      if (interaction.deferred) await interaction.editReply(editOptions(sorry));
      else if (!interaction.replied) await interaction.reply(replyOptions(sorry, true));
    } catch (error) {
      logger.warn("discord: could not send an apology", { error: describeError(error) });
    }
  }

  function canOpenThreads(interaction: ChatInputCommandInteraction): boolean {
    const permissions = interaction.appPermissions;
    return !permissions || permissions.has([PermissionFlagsBits.CreatePrivateThreads, PermissionFlagsBits.SendMessagesInThreads]);
  }

  return {
    name: "Discord",
    port,
    client,

    async start() {
      const ready = new Promise<void>((resolve) => client.once(Events.ClientReady, () => resolve()));
      await client.login(options.token);
      await ready;
      logger.info("discord connected", { bot: client.user?.tag, servers: client.guilds.cache.size });
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

function clubRef(guildId: string, name: string | undefined): ClubRef {
  return { platform: "discord", externalId: guildId, ...(name ? { name } : {}) };
}

function actorOf(interaction: ChatInputCommandInteraction | ButtonInteraction): Actor {
  const { member, user } = interaction;
  const displayName = member instanceof GuildMember ? member.displayName : (member?.nick ?? user.globalName ?? user.username);
  return {
    platformUserId: user.id,
    displayName,
    // Managing the server is what makes a club organiser on Discord.
    isPlatformAdmin: interaction.memberPermissions?.has(PermissionFlagsBits.ManageGuild) ?? false,
  };
}

function files(message: DiscordMessage) {
  return message.files.map((f) => ({ attachment: f.data, name: f.name }));
}

function replyOptions(message: DiscordMessage, ephemeral: boolean): InteractionReplyOptions {
  return {
    ...(message.content !== undefined ? { content: message.content } : {}),
    embeds: message.embeds,
    components: message.components,
    files: files(message),
    allowedMentions: message.allowedMentions,
    ...(ephemeral ? { flags: MessageFlags.Ephemeral } : {}),
  };
}

function editOptions(message: DiscordMessage): InteractionEditReplyOptions {
  return {
    ...(message.content !== undefined ? { content: message.content } : {}),
    embeds: message.embeds,
    components: message.components,
    files: files(message),
    allowedMentions: message.allowedMentions,
  };
}
