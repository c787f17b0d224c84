import {
  ApplicationCommandOptionType,
  ApplicationCommandType,
  ChannelType,
  ComponentType,
  InteractionResponseType,
  InteractionType,
  MessageFlags,
  PermissionFlagsBits,
  PermissionsBitField,
  Routes,
  type APIApplicationCommandAutocompleteInteraction,
  type APIApplicationCommandInteractionDataOption,
  type APIChatInputApplicationCommandInteraction,
  type APIInteraction,
  type APIMessageComponentButtonInteraction,
  type APIMessageComponentInteraction,
  type RawFile,
  type REST,
} from "discord.js";
import { argFields } from "../../core/args.js";
import type { Core } from "../../core/core.js";
import { errorReply } from "../../core/reply.js";
import type { Actor, ClubRef, Reply } from "../../core/types.js";
import type { Logger } from "../../util/logger.js";
import type { ClubChannels } from "./club-channels.js";
import { readInteractionOptions, ROOT_COMMAND, type ReceivedOption } from "./command-options.js";
import { decodeCustomId } from "./custom-id.js";
import type { DiscordDirectory } from "./directory.js";
import { DiscordCode, describeError, hasDiscordCode } from "./discord-errors.js";
import { renderReply, truncate, type DiscordMessage } from "./render.js";
import { wireFiles, wireMessage } from "./wire.js";

/**
 * Discord drops an interaction not answered within 3 s of sending it. Commands that finish sooner are
 * answered directly (one round trip, no extra REST call); slower ones get a "thinking…" answer at
 * this mark and an edit when done, which leaves room for the network both ways.
 */
export const DEFAULT_DEFER_AFTER_MS = 1500;

const AUTOCOMPLETE_MAX = 25;

/** The first answer to an interaction (Discord's "interaction response"), as Warmpath sends them. */
export type InteractionCallback =
  | { type: InteractionResponseType.ChannelMessageWithSource; data: Record<string, unknown> }
  | { type: InteractionResponseType.DeferredChannelMessageWithSource; data: { flags: number } }
  | { type: InteractionResponseType.ApplicationCommandAutocompleteResult; data: { choices: Array<{ name: string; value: string }> } };

/**
 * Where the first answer to an interaction goes: over the gateway, a REST call to the interaction's
 * callback; over HTTP, the response to Discord's request. Everything after it (the edit of a
 * deferred answer, follow-ups) goes to the interaction's webhook either way.
 */
export interface InteractionResponder {
  /** Whether the first answer may carry files: a REST callback can (multipart), an HTTP response can't. */
  readonly attachFiles: boolean;
  send(callback: InteractionCallback, files: RawFile[]): Promise<void>;
}

/** Discord stopped waiting for the first answer (its request was closed, or it came too late). */
export class InteractionExpiredError extends Error {
  constructor(message = "Discord stopped waiting for the answer to the interaction") {
    super(message);
    this.name = "InteractionExpiredError";
  }
}

/** The first answer as a REST call to the interaction's callback: how a gateway bot answers. */
export function callbackResponder(rest: REST, interaction: Pick<APIInteraction, "id" | "token">): InteractionResponder {
  return {
    attachFiles: true,
    async send(callback, files) {
      // The interaction token authorises the call; the bot token is not sent.
      await rest.post(Routes.interactionCallback(interaction.id, interaction.token), { body: callback, files, auth: false });
    },
  };
}

export interface InteractionHandlerOptions {
  core: Core;
  logger: Logger;
  /** Edits of deferred answers and follow-ups (the interaction's webhook): a client that waits out rate limits. */
  rest: REST;
  applicationId: string;
  directory: DiscordDirectory;
  channels: ClubChannels;
  deferAfterMs?: number;
}

export type InteractionHandler = (interaction: APIInteraction, responder: InteractionResponder) => Promise<void>;

/**
 * Warmpath's answer to every interaction, whether it arrived over the gateway or over HTTP: `/jobclub`
 * commands with typed options, buttons that run command lines as the clicker, company autocomplete.
 * It works on Discord's own payloads, so both modes run exactly this code; they differ only in where
 * the first answer goes (`InteractionResponder`) and where servers and members are looked up
 * (`DiscordDirectory`). Resolves when the interaction is fully answered.
 */
export function createInteractionHandler(options: InteractionHandlerOptions): InteractionHandler {
  const { core, logger, rest, applicationId, directory, channels } = options;
  const deferAfterMs = options.deferAfterMs ?? DEFAULT_DEFER_AFTER_MS;

  /** One interaction's answer: the first one through the responder, later ones through its webhook. */
  function answering(interaction: APIInteraction, responder: InteractionResponder) {
    let state: "none" | "deferred" | "replied" = "none";
    return {
      get state() {
        return state;
      },
      attachFiles: responder.attachFiles,
      async reply(message: DiscordMessage, ephemeral: boolean) {
        await responder.send({ type: InteractionResponseType.ChannelMessageWithSource, data: wireMessage(message, ephemeral ? MessageFlags.Ephemeral : 0) }, wireFiles(message));
        state = "replied";
      },
      async defer() {
        // Deferred before the reply is known, so as private as a reply can be; a public reply follows up.
        await responder.send({ type: InteractionResponseType.DeferredChannelMessageWithSource, data: { flags: MessageFlags.Ephemeral } }, []);
        state = "deferred";
      },
      async choices(choices: Array<{ name: string; value: string }>) {
        await responder.send({ type: InteractionResponseType.ApplicationCommandAutocompleteResult, data: { choices } }, []);
        state = "replied";
      },
      async edit(message: DiscordMessage) {
        await rest.patch(Routes.webhookMessage(applicationId, interaction.token), { body: wireMessage(message), files: wireFiles(message), auth: false });
      },
      async followUp(message: DiscordMessage, ephemeral: boolean) {
        await rest.post(Routes.webhook(applicationId, interaction.token), { body: wireMessage(message, ephemeral ? MessageFlags.Ephemeral : 0), files: wireFiles(message), auth: false });
      },
    };
  }
  type Answering = ReturnType<typeof answering>;

  async function handle(interaction: APIInteraction, responder: InteractionResponder): Promise<void> {
    const a = answering(interaction, responder);
    try {
      if (interaction.type === InteractionType.ApplicationCommand && interaction.data.type === ApplicationCommandType.ChatInput) {
        await onCommand(interaction as APIChatInputApplicationCommandInteraction, a);
      } else if (interaction.type === InteractionType.MessageComponent && isButton(interaction)) {
        await onButton(interaction, a);
      } else if (interaction.type === InteractionType.ApplicationCommandAutocomplete) {
        await onAutocomplete(interaction, a);
      }
    } catch (error) {
      if (hasDiscordCode(error, DiscordCode.UnknownInteraction) || error instanceof InteractionExpiredError) {
        logger.warn("discord interaction expired before the answer arrived", { error: describeError(error) });
        return;
      }
      logger.error("discord interaction failed", { error: describeError(error) });
      if (interaction.type !== InteractionType.ApplicationCommandAutocomplete) await apologise(a);
    }
  }

  async function onCommand(interaction: APIChatInputApplicationCommandInteraction, a: Answering): Promise<void> {
    if (interaction.data.name !== ROOT_COMMAND) return privately(a, errorReply(`I only know /${ROOT_COMMAND}. Try /${ROOT_COMMAND} help.`));
    const guildId = interaction.guild_id;
    if (!guildId || !interaction.member) return privately(a, errorReply(`Warmpath lives in a server: use /${ROOT_COMMAND} there.`));
    const read = readInteractionOptions(receivedOptions(interaction.data.options));
    if (!read) return privately(a, errorReply(`Pick a subcommand, for example /${ROOT_COMMAND} help.`));
    const channelId = channelOf(interaction);
    if (channelId && interaction.channel?.type === ChannelType.GuildText && canOpenThreads(interaction.app_permissions)) channels.noteUsed(guildId, channelId);
    const work = (async (): Promise<Reply> =>
      core.handle({
        club: clubRef(guildId, await guildName(guildId)),
        actor: actorOf(interaction),
        ...(channelId ? { channelId } : {}),
        via: "options",
        command: read.command,
        options: read.options,
      }))();
    await answer(a, work);
  }

  async function onButton(interaction: APIMessageComponentButtonInteraction, a: Answering): Promise<void> {
    const { command: text, guildId: claimed } = decodeCustomId(interaction.data.custom_id);
    const work = (async (): Promise<Reply> => {
      const guildId = interaction.guild_id;
      if (guildId && interaction.member) {
        // In a server the interaction's own guild is the club, whatever the custom_id claims.
        const channelId = channelOf(interaction);
        return core.handle({ club: clubRef(guildId, await guildName(guildId)), actor: actorOf(interaction), ...(channelId ? { channelId } : {}), via: "button", text });
      }
      const clicker = await dmClicker(interaction, claimed);
      if (!clicker.ok) return errorReply(clicker.message);
      // No channel: what a command would post "here" goes to the club channel, not into a DM.
      return core.handle({ club: clicker.club, actor: clicker.actor, via: "button", text });
    })();
    await answer(a, work);
  }

  /**
   * The club and member behind a click in a DM. The custom_id names the server, but anyone can forge
   * one: the clicker must be a member of that server right now (asked of Discord, not a cache).
   */
  async function dmClicker(interaction: APIMessageComponentInteraction, claimed: string | undefined): Promise<{ ok: true; club: ClubRef; actor: Actor } | { ok: false; message: string }> {
    const user = interaction.user ?? interaction.member?.user;
    if (!user) return { ok: false, message: `I can't tell who clicked. Use /${ROOT_COMMAND} in the server instead.` };
    try {
      const guildId = claimed ?? (await directory.onlyGuild());
      if (!guildId) return { ok: false, message: `I can't tell which server that button belongs to. Use /${ROOT_COMMAND} in the server instead.` };
      const guild = await directory.guild(guildId);
      if (!guild) return { ok: false, message: "That button belongs to a server I'm no longer in." };
      const member = await directory.member(guild, user.id);
      if (!member) return { ok: false, message: `You're not a member of ${guild.name}, so that button can't act for you there.` };
      return {
        ok: true,
        club: clubRef(guild.id, guild.name),
        actor: { platformUserId: user.id, displayName: member.displayName, isPlatformAdmin: member.isAdmin },
      };
    } catch (error) {
      logger.warn("discord: could not check a DM clicker's membership", { guild: claimed, error: describeError(error) });
      return { ok: false, message: "I couldn't check your membership with Discord just now. Please try again in a moment." };
    }
  }

  async function onAutocomplete(interaction: APIApplicationCommandAutocompleteInteraction, a: Answering): Promise<void> {
    const guildId = interaction.guild_id;
    if (!guildId) return a.choices([]);
    const options = receivedOptions(interaction.data.options);
    const read = readInteractionOptions(options);
    const focused = focusedOption(options);
    const declared = read ? core.registry.get(read.command) : undefined;
    const field = declared && focused ? argFields(declared.args).find((f) => f.name === focused.name) : undefined;
    if (!focused || field?.meta.autocomplete !== "company") return a.choices([]);
    let names: string[] = [];
    try {
      names = await core.completeCompanies(clubRef(guildId, undefined), String(focused.value ?? ""));
    } catch (error) {
      logger.warn("discord autocomplete failed", { error: describeError(error) });
    }
    await a.choices(names.slice(0, AUTOCOMPLETE_MAX).map((name) => ({ name: truncate(name, 100), value: name.slice(0, 100) })));
  }

  /**
   * Answers within Discord's 3 s: directly when the core is done by `deferAfterMs`, else a deferred
   * ("thinking…") private answer first and an edit with the reply when the core is done. A reply with
   * a file is deferred too where the first answer can't carry files (HTTP), and arrives as the edit.
   */
  async function answer(a: Answering, work: Promise<Reply>): Promise<void> {
    // Its failure is met below, where it is awaited; it must not count as unhandled while the defer is on its way.
    work.catch(() => undefined);
    let timer: NodeJS.Timeout | undefined;
    // 0 defers every answer at once: the "thinking…" first, then the reply as its edit.
    const early = deferAfterMs <= 0 ? undefined : await Promise.race([work, new Promise<undefined>((resolve) => (timer = setTimeout(() => resolve(undefined), deferAfterMs)))]);
    clearTimeout(timer);
    if (early) {
      const message = renderReply(early);
      if (message.files.length === 0 || a.attachFiles) {
        await a.reply(message, early.visibility === "private");
        return;
      }
    }
    try {
      await a.defer();
    } catch (error) {
      // The command still runs to the end (its effects are the core's); only the answer is lost.
      await work;
      throw error;
    }
    const reply = await work;
    if (reply.visibility === "public") {
      // A deferred answer stays as private as the defer was: the public part goes as a follow-up.
      await a.edit(renderReply({ text: "Posted.", visibility: "private", tone: "success" }));
      await a.followUp(renderReply(reply), false);
      return;
    }
    await a.edit(renderReply(reply));
  }

  async function privately(a: Answering, reply: Reply): Promise<void> {
    await a.reply(renderReply(reply), true);
  }

  async function apologise(a: Answering): Promise<void> {
    const sorry = renderReply(errorReply("Sorry, something went wrong on my side. Please try again in a moment."));
    try {
      if (a.state === "deferred") await a.edit(sorry);
      else if (a.state === "none") await a.reply(sorry, true);
    } catch (error) {
      logger.warn("discord: could not send an apology", { error: describeError(error) });
    }
  }

  /** The server's name for a club's first command; a lookup that fails must not fail the command. */
  async function guildName(guildId: string): Promise<string | undefined> {
    try {
      return await directory.guildName(guildId);
    } catch (error) {
      logger.warn("discord: could not read the server's name", { guild: guildId, error: describeError(error) });
      return undefined;
    }
  }

  return handle;
}

function isButton(interaction: APIMessageComponentInteraction): interaction is APIMessageComponentButtonInteraction {
  return interaction.data.component_type === ComponentType.Button;
}

function channelOf(interaction: APIInteraction): string | undefined {
  return interaction.channel?.id ?? interaction.channel_id;
}

function canOpenThreads(appPermissions: string | undefined): boolean {
  if (!appPermissions) return true;
  return new PermissionsBitField(BigInt(appPermissions)).has([PermissionFlagsBits.CreatePrivateThreads, PermissionFlagsBits.SendMessagesInThreads]);
}

function clubRef(guildId: string, name: string | undefined): ClubRef {
  return { platform: "discord", externalId: guildId, ...(name ? { name } : {}) };
}

/** Who acts in a server: the member as the interaction carries them. */
function actorOf(interaction: APIInteraction): Actor {
  const member = interaction.member!;
  const user = member.user;
  return {
    platformUserId: user.id,
    displayName: member.nick ?? user.global_name ?? user.username,
    // Managing the server is what makes a club organiser on Discord (Administrator includes it).
    isPlatformAdmin: new PermissionsBitField(BigInt(member.permissions)).has(PermissionFlagsBits.ManageGuild),
  };
}

function receivedOptions(options: readonly APIApplicationCommandInteractionDataOption[] | undefined): ReceivedOption[] {
  return (options ?? []) as ReceivedOption[];
}

/** The option the member is typing in, for autocomplete. */
function focusedOption(options: readonly ReceivedOption[]): ReceivedOption | undefined {
  for (const option of options) {
    if (option.type === ApplicationCommandOptionType.Subcommand || option.type === ApplicationCommandOptionType.SubcommandGroup) {
      const inner = focusedOption(option.options ?? []);
      if (inner) return inner;
    } else if ((option as { focused?: boolean }).focused) {
      return option;
    }
  }
  return undefined;
}
