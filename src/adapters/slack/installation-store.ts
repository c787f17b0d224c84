import { and, arrayContains, desc, eq, isNull, sql } from "drizzle-orm";
import type { Installation, InstallationQuery, InstallationStore } from "@slack/oauth";
import type { Db } from "../../db/client.js";
import { slackInstallations } from "../../db/schema/index.js";
import { setReachable } from "../../db/store/clubs.js";
import type { TokenCipher } from "./token-cipher.js";

type Row = typeof slackInstallations.$inferSelect;

/** Where an installation is found: a workspace's team id, or an org-wide install's enterprise id. */
export function installKeyOf(query: { isEnterpriseInstall?: boolean; enterpriseId?: string | undefined; teamId?: string | undefined }): string | undefined {
  return query.isEnterpriseInstall ? query.enterpriseId : query.teamId;
}

/**
 * A fetched installation carries this in `metadata` (which Bolt copies into what it stores back after a
 * token refresh): the row's version, so a refresh's write only lands on the row it was read from.
 */
const FETCHED = "warmpath:fetched:";

/** Why nothing can be sent to a workspace: Warmpath is not, or no longer, installed there. */
export class NotInstalledError extends Error {
  readonly code = "SLACK.NOT_INSTALLED";
  constructor(
    /** "workspace T123" or "org E123". */
    readonly where: string,
    readonly uninstalledAt?: Date,
  ) {
    super(
      uninstalledAt
        ? `Warmpath was uninstalled from Slack ${where} at ${uninstalledAt.toISOString()}; nothing is sent there until it is installed again`
        : `Warmpath is not installed in Slack ${where}`,
    );
    this.name = "NotInstalledError";
  }
}

/** An installation as Warmpath tells it apart from Bolt's: whether it may be used, and why not. */
export interface InstallationStatus {
  installKey: string;
  teamId: string | null;
  enterpriseId: string | null;
  isEnterpriseInstall: boolean;
  teamName: string | null;
  /** Set: uninstalled (or its bot token revoked) at this time; nothing may be sent. */
  uninstalledAt: Date | null;
}

export interface SlackInstallationStore extends InstallationStore {
  /**
   * The installation that serves a workspace: its own install, or the org-wide install of its
   * Enterprise Grid org once the workspace has used Warmpath. Uninstalled ones too (with the time).
   */
  findForTeam(teamId: string): Promise<InstallationStatus | undefined>;
  /** Records that a workspace of an org-wide install uses Warmpath, so its club's deliveries find the install. */
  rememberOrgTeam(enterpriseId: string, teamId: string): Promise<void>;
  /**
   * team_access_revoked: the org-wide install no longer reaches these workspaces of the org (taken
   * out of one workspace, not the org). Their clubs' deliveries stop; the org's other workspaces go on.
   * Returns the team ids that were served.
   */
  forgetOrgTeams(enterpriseId: string, teamIds: string[]): Promise<string[]>;
  /** app_uninstalled or tokens_revoked: the tokens go (Slack revoked them) and the row stays, marked. */
  markUninstalled(installKey: string, at: Date): Promise<boolean>;
}

/**
 * Bolt's InstallationStore on Postgres. Tokens are encrypted before they reach the database, with the
 * row's key and the token's role bound in, so a value copied to another row or column fails to decrypt.
 */
export function createInstallationStore(db: Db, cipher: TokenCipher, options: { now?: () => Date } = {}): SlackInstallationStore {
  const now = options.now ?? (() => new Date());
  const seal = (key: string, role: string, token: string | undefined | null) => (token ? cipher.encrypt(token, `${key}:${role}`) : null);
  const open = (key: string, role: string, stored: string | null) => (stored ? cipher.decrypt(stored, `${key}:${role}`) : undefined);
  const seconds = (at: Date | null) => (at ? Math.floor(at.getTime() / 1000) : undefined);
  const fromSeconds = (at: number | undefined) => (at === undefined || at === null ? null : new Date(at * 1000));

  function toInstallation(row: Row): Installation<"v2", boolean> {
    const key = row.installKey;
    const botToken = open(key, "bot", row.botToken);
    const userToken = open(key, "user", row.userToken);
    const botRefresh = open(key, "bot-refresh", row.botRefreshToken);
    const userRefresh = open(key, "user-refresh", row.userRefreshToken);
    return {
      team: row.teamId ? { id: row.teamId, ...(row.teamName ? { name: row.teamName } : {}) } : undefined,
      enterprise: row.enterpriseId ? { id: row.enterpriseId, ...(row.enterpriseName ? { name: row.enterpriseName } : {}) } : undefined,
      user: {
        id: row.installerUserId,
        token: userToken,
        scopes: row.userScopes ?? undefined,
        ...(userRefresh ? { refreshToken: userRefresh, expiresAt: seconds(row.userTokenExpiresAt) } : {}),
      },
      ...(botToken
        ? {
            bot: {
              token: botToken,
              id: row.botId,
              userId: row.botUserId,
              scopes: row.botScopes,
              ...(botRefresh ? { refreshToken: botRefresh, expiresAt: seconds(row.botTokenExpiresAt) } : {}),
            },
          }
        : {}),
      ...(row.appId ? { appId: row.appId } : {}),
      ...(row.enterpriseUrl ? { enterpriseUrl: row.enterpriseUrl } : {}),
      tokenType: "bot",
      isEnterpriseInstall: row.isEnterpriseInstall,
      authVersion: "v2",
      metadata: `${FETCHED}${row.updatedAt.getTime()}`,
    };
  }

  const status = (row: Row): InstallationStatus => ({
    installKey: row.installKey,
    teamId: row.teamId,
    enterpriseId: row.enterpriseId,
    isEnterpriseInstall: row.isEnterpriseInstall,
    teamName: row.teamName,
    uninstalledAt: row.uninstalledAt ?? (row.botToken ? null : row.updatedAt),
  });

  return {
    async storeInstallation(installation) {
      const isEnterpriseInstall = installation.isEnterpriseInstall === true;
      const key = installKeyOf({ isEnterpriseInstall, enterpriseId: installation.enterprise?.id, teamId: installation.team?.id });
      if (!key) throw new Error("a Slack installation without a team or enterprise id cannot be stored");
      if (!installation.bot) throw new Error("a Slack installation without a bot token cannot be stored: Warmpath needs the bot scopes");
      const at = now();
      const { bot, user } = installation;
      const values = {
        isEnterpriseInstall,
        enterpriseId: installation.enterprise?.id ?? null,
        enterpriseName: installation.enterprise?.name ?? null,
        enterpriseUrl: installation.enterpriseUrl ?? null,
        teamId: installation.team?.id ?? null,
        teamName: installation.team?.name ?? null,
        appId: installation.appId ?? null,
        installerUserId: user.id,
        botId: bot.id,
        botUserId: bot.userId,
        botScopes: bot.scopes,
        botToken: seal(key, "bot", bot.token),
        botRefreshToken: seal(key, "bot-refresh", bot.refreshToken),
        botTokenExpiresAt: fromSeconds(bot.expiresAt),
        userToken: seal(key, "user", user.token),
        userRefreshToken: seal(key, "user-refresh", user.refreshToken),
        userTokenExpiresAt: fromSeconds(user.expiresAt),
        userScopes: user.scopes ?? null,
        updatedAt: at,
      };
      const fetched = installation.metadata?.startsWith(FETCHED) ? Number(installation.metadata.slice(FETCHED.length)) : undefined;
      if (fetched !== undefined) {
        // Bolt storing refreshed tokens: only onto the very row they were read from. An uninstall or a
        // reinstall in between wins (the refreshed tokens then belong to an installation that is gone).
        await db
          .update(slackInstallations)
          .set(values)
          .where(and(eq(slackInstallations.installKey, key), isNull(slackInstallations.uninstalledAt), eq(slackInstallations.updatedAt, new Date(fetched))));
        return;
      }
      // A new install or a reinstall: the same key, so the same row, club and members as before,
      // and the clubs it serves are reachable again (their weekly jobs run again).
      await db.transaction(async (tx) => {
        const [row] = await tx
          .insert(slackInstallations)
          .values({ installKey: key, ...values, installedAt: at })
          .onConflictDoUpdate({ target: slackInstallations.installKey, set: { ...values, uninstalledAt: null } })
          .returning({ orgTeamIds: slackInstallations.orgTeamIds });
        await setReachable(tx, "slack", isEnterpriseInstall ? (row?.orgTeamIds ?? []) : [key], true, at);
      });
    },

    async fetchInstallation(query: InstallationQuery<boolean>) {
      const key = installKeyOf(query);
      if (!key) throw new Error("no team or enterprise id to find a Slack installation by");
      const [row] = await db.select().from(slackInstallations).where(eq(slackInstallations.installKey, key));
      const where = `${query.isEnterpriseInstall ? "org" : "workspace"} ${key}`;
      if (!row) throw new NotInstalledError(where);
      if (row.uninstalledAt || !row.botToken) throw new NotInstalledError(where, row.uninstalledAt ?? row.updatedAt);
      return toInstallation(row);
    },

    async deleteInstallation(query: InstallationQuery<boolean>) {
      const key = installKeyOf(query);
      if (key) await this.markUninstalled(key, now());
    },

    async findForTeam(teamId) {
      const rows = await db
        .select()
        .from(slackInstallations)
        .where(sql`${slackInstallations.installKey} = ${teamId} or (${slackInstallations.isEnterpriseInstall} and ${arrayContains(slackInstallations.orgTeamIds, [teamId])})`)
        // The workspace's own install first, then the org's most recent.
        .orderBy(sql`${slackInstallations.installKey} = ${teamId} desc`, desc(slackInstallations.updatedAt))
        .limit(1);
      return rows[0] ? status(rows[0]) : undefined;
    },

    async rememberOrgTeam(enterpriseId, teamId) {
      await db
        .update(slackInstallations)
        .set({ orgTeamIds: sql`array_append(${slackInstallations.orgTeamIds}, ${teamId})` })
        .where(and(eq(slackInstallations.installKey, enterpriseId), eq(slackInstallations.isEnterpriseInstall, true), sql`not (${arrayContains(slackInstallations.orgTeamIds, [teamId])})`));
      // A workspace using Warmpath is reachable (again, if the org had taken it out).
      await setReachable(db, "slack", [teamId], true, now());
    },

    async forgetOrgTeams(enterpriseId, teamIds) {
      if (teamIds.length === 0) return [];
      return db.transaction(async (tx) => {
        const ofOrg = and(eq(slackInstallations.installKey, enterpriseId), eq(slackInstallations.isEnterpriseInstall, true));
        const [before] = await tx.select({ teams: slackInstallations.orgTeamIds }).from(slackInstallations).where(ofOrg).for("update");
        const gone = sql.join(teamIds.map((team) => sql`${team}`), sql`, `);
        await tx
          .update(slackInstallations)
          .set({ orgTeamIds: sql`array(select team from unnest(${slackInstallations.orgTeamIds}) as team where team not in (${gone}))` })
          .where(ofOrg);
        const served = (before?.teams ?? []).filter((team) => teamIds.includes(team));
        await setReachable(tx, "slack", served, false, now());
        return served;
      });
    },

    async markUninstalled(installKey, at) {
      // The clubs it served are reachable nowhere through it now: their weekly jobs stop.
      return db.transaction(async (tx) => {
        const marked = await tx
          .update(slackInstallations)
          .set({ uninstalledAt: at, updatedAt: at, botToken: null, botRefreshToken: null, botTokenExpiresAt: null, userToken: null, userRefreshToken: null, userTokenExpiresAt: null })
          .where(and(eq(slackInstallations.installKey, installKey), isNull(slackInstallations.uninstalledAt)))
          .returning({ orgWide: slackInstallations.isEnterpriseInstall, orgTeamIds: slackInstallations.orgTeamIds });
        if (marked[0]) await setReachable(tx, "slack", marked[0].orgWide ? marked[0].orgTeamIds : [installKey], false, at);
        return marked.length > 0;
      });
    },
  };
}
