import { webApi, type AuthorizeResult, type AuthorizeSourceData } from "@slack/bolt";
import type { InstallProvider } from "@slack/oauth";
import type { Logger } from "../../util/logger.js";
import { installKeyOf, NotInstalledError, type SlackInstallationStore } from "./installation-store.js";

/** Warmpath's bot in one workspace: the token to use there, and who the bot is. */
export interface WorkspaceBot {
  teamId: string;
  botUserId: string;
  botId: string;
  /** A Web API client with this workspace's token (and its team id, which org-wide tokens need). */
  client: webApi.WebClient;
}

/**
 * Resolves the bot of each workspace: Bolt's `authorize` for requests, `bot(teamId)` for deliveries
 * and scheduled work outside a request. Both go through the InstallProvider's authorize, which
 * refreshes a rotating token that expires within two hours and stores the new one.
 */
export interface SlackWorkspaces {
  authorize(source: AuthorizeSourceData<boolean>): Promise<AuthorizeResult>;
  /** The workspace's bot; NotInstalledError when Warmpath is not (or no longer) installed there. */
  bot(teamId: string): Promise<WorkspaceBot>;
  /** Drops what is cached for a workspace or org (after an uninstall, a reinstall, or Slack rejecting its token). */
  forget(keyOrTeamId: string): void;
}

/** How long a resolved token is used before the store is asked again: another instance may have uninstalled or refreshed it. */
const DEFAULT_TTL_MS = 30_000;
/** Bolt refreshes a token expiring within two hours: a cached one is dropped before it gets that close. */
const REFRESH_WINDOW_MS = 2 * 3_600_000 + 60_000;

type Source = AuthorizeSourceData<boolean>;

/** What Bolt's AuthorizationError wraps: our NotInstalledError stays recognisable. */
function unwrap(error: unknown): unknown {
  const original = (error as { original?: unknown } | undefined)?.original;
  return original instanceof NotInstalledError ? original : error;
}

export function createWorkspaces(options: {
  installer: InstallProvider;
  store: SlackInstallationStore;
  clientOptions: webApi.WebClientOptions;
  logger: Logger;
  ttlMs?: number;
  now?: () => number;
}): SlackWorkspaces {
  const { installer, store, logger } = options;
  const ttlMs = options.ttlMs ?? DEFAULT_TTL_MS;
  const now = options.now ?? Date.now;
  const results = new Map<string, { result: AuthorizeResult; expires: number }>();
  // One authorize per installation at a time in this process: two deliveries racing to refresh an
  // expiring token would spend the same single-use refresh token twice.
  const inFlight = new Map<string, Promise<AuthorizeResult>>();
  /** A team id's installation (its own, or its org's) as the store last said. */
  const sources = new Map<string, { key: string; source: Source; expires: number }>();
  const knownOrgTeams = new Set<string>();
  const clients = new Map<string, webApi.WebClient>();

  function resolve(key: string, source: Source): Promise<AuthorizeResult> {
    const hit = results.get(key);
    if (hit && hit.expires > now()) return Promise.resolve(hit.result);
    const running = inFlight.get(key);
    if (running) return running;
    const started = (installer.authorize(source) as Promise<AuthorizeResult>)
      .then((result) => {
        const refreshBy = typeof result.botTokenExpiresAt === "number" ? result.botTokenExpiresAt * 1000 - REFRESH_WINDOW_MS : Infinity;
        const expires = Math.min(now() + ttlMs, refreshBy);
        if (expires > now()) results.set(key, { result, expires });
        return result;
      })
      .catch((error: unknown) => {
        throw unwrap(error);
      })
      .finally(() => inFlight.delete(key));
    inFlight.set(key, started);
    return started;
  }

  async function sourceOf(teamId: string): Promise<{ key: string; source: Source }> {
    const known = sources.get(teamId);
    if (known && known.expires > now()) return known;
    const found = await store.findForTeam(teamId);
    if (!found) throw new NotInstalledError(`workspace ${teamId}`);
    if (found.uninstalledAt) throw new NotInstalledError(found.isEnterpriseInstall ? `org ${found.installKey} (workspace ${teamId})` : `workspace ${teamId}`, found.uninstalledAt);
    const source: Source = found.isEnterpriseInstall
      ? { enterpriseId: found.installKey, teamId, isEnterpriseInstall: true }
      : ({ teamId, enterpriseId: found.enterpriseId ?? undefined, isEnterpriseInstall: false });
    const entry = { key: found.installKey, source, expires: now() + ttlMs };
    sources.set(teamId, entry);
    return entry;
  }

  function clientFor(teamId: string, token: string): webApi.WebClient {
    const id = `${teamId}:${token}`;
    let client = clients.get(id);
    if (!client) {
      // A new token (refreshed, or a reinstall) replaces the workspace's old client.
      for (const old of clients.keys()) if (old.startsWith(`${teamId}:`)) clients.delete(old);
      client = new webApi.WebClient(token, { ...options.clientOptions, teamId });
      clients.set(id, client);
    }
    return client;
  }

  return {
    async authorize(source) {
      const key = installKeyOf(source);
      if (!key) throw new Error("the request names no Slack team or enterprise");
      if (source.isEnterpriseInstall && source.enterpriseId && source.teamId && !knownOrgTeams.has(source.teamId)) {
        // A workspace of the org uses Warmpath: its club's deliveries must find the org's install.
        await store.rememberOrgTeam(source.enterpriseId, source.teamId);
        knownOrgTeams.add(source.teamId);
      }
      const result = await resolve(key, source);
      return {
        botToken: result.botToken,
        botId: result.botId,
        botUserId: result.botUserId,
        teamId: source.teamId ?? result.teamId,
        enterpriseId: source.enterpriseId ?? result.enterpriseId,
      };
    },

    async bot(teamId) {
      const { key, source } = await sourceOf(teamId);
      let result: AuthorizeResult;
      try {
        result = await resolve(key, source);
      } catch (error) {
        sources.delete(teamId);
        throw error;
      }
      if (!result.botToken || !result.botUserId) throw new NotInstalledError(`workspace ${teamId}`);
      return { teamId, botUserId: result.botUserId, botId: result.botId ?? "", client: clientFor(teamId, result.botToken) };
    },

    forget(keyOrTeamId) {
      results.delete(keyOrTeamId);
      // A workspace taken out of its org's install is remembered again when it is let back in.
      knownOrgTeams.delete(keyOrTeamId);
      for (const [team, known] of sources) {
        if (team === keyOrTeamId || known.key === keyOrTeamId) {
          sources.delete(team);
          results.delete(known.key);
          for (const id of clients.keys()) if (id.startsWith(`${team}:`)) clients.delete(id);
        }
      }
      for (const id of clients.keys()) if (id.startsWith(`${keyOrTeamId}:`)) clients.delete(id);
      logger.debug("slack installation cache dropped", { key: keyOrTeamId });
    },
  };
}
