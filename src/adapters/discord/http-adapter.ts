import type http from "node:http";
import { InteractionResponseType, InteractionType, REST, RESTEvents, Routes, type APIInteraction, type APIUser } from "discord.js";
import type { PlatformAdapter } from "../adapter.js";
import type { Core } from "../../core/core.js";
import type { HttpServer } from "../../http/server.js";
import { AppError } from "../../util/app-error.js";
import type { Logger } from "../../util/logger.js";
import { buildJobclubCommand } from "./command-options.js";
import { restBaseUrl } from "./discord-adapter.js";
import { describeError } from "./discord-errors.js";
import { createInteractionHandler, InteractionExpiredError, type InteractionResponder } from "./interactions.js";
import { inviteUrl } from "./permissions.js";
import { createDeliveryRest, createDiscordPort } from "./port.js";
import { createRestGuilds } from "./rest-guilds.js";
import { syncCommands } from "./registration.js";
import { createSignatureVerifier } from "./signature.js";

/** Where Discord sends interactions: the Developer Portal's Interactions Endpoint URL ends with it. */
export const DISCORD_INTERACTIONS_PATH = "/discord/interactions";
/** Redirects to the OAuth2 link that adds the bot to a server: a stable address to share. */
export const DISCORD_INSTALL_PATH = "/discord/install";

/**
 * The largest interaction body accepted. Discord's payloads are a few kilobytes (resolved members
 * and channels included); anything near this is not from Discord and is refused before it is read.
 */
export const MAX_INTERACTION_BYTES = 256 * 1024;

/** How often the REST client is checked for /healthz (a GET /users/@me). */
const HEALTH_PROBE_MS = 60_000;
/** Guild reads wait out a rate limit this short; a longer one fails the read (the outbox retries deliveries). */
const READ_MAX_WAIT_MS = 5_000;

export interface DiscordInteractionsAdapterOptions {
  token: string;
  applicationId: string;
  /** The application's Public Key (hex), which Discord's Ed25519 signatures are checked against. */
  publicKey: string;
  apiUrl?: string;
  /** Register /jobclub in this server only (instant updates) instead of globally. */
  guildId?: string;
  /** The process's shared web server: the interactions route is added to it. */
  http: HttpServer;
  core: Core;
  logger: Logger;
  deferAfterMs?: number;
  /** Check the registered commands at start and overwrite them when they differ (default true). */
  registerCommands?: boolean;
  healthProbeMs?: number;
}

export interface DiscordInteractionsAdapter extends PlatformAdapter {
  /** Asks Discord now whether the REST client works (the bot token is accepted); /healthz reports it. */
  checkRest(): Promise<boolean>;
}

/**
 * Warmpath on Discord over HTTP interactions: Discord POSTs each command, click and autocomplete to
 * `/discord/interactions` (signed with Ed25519), and everything Warmpath sends goes through the REST
 * API. No gateway connection is held, so any number of instances behind a load balancer can serve
 * one application: each request is answered by whichever instance receives it, servers are read
 * over REST when first needed (there is no "guild join" event), and the database does the rest.
 */
export function createDiscordInteractionsAdapter(options: DiscordInteractionsAdapterOptions): DiscordInteractionsAdapter {
  const { core, logger } = options;
  const api = restBaseUrl(options.apiUrl);
  const base = api ? { api } : {};
  const rest = new REST(base).setToken(options.token);
  const reads = new REST({ ...base, retries: 2, rejectOnRateLimit: (limit) => limit.timeToReset > READ_MAX_WAIT_MS }).setToken(options.token);
  // The health probe reports what Discord answers now: no retries to hide a failure, no long waits.
  const probeRest = new REST({ ...base, retries: 0, timeout: 5_000, rejectOnRateLimit: () => true }).setToken(options.token);
  rest.on(RESTEvents.RateLimited, (info) => logger.info("discord rate limit: waiting", { route: info.route, retryAfterMs: info.retryAfter, global: info.global }));
  let botUserId: string | undefined;
  const guilds = createRestGuilds({
    rest: reads,
    botUserId: () => {
      if (!botUserId) throw new Error("the Discord adapter has not started");
      return botUserId;
    },
  });
  const port = createDiscordPort({ rest: createDeliveryRest(options.token, api), channels: guilds.channels, logger });
  const command = buildJobclubCommand(core.registry.commands);
  const handle = createInteractionHandler({
    core,
    logger,
    rest,
    applicationId: options.applicationId,
    directory: guilds.directory,
    channels: guilds.channels,
    ...(options.deferAfterMs !== undefined ? { deferAfterMs: options.deferAfterMs } : {}),
  });
  const verify = createSignatureVerifier(options.publicKey);
  let restUp = false;
  let stopped = false;
  let probe: NodeJS.Timeout | undefined;

  options.http.route({ method: "POST", path: DISCORD_INTERACTIONS_PATH, handle: (req, res) => onInteraction(req, res) });
  options.http.route({
    method: ["GET", "HEAD"],
    path: DISCORD_INSTALL_PATH,
    handle: (_req, res) => void res.writeHead(302, { location: inviteUrl(options.applicationId), "cache-control": "no-store" }).end(),
  });

  async function onInteraction(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    // Shutting down: commands under way finish, new ones aren't started against a closing database.
    if (stopped) return refuse(req, res, 503, "shutting down");
    const signature = header(req, "x-signature-ed25519");
    const timestamp = header(req, "x-signature-timestamp");
    if (!signature || !timestamp) return refuse(req, res, 401, "missing signature");
    const body = await readBody(req, MAX_INTERACTION_BYTES);
    if (body === "too-large") return refuse(req, res, 413, "request body too large");
    const check = verify(signature, timestamp, body);
    if (!check.ok) {
      logger.warn("discord: refused an interaction request", { reason: check.reason });
      return refuse(req, res, 401, "invalid request signature");
    }
    const interaction = parseInteraction(body);
    if (!interaction) return refuse(req, res, 400, "not an interaction");
    if (interaction.type === InteractionType.Ping) {
      res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ type: InteractionResponseType.Pong }));
      return;
    }
    await handle(interaction, httpResponder(res));
    // A kind of interaction Warmpath never asks for (a modal, a select menu): Discord shows it failed.
    if (!res.headersSent) refuse(req, res, 400, "unsupported interaction");
  }

  async function checkRest(): Promise<boolean> {
    try {
      await probeRest.get(Routes.user());
      restUp = true;
    } catch (error) {
      if (restUp) logger.warn("discord: the REST API stopped answering", { error: describeError(error) });
      restUp = false;
    }
    return restUp;
  }

  return {
    name: "Discord",
    port,
    checkRest,

    async start() {
      let me: APIUser;
      try {
        me = (await rest.get(Routes.user())) as APIUser;
      } catch (error) {
        logger.error("discord: the REST API refused the bot token or could not be reached", { error: describeError(error) });
        throw new AppError("DISCORD.START", "Discord did not accept DISCORD_TOKEN, or could not be reached (see the log line above). Check the token on the Developer Portal's Bot page.");
      }
      botUserId = me.id;
      restUp = true;
      probe = setInterval(() => void checkRest(), options.healthProbeMs ?? HEALTH_PROBE_MS);
      probe.unref();
      logger.info("discord: answering interactions over HTTP (no gateway)", { bot: me.username, path: DISCORD_INTERACTIONS_PATH, install: inviteUrl(options.applicationId) });
      if (options.registerCommands === false) return;
      try {
        const target = { applicationId: options.applicationId, ...(options.guildId ? { guildId: options.guildId } : {}) };
        const result = await syncCommands(rest, target, [command]);
        logger.info(result.changed ? "discord: /jobclub commands registered" : "discord: /jobclub commands are up to date", { scope: result.scope });
      } catch (error) {
        // Commands registered earlier keep working; `npm run discord:register` retries by hand.
        logger.error("discord: could not register the /jobclub commands", { error: describeError(error) });
      }
    },

    async stop() {
      stopped = true;
      clearInterval(probe);
      restUp = false;
    },

    healthy() {
      return restUp;
    },
  };
}

/**
 * The first answer as the response to Discord's request. It can't carry files (Discord reads only
 * JSON there), so the handler defers replies with files and sends them as the edit.
 */
function httpResponder(res: http.ServerResponse): InteractionResponder {
  return {
    attachFiles: false,
    send(callback, files) {
      if (files.length > 0) return Promise.reject(new Error("an HTTP interaction response can't carry files"));
      if (res.headersSent) return Promise.reject(new Error("the interaction was already answered"));
      if (res.destroyed) return Promise.reject(new InteractionExpiredError("Discord closed the request before the answer"));
      return new Promise<void>((resolve, reject) => {
        // Resolves once the answer is written out, so an edit of a deferred answer never overtakes it.
        res.once("close", () => (res.writableFinished ? resolve() : reject(new InteractionExpiredError("Discord closed the request before the answer"))));
        res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify(callback), () => resolve());
      });
    },
  };
}

function header(req: http.IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  return typeof value === "string" && value.length > 0 ? value : undefined;
}

/** The raw body (signatures are over its exact bytes), or "too-large" as soon as it passes the limit. */
async function readBody(req: http.IncomingMessage, limit: number): Promise<Buffer | "too-large"> {
  if (Number(req.headers["content-length"] ?? 0) > limit) return "too-large";
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > limit) return "too-large";
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

function refuse(req: http.IncomingMessage, res: http.ServerResponse, status: number, message: string): void {
  // A refused request's unread body is not read: the connection closes after the answer.
  const unread = !req.readableEnded;
  res.writeHead(status, { "content-type": "text/plain; charset=utf-8", ...(unread ? { connection: "close" } : {}) });
  res.end(message, () => {
    if (unread) req.destroy();
  });
}

/** A signed body is Discord's, but still checked for the fields everything below relies on. */
function parseInteraction(body: Buffer): APIInteraction | undefined {
  let value: unknown;
  try {
    value = JSON.parse(body.toString("utf8"));
  } catch {
    return undefined;
  }
  if (typeof value !== "object" || value === null) return undefined;
  const { type, id, token } = value as { type?: unknown; id?: unknown; token?: unknown };
  if (typeof type !== "number") return undefined;
  if (type !== InteractionType.Ping && (typeof id !== "string" || typeof token !== "string")) return undefined;
  return value as APIInteraction;
}
