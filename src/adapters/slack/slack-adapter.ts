import type http from "node:http";
import type { AddressInfo } from "node:net";
import { InstallProvider, type CallbackOptions, type Installation, type InstallURLOptions } from "@slack/oauth";
import {
  App,
  HTTPReceiver,
  LogLevel,
  SocketModeReceiver,
  webApi,
  type BlockAction,
  type ButtonAction,
  type AllMiddlewareArgs,
  type AuthorizeSourceData,
  type Logger as BoltLogger,
  type Receiver,
  type RespondArguments,
  type RespondFn,
} from "@slack/bolt";
import type { Core } from "../../core/core.js";
import type { Actor, ClubRef, Reply } from "../../core/types.js";
import type { Db } from "../../db/client.js";
import { findClub, setReachable } from "../../db/store/clubs.js";
import { enqueueForClub } from "../../db/store/outbox.js";
import { DeliveryError } from "../../outbox/port.js";
import { AppError } from "../../util/app-error.js";
import type { Logger } from "../../util/logger.js";
import type { PlatformAdapter } from "../adapter.js";
import { createHealthCheck, healthRoute } from "../../http/health.js";
import { createHttpServer, type HttpServer } from "../../http/server.js";
import { buildHomeView } from "./app-home.js";
import { installFailedPage, installedPage, installPage } from "./install-pages.js";
import { createInstallationStore, installKeyOf, NotInstalledError } from "./installation-store.js";
import { createSlackPort, slackConversations, type SlackPort } from "./port.js";
import { ACTION_PREFIX, escapeMrkdwn, fromSlackText, renderMessage, withOutcome } from "./render.js";
import { createTokenCipher } from "./token-cipher.js";
import { createUserDirectory, type UserScope } from "./users.js";
import { createWorkspaces, type SlackWorkspaces } from "./workspaces.js";

/** Distribution: any workspace installs Warmpath through Slack's OAuth flow; tokens live in Postgres. */
export interface SlackOAuthOptions {
  clientId: string;
  clientSecret: string;
  /** Signs the OAuth `state` (a 10-minute JWT, also set as a cookie in the installer's browser). */
  stateSecret: string;
  /** AES-256-GCM key (32 bytes) for the tokens in slack_installations. */
  tokenEncryptionKey: Buffer;
  /** Earlier keys: tokens stored under them are still read, and re-encrypted under the new key when next stored. */
  previousTokenEncryptionKeys?: Buffer[];
  /** Sent as redirect_uri; unset, Slack uses the app's only configured redirect URL. */
  redirectUri?: string;
  /** Slack's authorize page; derived from the API URL (https://slack.com/oauth/v2/authorize) by default. */
  authorizationUrl?: string;
}

export interface SlackAdapterOptions {
  /** Single-workspace mode: the Bot User OAuth Token of the one workspace. Exactly one of botToken and oauth. */
  botToken?: string;
  /** Distribution mode: installations through OAuth, one bot token per workspace. HTTP only. */
  oauth?: SlackOAuthOptions;
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
/** Distribution mode: the "Add to Slack" page, and where Slack sends the installer back (Bolt's defaults). */
export const SLACK_INSTALL_PATH = "/slack/install";
export const SLACK_OAUTH_REDIRECT_PATH = "/slack/oauth_redirect";

/** The bot scopes an installation asks for: exactly those of slack/manifest.yml. */
export const SLACK_BOT_SCOPES = ["commands", "chat:write", "im:write", "mpim:write", "users:read", "channels:read", "groups:read", "files:write"] as const;

/** Slack tokens (xoxb-, xoxp-, xoxe-, xapp-...) in a line from Bolt or the Web API: per-workspace tokens are not in config.secrets. */
const TOKEN_PATTERN = /\bx(?:ox[a-z]|app)-[A-Za-z0-9.-]+/g;

const DEFAULT_API_URL = "https://slack.com/api/";
/** A hung Slack call must not hold a command (or start-up) forever. */
const API_TIMEOUT_MS = 15_000;

/** Bolt's logger interface over ours, so Bolt's and the Web API's lines are scrubbed of secrets like every other. */
function boltLogger(logger: Logger, secrets: string[] = []): BoltLogger {
  const line = (parts: unknown[]) =>
    secrets.reduce(
      (text, secret) => text.split(secret).join("[redacted]"),
      parts
        .map((part) => (part instanceof Error ? part.message : typeof part === "string" ? part : JSON.stringify(part) ?? String(part)))
        .join(" ")
        .replace(TOKEN_PATTERN, "[redacted token]"),
    );
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

/** Where a request came from: the workspace's team id, its bot user, and a client with its token. */
interface RequestWorkspace {
  teamId: string;
  botUserId: string | undefined;
  client: webApi.WebClient;
}

/**
 * The Slack adapter on Bolt, in one of two modes. Single workspace (SLACK_BOT_TOKEN): the token is
 * checked with Slack before anything listens, so a wrong token or an unreachable Slack is one clear
 * start-up error. Distribution (OAuth): any workspace installs Warmpath from /slack/install; each
 * request, delivery and scheduled message uses its own workspace's token from slack_installations.
 * Every request is acked first and answered through `respond()` once the core is done, so Slack's
 * 3-second limit holds whatever the database does.
 */
/**
 * An org app's events about which workspaces it reaches (team_access_granted / _revoked) concern the
 * org's install, whatever workspace the envelope happens to name: they are authorized with it.
 */
function orgSourceOf(source: AuthorizeSourceData<boolean>, body: unknown): AuthorizeSourceData<boolean> {
  const type = (body as { event?: { type?: unknown } } | undefined)?.event?.type;
  if ((type === "team_access_revoked" || type === "team_access_granted") && source.enterpriseId) {
    return { enterpriseId: source.enterpriseId, teamId: undefined, isEnterpriseInstall: true };
  }
  return source;
}

export async function createSlackAdapter(options: SlackAdapterOptions): Promise<SlackAdapter> {
  const { core, db, logger } = options;
  if (!options.botToken === !options.oauth) throw new AppError("SLACK.START", "Slack needs either a bot token (one workspace) or OAuth settings (distribution), not both.");
  if (options.oauth && options.appToken) throw new AppError("SLACK.START", "Socket Mode (SLACK_APP_TOKEN) serves one workspace: distribution through OAuth needs HTTP mode.");
  const apiUrl = (options.apiUrl ?? DEFAULT_API_URL).replace(/\/?$/, "/");
  // The Web API's debug lines show request bodies: oauth.v2.access carries the client secret.
  const bolt = boltLogger(logger, options.oauth ? [options.oauth.clientSecret, options.oauth.stateSecret] : []);
  // No retries and no silent queueing: a 429 surfaces as an error with Retry-After, and the outbox's
  // Postgres-backed schedule is the one that waits (a restart keeps it; an in-memory queue would not).
  const clientOptions = (): webApi.WebClientOptions => ({
    slackApiUrl: apiUrl,
    logger: bolt,
    rejectRateLimitedCalls: true,
    retryConfig: { retries: 0 },
    timeout: API_TIMEOUT_MS,
  });
  // The start-up checks report their own failure, in one message: the client's warnings would only repeat it.
  const quiet: BoltLogger = { ...bolt, warn: (...parts: unknown[]) => bolt.debug(...parts), error: (...parts: unknown[]) => bolt.debug(...parts) };
  const checkOptions = (): webApi.WebClientOptions => ({ ...clientOptions(), logger: quiet });

  /** Single-workspace mode: the one workspace, as auth.test names it. */
  let single: { client: webApi.WebClient; teamId: string; teamName: string; botUserId: string; botId: string } | undefined;
  let workspaces: SlackWorkspaces | undefined;
  let installer: InstallProvider | undefined;
  const store = options.oauth
    ? createInstallationStore(db, createTokenCipher(options.oauth.tokenEncryptionKey, options.oauth.previousTokenEncryptionKeys), { now: () => core.clock.now() })
    : undefined;

  if (options.botToken) {
    let auth: webApi.AuthTestResponse;
    try {
      auth = await new webApi.WebClient(options.botToken, checkOptions()).auth.test();
    } catch (error) {
      throw new AppError("SLACK.START", describeStartError(error, { variable: "SLACK_BOT_TOKEN", url: apiUrl }));
    }
    if (!auth.user_id || !auth.team_id) throw new AppError("SLACK.START", "Slack's auth.test did not name the bot user and workspace: is SLACK_BOT_TOKEN a bot token (xoxb-...)?");
    single = { client: new webApi.WebClient(options.botToken, clientOptions()), teamId: auth.team_id, teamName: auth.team ?? auth.team_id, botUserId: auth.user_id, botId: auth.bot_id ?? "" };
    // The token works: a workspace marked uninstalled before (and given a new token since) is back.
    await setReachable(db, "slack", [auth.team_id], true, core.clock.now());
  } else {
    const oauth = options.oauth!;
    installer = new InstallProvider({
      clientId: oauth.clientId,
      clientSecret: oauth.clientSecret,
      stateSecret: oauth.stateSecret,
      installationStore: store!,
      logger: bolt,
      // oauth.v2.access (install and refresh) and the install's auth.test: no retries that would hold the installer's browser.
      clientOptions: clientOptions(),
      authorizationUrl: oauth.authorizationUrl ?? new URL("../oauth/v2/authorize", apiUrl).toString(),
      installUrlOptions: installUrlOptions(oauth),
      renderHtmlForInstallPath: (url) => installPage(url, options.command),
    });
    workspaces = createWorkspaces({ installer, store: store!, clientOptions: clientOptions(), logger });
  }

  if (options.appToken) {
    const appClient = new webApi.WebClient(undefined, { ...checkOptions(), headers: { Authorization: `Bearer ${options.appToken}` } });
    try {
      await appClient.apps.connections.open();
    } catch (error) {
      throw new AppError("SLACK.START", describeStartError(error, { variable: "SLACK_APP_TOKEN", url: apiUrl }));
    }
  }

  /** A delivery's client: the club's own workspace's, or a permanent failure, without calling Slack, where Warmpath is uninstalled. */
  const clientOfClub = async (club: { externalId: string }, { fresh }: { fresh: boolean }): Promise<webApi.WebClient> => {
    if (fresh) {
      logger.info("slack refused a workspace's token; reading its installation again", { team: club.externalId });
      workspaces!.forget(club.externalId);
    }
    try {
      return (await workspaces!.bot(club.externalId)).client;
    } catch (error) {
      if (error instanceof NotInstalledError) throw new DeliveryError(error.message, { permanent: true, cause: error });
      throw new DeliveryError(`Slack installation of workspace ${club.externalId} could not be read: ${error instanceof Error ? error.message : String(error)}`, { permanent: false, cause: error });
    }
  };
  const port = createSlackPort(single ? single.client : clientOfClub, options.deliveriesPerMinute ? { deliveriesPerMinute: options.deliveriesPerMinute } : {});
  const users = createUserDirectory(single?.client, { logger });
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

  if (installer) {
    // Our own InstallProvider rather than the receiver's: requests and deliveries then share one
    // authorize (cached, refreshing), and the pages are ours.
    const provider = installer;
    const callbackOptions = installCallbacks();
    web.route({ method: ["GET"], path: SLACK_INSTALL_PATH, handle: (req, res) => provider.handleInstallPath(req, res, {}, installUrlOptions(options.oauth!)) });
    web.route({ method: ["GET"], path: SLACK_OAUTH_REDIRECT_PATH, handle: (req, res) => provider.handleCallback(req, res, callbackOptions) });
  }

  const app = single
    ? // botId and botUserId come from our own auth.test: with both given, Bolt makes no call of its own.
      new App({ token: options.botToken, botId: single.botId, botUserId: single.botUserId, receiver, logger: bolt, clientOptions: clientOptions(), convoStore: false })
    : new App({ authorize: (source, body) => workspaces!.authorize(orgSourceOf(source, body)), receiver, logger: bolt, clientOptions: clientOptions(), convoStore: false });

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

  function installUrlOptions(oauth: SlackOAuthOptions): InstallURLOptions {
    return { scopes: [...SLACK_BOT_SCOPES], ...(oauth.redirectUri ? { redirectUri: oauth.redirectUri } : {}) };
  }

  /** What happens when Slack sends the installer back: the club, a welcome DM, and pages in plain words. */
  function installCallbacks(): CallbackOptions {
    const send = (res: http.ServerResponse, status: number, html: string) => {
      res.writeHead(status, { "content-type": "text/html; charset=utf-8", "cache-control": "no-store" });
      res.end(html);
    };
    return {
      successAsync: async (installation: Installation, _options, _req, res) => {
        const orgWide = installation.isEnterpriseInstall === true;
        const key = installKeyOf({ isEnterpriseInstall: orgWide, enterpriseId: installation.enterprise?.id, teamId: installation.team?.id })!;
        workspaces!.forget(key);
        const teamId = installation.team?.id;
        const where = (orgWide ? installation.enterprise?.name : installation.team?.name) ?? key;
        let reinstall = false;
        if (teamId && !orgWide) {
          const club: ClubRef = { platform: "slack", externalId: teamId, name: installation.team?.name ?? teamId };
          reinstall = (await findClub(db, club)) !== undefined;
          // The installer hears from the bot itself, with the workspace's new token, through the outbox.
          const queued = await enqueueForClub(
            db,
            club,
            { kind: "account", platform: "slack", userId: installation.user.id, reply: installedReply(where, reinstall), dedupeKey: `installed:${core.clock.now().toISOString()}:${installation.user.id}` },
            core.clock.now(),
          );
          if (queued) options.onOutboxWrite?.();
        }
        logger.info(`Slack: Warmpath ${reinstall ? "reinstalled" : "installed"}`, { installation: key, orgWide });
        const openUrl = !orgWide && teamId && installation.appId ? `https://slack.com/app_redirect?app=${installation.appId}&team=${teamId}` : (installation.enterpriseUrl ?? "https://slack.com/");
        send(res, 200, installedPage({ where, openUrl, command: options.command, reinstall, orgWide }));
      },
      failureAsync: async (error, _options, _req, res) => {
        const code = error.code;
        const slackError = error instanceof webApi.WebAPIPlatformError ? String(error.data.error) : undefined;
        const kind =
          code === "slack_oauth_invalid_state" || code === "slack_oauth_missing_state" || code === "slack_oauth_missing_code"
            ? "state"
            : code === "slack_oauth_installer_authorization_error" && /cancelled/i.test(error.message)
              ? "cancelled"
              : slackError || code?.startsWith("slack_webapi_")
                ? "slack"
                : "internal";
        logger.warn("slack installation failed", { code, slackError, reason: error.message });
        const page = installFailedPage(kind, slackError);
        send(res, page.status, page.html);
      },
    };
  }

  function installedReply(where: string, reinstall: boolean): Reply {
    const command = options.command;
    return {
      title: reinstall ? "Warmpath is back" : "Warmpath is installed",
      text: reinstall
        ? `Thanks for adding me back to ${where}. Your club's members, goals, targets and introductions are as you left them.`
        : `Thanks for adding me to ${where}! Next: invite me to your job club's channel (\`/invite @Warmpath\`), then type \`${command} join <the role you're looking for>\`. \`${command} config\` sets the digest channel, schedules and time zone.`,
      visibility: "private",
      tone: "success",
      buttons: [{ label: "Show commands", command: "help" }],
    };
  }

  const workspaceOf = (context: AllMiddlewareArgs["context"], client: webApi.WebClient, teamId: string | undefined): RequestWorkspace => ({
    teamId: teamId || context.teamId || single?.teamId || "",
    botUserId: context.botUserId ?? single?.botUserId,
    client,
  });

  const clubOf = (teamId: string | undefined, domain?: string): ClubRef => {
    const id = teamId || single?.teamId || "";
    return { platform: "slack", externalId: id, name: id === single?.teamId ? single.teamName : (domain ?? id) };
  };

  const scopeOf = (ws: RequestWorkspace): UserScope => ({ teamId: ws.teamId, client: ws.client });

  async function actorOf(ws: RequestWorkspace, userId: string, fallbackName: string | undefined): Promise<Actor> {
    const user = await users.lookup(userId, scopeOf(ws));
    return { platformUserId: userId, displayName: user?.displayName ?? fallbackName ?? userId, isPlatformAdmin: user?.isAdmin ?? false };
  }

  const isMember = (club: ClubRef, userId: string) => core.isMember(club, userId);

  function responseFor(reply: Reply): RespondArguments {
    const message = renderMessage(reply, reply.attachment ? { attachmentNote: "sent to you as a direct message" } : {});
    return { response_type: reply.visibility === "public" ? "in_channel" : "ephemeral", replace_original: false, text: message.text, blocks: message.blocks };
  }

  /** A reply that cannot go back where it came from (a click in the Home tab), or its file: as a DM. */
  async function sendPrivately(ws: RequestWorkspace, userId: string, reply: Reply): Promise<void> {
    const conversations = slackConversations(ws.client);
    await conversations.post(await conversations.openConversation([userId]), reply);
  }

  async function answer(ws: RequestWorkspace, respond: RespondFn | undefined, userId: string, reply: Reply): Promise<void> {
    if (respond) {
      await respond(responseFor(reply));
      if (reply.attachment) {
        const { attachment } = reply;
        const conversations = slackConversations(ws.client);
        // Slack has no files in ephemeral answers: the document goes to the person's DM with the bot.
        await conversations.upload(await conversations.openConversation([userId]), attachment, reply.title ?? attachment.filename).catch(async (error: unknown) => {
          const reason = error instanceof Error ? error.message : String(error);
          logger.warn("slack file delivery failed", { file: attachment.filename, reason });
          await respond({ response_type: "ephemeral", replace_original: false, text: `⚠️ I couldn't send ${escapeMrkdwn(attachment.filename)}: ${escapeMrkdwn(reason)}` });
        });
      }
    } else {
      await sendPrivately(ws, userId, reply);
    }
  }

  async function publishHome(ws: RequestWorkspace, club: ClubRef, userId: string, fallbackName?: string): Promise<void> {
    const actor = await actorOf(ws, userId, fallbackName);
    const view = await buildHomeView({ core, club, actor, isMember: await isMember(club, userId), slashCommand: options.command });
    await ws.client.views.publish({ user_id: userId, view });
  }

  app.command(options.command, async ({ command, ack, respond, client, context }) => {
    await ack();
    const ws = workspaceOf(context, client, command.team_id);
    const actor = await actorOf(ws, command.user_id, command.user_name);
    const reply = await core.handle({
      club: clubOf(command.team_id, command.team_domain),
      actor,
      channelId: command.channel_id,
      via: "text",
      text: fromSlackText(command.text ?? ""),
    });
    await answer(ws, respond, command.user_id, reply);
  });

  app.action<BlockAction<ButtonAction>>({ type: "block_actions", action_id: new RegExp(`^${ACTION_PREFIX}`) }, async ({ ack, body, action, respond, client, context }) => {
    await ack();
    if (action.type !== "button" || !action.value) return;
    const teamId = body.team?.id ?? body.user.team_id;
    const ws = workspaceOf(context, client, teamId);
    const club = clubOf(teamId, body.team?.domain);
    const actor = await actorOf(ws, body.user.id, body.user.name ?? body.user.username);
    const reply = await core.handle({ club, actor, via: "button", text: action.value, ...(body.channel?.id ? { channelId: body.channel.id } : {}) });
    const fromHome = body.container?.type === "view" || !body.response_url;
    if (fromHome) {
      try {
        await sendPrivately(ws, body.user.id, reply);
      } finally {
        // The click may have changed what the Home shows (a goal done, an intro answered).
        await publishHome(ws, club, body.user.id, actor.displayName);
      }
      return;
    }
    if (INTRO_DECISION.test(action.value) && reply.tone !== "error" && body.message && body.container?.is_ephemeral !== true) {
      // The request in the helper's DM now shows the answer and no buttons: nothing to click twice.
      await respond({ replace_original: true, ...withOutcome(body.message.blocks, reply) });
      return;
    }
    await answer(ws, respond, body.user.id, reply);
  });

  app.event("app_home_opened", async ({ event, body, client, context }) => {
    if (event.tab !== undefined && event.tab !== "home") return;
    await publishHome(workspaceOf(context, client, body.team_id), clubOf(body.team_id), event.user);
  });

  app.event("member_joined_channel", async ({ event, body, client, context }) => {
    const ws = workspaceOf(context, client, body.team_id);
    if (event.user === ws.botUserId) return;
    const club = clubOf(body.team_id);
    const user = await users.lookup(event.user, scopeOf(ws));
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

  /**
   * The workspace (or the org) took Warmpath out, or revoked its bot token: Slack answers nothing
   * with those tokens any more. The installation is marked and its tokens dropped at once, so every
   * delivery for its clubs fails for good without calling Slack; the clubs' data stays, and a
   * reinstall (same team id) carries on with it. Bolt skips authorize for these two events.
   */
  async function uninstalled(body: { team_id?: string; enterprise_id?: string; authorizations?: Array<{ team_id?: string | null; enterprise_id?: string | null; is_enterprise_install?: boolean }>; is_enterprise_install?: boolean }, why: string) {
    const auth = body.authorizations?.[0];
    const orgWide = auth?.is_enterprise_install ?? body.is_enterprise_install ?? false;
    const key = installKeyOf({ isEnterpriseInstall: orgWide, enterpriseId: auth?.enterprise_id ?? body.enterprise_id, teamId: auth?.team_id ?? body.team_id });
    if (!key) return;
    if (!store) {
      await setReachable(db, "slack", [key], false, core.clock.now());
      logger.warn(`Slack: ${why} in workspace ${key}; SLACK_BOT_TOKEN no longer works there. Reinstall the app and update SLACK_BOT_TOKEN.`);
      return;
    }
    const marked = await store.markUninstalled(key, core.clock.now());
    workspaces!.forget(key);
    logger.info(`Slack: ${why}; nothing more is sent there until it is installed again`, { installation: key, marked });
  }

  app.event("app_uninstalled", async ({ body }) => {
    await uninstalled(body, "Warmpath was uninstalled");
  });

  /**
   * An org-wide install was taken out of some workspaces of the org (not the whole org: that is
   * app_uninstalled): those workspaces' clubs get nothing more, their data stays, and the org's
   * other workspaces go on. When the org lets a workspace back in, its club carries on.
   */
  /** The org an org app's event is about: the envelope's, or its authorization's. */
  const orgOf = (body: { enterprise_id?: string; authorizations?: Array<{ enterprise_id?: string | null }> }) =>
    body.enterprise_id ?? body.authorizations?.[0]?.enterprise_id ?? undefined;

  app.event("team_access_revoked", async ({ event, body }) => {
    const enterpriseId = orgOf(body);
    if (!enterpriseId) return;
    if (!store) {
      logger.warn(`Slack: Warmpath lost access to workspaces ${event.team_ids.join(", ")} of org ${enterpriseId}`);
      return;
    }
    const served = await store.forgetOrgTeams(enterpriseId, event.team_ids);
    for (const team of event.team_ids) workspaces!.forget(team);
    logger.info("Slack: the org's install no longer reaches these workspaces; nothing more is sent there until they are let back in", { org: enterpriseId, teams: event.team_ids, served });
  });

  app.event("team_access_granted", async ({ event, body }) => {
    const enterpriseId = orgOf(body);
    if (!enterpriseId || !store) return;
    for (const team of event.team_ids) {
      await store.rememberOrgTeam(enterpriseId, team);
      workspaces!.forget(team);
    }
    logger.info("Slack: the org's install reaches these workspaces (again)", { org: enterpriseId, teams: event.team_ids });
  });

  app.event("tokens_revoked", async ({ event, body }) => {
    // Only the bot's token matters: Warmpath asks for no user scopes.
    if ((event.tokens.bot ?? []).length === 0) return;
    await uninstalled(body, "the bot token was revoked");
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
        logger.info("Slack: Socket Mode connected", { team: single?.teamId });
        return;
      }
      running = true;
      const where = ownServer ? ` on port ${web.address()?.port ?? options.port}` : "";
      if (single) logger.info(`Slack: HTTP mode, requests at ${SLACK_EVENTS_PATH}${where}`, { team: single.teamId });
      else logger.info(`Slack: distribution (OAuth), requests at ${SLACK_EVENTS_PATH}, installs at ${SLACK_INSTALL_PATH}${where}`);
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
