import type { AddressInfo } from "node:net";
import {
  App,
  HTTPReceiver,
  LogLevel,
  SocketModeReceiver,
  webApi,
  type BlockAction,
  type ButtonAction,
  type Logger as BoltLogger,
  type Receiver,
  type RespondArguments,
  type RespondFn,
} from "@slack/bolt";
import type { Core } from "../../core/core.js";
import type { Actor, ClubRef, Reply } from "../../core/types.js";
import type { Db } from "../../db/client.js";
import { enqueueForClub } from "../../db/store/outbox.js";
import { AppError } from "../../util/app-error.js";
import type { Logger } from "../../util/logger.js";
import type { PlatformAdapter } from "../adapter.js";
import { createHealthCheck, healthRoute } from "../../http/health.js";
import { createHttpServer, type HttpServer } from "../../http/server.js";
import { buildHomeView } from "./app-home.js";
import { createSlackPort, type SlackPort } from "./port.js";
import { ACTION_PREFIX, escapeMrkdwn, fromSlackText, renderMessage, withOutcome } from "./render.js";
import { createUserDirectory } from "./users.js";

export interface SlackAdapterOptions {
  botToken: string;
  signingSecret: string;
  /** Set: Socket Mode (no public URL). Unset: HTTP on `port`. */
  appToken?: string;
  /** The Web API base URL; Slack's by default. */
  apiUrl?: string;
  /** The slash command, e.g. "/jobclub". */
  command: string;
  /** The process's shared web server; unset, the adapter listens on `port` itself. */
  http?: HttpServer;
  /** Without `http`: the port for requests (HTTP mode) and /healthz. 0 picks a free port. */
  port: number;
  /** Where to listen; every interface by default. */
  host?: string;
  core: Core;
  db: Db;
  logger: Logger;
  /** Called after an event queued outbox messages (a welcome DM): wakes the dispatcher. */
  onOutboxWrite?: () => void;
  /** The pace of outbox deliveries (DMs, posts); unset: as fast as Slack takes them. */
  deliveriesPerMinute?: number;
}

export interface SlackAdapter extends PlatformAdapter {
  readonly port: SlackPort;
  /** The HTTP address once started (requests in HTTP mode, /healthz in both). */
  address(): AddressInfo | undefined;
}

/** Bolt's default path for commands, interactivity and events alike. */
export const SLACK_EVENTS_PATH = "/slack/events";

const DEFAULT_API_URL = "https://slack.com/api/";
/** A hung Slack call must not hold a command (or start-up) forever. */
const API_TIMEOUT_MS = 15_000;

/** Bolt's logger interface over ours, so Bolt's and the Web API's lines are scrubbed of secrets like every other. */
function boltLogger(logger: Logger): BoltLogger {
  const line = (parts: unknown[]) =>
    parts
      .map((part) => (part instanceof Error ? part.message : typeof part === "string" ? part : JSON.stringify(part) ?? String(part)))
      .join(" ");
  return {
    debug: (...parts) => logger.debug(`slack: ${line(parts)}`),
    info: (...parts) => logger.info(`slack: ${line(parts)}`),
    warn: (...parts) => logger.warn(`slack: ${line(parts)}`),
    error: (...parts) => logger.error(`slack: ${line(parts)}`),
    // Our logger has its own level; Bolt's calls to change it are ignored.
    setLevel: () => undefined,
    getLevel: () => LogLevel.DEBUG,
    setName: () => undefined,
  };
}

function describeStartError(error: unknown, what: { variable: string; url: string }): string {
  if (error instanceof webApi.WebAPIPlatformError) {
    const code = String(error.data.error);
    const hint =
      what.variable === "SLACK_APP_TOKEN"
        ? "use the app-level token (xapp-...) with the connections:write scope from Basic Information > App-Level Tokens"
        : "use the Bot User OAuth Token (xoxb-...) from OAuth & Permissions, after installing the app to the workspace";
    return `Slack refused ${what.variable} (${code}): ${hint}.`;
  }
  if (error instanceof webApi.WebAPIRequestError) {
    // fetch says only "fetch failed"; the reason (ECONNREFUSED, ENOTFOUND, a timeout) is its cause.
    const cause = error.original.cause instanceof Error ? `: ${error.original.cause.message}` : "";
    return `Could not reach Slack at ${what.url} (${error.original.message}${cause}). Check the network, or SLACK_API_URL if you set it.`;
  }
  if (error instanceof webApi.WebAPIHTTPError) return `Slack at ${what.url} answered HTTP ${error.statusCode} while checking ${what.variable}. Try again in a moment.`;
  if (error instanceof webApi.WebAPIRateLimitedError) return `Slack rate-limited the start-up check of ${what.variable}; try again in ${error.retryAfter} s.`;
  return `Slack start-up failed while checking ${what.variable}: ${error instanceof Error ? error.message : String(error)}`;
}

/** An intro answer from its button: the helper's DM is then updated to show the outcome. */
const INTRO_DECISION = /^intro\s+(accept|decline)\s+\d+\b/i;

/**
 * The Slack adapter on Bolt. Checks the bot token (and app token) with Slack before anything
 * listens, so a wrong token or an unreachable Slack is one clear start-up error, not a rejection
 * later. Every request is acked first and answered through `respond()` once the core is done, so
 * Slack's 3-second limit holds whatever the database does.
 */
export async function createSlackAdapter(options: SlackAdapterOptions): Promise<SlackAdapter> {
  const { core, db, logger } = options;
  const apiUrl = (options.apiUrl ?? DEFAULT_API_URL).replace(/\/?$/, "/");
  const bolt = boltLogger(logger);
  // No retries and no silent queueing: a 429 surfaces as an error with Retry-After, and the outbox's
  // Postgres-backed schedule is the one that waits (a restart keeps it; an in-memory queue would not).
  const clientOptions = (): webApi.WebClientOptions => ({
    slackApiUrl: apiUrl,
    logger: bolt,
    rejectRateLimitedCalls: true,
    retryConfig: { retries: 0 },
    timeout: API_TIMEOUT_MS,
  });
  const client = new webApi.WebClient(options.botToken, clientOptions());
  // The start-up checks report their own failure, in one message: the client's warnings would only repeat it.
  const quiet: BoltLogger = { ...bolt, warn: (...parts: unknown[]) => bolt.debug(...parts), error: (...parts: unknown[]) => bolt.debug(...parts) };
  const checkOptions = (): webApi.WebClientOptions => ({ ...clientOptions(), logger: quiet });

  let auth: webApi.AuthTestResponse;
  try {
    auth = await new webApi.WebClient(options.botToken, checkOptions()).auth.test();
  } catch (error) {
    throw new AppError("SLACK.START", describeStartError(error, { variable: "SLACK_BOT_TOKEN", url: apiUrl }));
  }
  if (!auth.user_id || !auth.team_id) throw new AppError("SLACK.START", "Slack's auth.test did not name the bot user and workspace: is SLACK_BOT_TOKEN a bot token (xoxb-...)?");
  const installation = { teamId: auth.team_id, teamName: auth.team ?? auth.team_id, botUserId: auth.user_id, botId: auth.bot_id ?? "" };

  if (options.appToken) {
    const appClient = new webApi.WebClient(undefined, { ...checkOptions(), headers: { Authorization: `Bearer ${options.appToken}` } });
    try {
      await appClient.apps.connections.open();
    } catch (error) {
      throw new AppError("SLACK.START", describeStartError(error, { variable: "SLACK_APP_TOKEN", url: apiUrl }));
    }
  }

  const port = createSlackPort(client, options.deliveriesPerMinute ? { deliveriesPerMinute: options.deliveriesPerMinute } : {});
  const users = createUserDirectory(client, { logger });
  let running = false;
  let socketConnected = false;

  const connected = () => running && (!options.appToken || socketConnected);
  // The process's shared server when main gives one (health, dashboard and Discord live there too);
  // otherwise our own, with /healthz, on `port`.
  const ownServer = !options.http;
  const web = options.http ?? createHttpServer({ port: options.port, ...(options.host ? { host: options.host } : {}), logger });
  if (ownServer) web.route(healthRoute(createHealthCheck(db, [{ name: "slack", healthy: connected }]), logger));

  let receiver: Receiver;
  if (options.appToken) {
    const socketReceiver = new SocketModeReceiver({
      appToken: options.appToken,
      logger: bolt,
      // The Socket Mode client keeps its own retries: reconnecting after a drop should be patient.
      installerOptions: { clientOptions: { slackApiUrl: apiUrl } },
    });
    socketReceiver.client.on("connected", () => {
      socketConnected = true;
    });
    socketReceiver.client.on("disconnected", () => {
      socketConnected = false;
    });
    socketReceiver.client.on("reconnecting", () => {
      socketConnected = false;
    });
    receiver = socketReceiver;
  } else {
    const httpReceiver = new HTTPReceiver({
      signingSecret: options.signingSecret,
      endpoints: SLACK_EVENTS_PATH,
      logger: bolt,
      // Signed requests only, no older than 5 minutes: Bolt's check, never turned off.
      signatureVerification: true,
      processBeforeResponse: false,
    });
    // Bolt's receiver handles the request; the shared server owns the socket (one port for everything).
    web.route({ method: ["POST"], path: SLACK_EVENTS_PATH, handle: httpReceiver.requestListener });
    receiver = httpReceiver;
  }

  // botId and botUserId come from our own auth.test: with both given, Bolt makes no call of its own.
  const app = new App({
    token: options.botToken,
    botId: installation.botId,
    botUserId: installation.botUserId,
    receiver,
    logger: bolt,
    clientOptions: clientOptions(),
    convoStore: false,
  });

  app.error(async (error) => {
    logger.error("slack listener failed", { error });
  });

  // Slack redelivers an event it thinks we missed (X-Slack-Retry-Num, with the same event_id): every
  // effect of an event goes through the outbox under a dedupe key, so a redelivery changes nothing.
  // This line says when an event's listeners are done, retries included.
  app.use(async ({ body, context, next }) => {
    const envelope = body as { type?: string; event_id?: string; event?: { type?: string } };
    try {
      await next();
    } finally {
      if (envelope.type === "event_callback") {
        logger.debug("slack event handled", { event: envelope.event?.type, eventId: envelope.event_id, retryNum: context.retryNum, retryReason: context.retryReason });
      }
    }
  });

  const clubOf = (teamId: string | undefined, domain?: string): ClubRef => {
    const id = teamId || installation.teamId;
    return { platform: "slack", externalId: id, name: id === installation.teamId ? installation.teamName : (domain ?? id) };
  };

  async function actorOf(userId: string, fallbackName: string | undefined): Promise<Actor> {
    const user = await users.lookup(userId);
    return { platformUserId: userId, displayName: user?.displayName ?? fallbackName ?? userId, isPlatformAdmin: user?.isAdmin ?? false };
  }

  const isMember = (club: ClubRef, userId: string) => core.isMember(club, userId);

  function responseFor(reply: Reply): RespondArguments {
    const message = renderMessage(reply, reply.attachment ? { attachmentNote: "sent to you as a direct message" } : {});
    return { response_type: reply.visibility === "public" ? "in_channel" : "ephemeral", replace_original: false, text: message.text, blocks: message.blocks };
  }

  /** A reply that cannot go back where it came from (a click in the Home tab), or its file: as a DM. */
  async function sendPrivately(userId: string, reply: Reply): Promise<void> {
    await port.post(await port.openConversation([userId]), reply);
  }

  async function answer(respond: RespondFn | undefined, userId: string, reply: Reply): Promise<void> {
    if (respond) {
      await respond(responseFor(reply));
      if (reply.attachment) {
        const { attachment } = reply;
        // Slack has no files in ephemeral answers: the document goes to the person's DM with the bot.
        await port.upload(await port.openConversation([userId]), attachment, reply.title ?? attachment.filename).catch(async (error: unknown) => {
          const reason = error instanceof Error ? error.message : String(error);
          logger.warn("slack file delivery failed", { file: attachment.filename, reason });
          await respond({ response_type: "ephemeral", replace_original: false, text: `⚠️ I couldn't send ${escapeMrkdwn(attachment.filename)}: ${escapeMrkdwn(reason)}` });
        });
      }
    } else {
      await sendPrivately(userId, reply);
    }
  }

  async function publishHome(club: ClubRef, userId: string, fallbackName?: string): Promise<void> {
    const actor = await actorOf(userId, fallbackName);
    const view = await buildHomeView({ core, club, actor, isMember: await isMember(club, userId), slashCommand: options.command });
    await client.views.publish({ user_id: userId, view });
  }

  app.command(options.command, async ({ command, ack, respond }) => {
    await ack();
    const actor = await actorOf(command.user_id, command.user_name);
    const reply = await core.handle({
      club: clubOf(command.team_id, command.team_domain),
      actor,
      channelId: command.channel_id,
      via: "text",
      text: fromSlackText(command.text ?? ""),
    });
    await answer(respond, command.user_id, reply);
  });

  app.action<BlockAction<ButtonAction>>({ type: "block_actions", action_id: new RegExp(`^${ACTION_PREFIX}`) }, async ({ ack, body, action, respond }) => {
    await ack();
    if (action.type !== "button" || !action.value) return;
    const club = clubOf(body.team?.id ?? body.user.team_id, body.team?.domain);
    const actor = await actorOf(body.user.id, body.user.name ?? body.user.username);
    const reply = await core.handle({ club, actor, via: "button", text: action.value, ...(body.channel?.id ? { channelId: body.channel.id } : {}) });
    const fromHome = body.container?.type === "view" || !body.response_url;
    if (fromHome) {
      try {
        await sendPrivately(body.user.id, reply);
      } finally {
        // The click may have changed what the Home shows (a goal done, an intro answered).
        await publishHome(club, body.user.id, actor.displayName);
      }
      return;
    }
    if (INTRO_DECISION.test(action.value) && reply.tone !== "error" && body.message && body.container?.is_ephemeral !== true) {
      // The request in the helper's DM now shows the answer and no buttons: nothing to click twice.
      await respond({ replace_original: true, ...withOutcome(body.message.blocks, reply) });
      return;
    }
    await answer(respond, body.user.id, reply);
  });

  app.event("app_home_opened", async ({ event, body }) => {
    if (event.tab !== undefined && event.tab !== "home") return;
    await publishHome(clubOf(body.team_id), event.user);
  });

  app.event("member_joined_channel", async ({ event, body }) => {
    if (event.user === installation.botUserId) return;
    const club = clubOf(body.team_id);
    const user = await users.lookup(event.user);
    if (user?.isBot || (await isMember(club, event.user))) return;
    const command = options.command;
    const welcome: Reply = {
      title: "Welcome to the job club",
      text:
        `Hi ${user?.displayName ?? "there"}! <#${event.channel}> runs a job club with Warmpath: weekly goals, the companies you're aiming for, ` +
        `and warm introductions from members who work there.\n` +
        `To join, type \`${command} join <the role you're looking for>\` in any channel, or press the button. \`${command} help\` shows everything.`,
      visibility: "private",
      tone: "info",
      buttons: [
        { label: "Join the club", command: "join", style: "primary" },
        { label: "Show commands", command: "help" },
      ],
    };
    // Through the outbox, once per person and channel: Slack's retries of the event (or the person
    // joining again) find the welcome already queued; a rate-limited DM is retried like any other.
    const queued = await enqueueForClub(db, club, { kind: "account", platform: "slack", userId: event.user, reply: welcome, dedupeKey: `welcome:${event.channel}:${event.user}` }, core.clock.now());
    if (queued) options.onOutboxWrite?.();
  });

  return {
    name: "slack",
    port,
    address: () => web.address(),

    async start() {
      if (ownServer) {
        await web.listen().catch((error: unknown) => {
          throw new AppError("SLACK.START", `The Slack adapter could not listen on port ${options.port}: ${error instanceof Error ? error.message : String(error)}`);
        });
      }
      if (options.appToken) {
        try {
          await app.start();
        } catch (error) {
          if (ownServer) await web.close();
          throw new AppError("SLACK.START", `Socket Mode could not connect to Slack: ${error instanceof Error ? error.message : String(error)}`);
        }
        running = true;
        logger.info("Slack: Socket Mode connected", { team: installation.teamId });
        return;
      }
      running = true;
      logger.info(`Slack: HTTP mode, requests at ${SLACK_EVENTS_PATH}${ownServer ? ` on port ${web.address()?.port ?? options.port}` : ""}`, { team: installation.teamId });
    },

    healthy: connected,

    async stop() {
      if (!running) return;
      running = false;
      if (options.appToken) await app.stop().catch((error: unknown) => logger.warn("slack stop failed", { error }));
      if (ownServer) await web.close();
    },
  };
}
