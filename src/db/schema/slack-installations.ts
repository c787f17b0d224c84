import { boolean, index, pgTable, text, uniqueIndex } from "drizzle-orm/pg-core";
import { id, tstz } from "./_helpers.js";

/**
 * Warmpath's installations in Slack when it runs as a distributed app (OAuth): one row per workspace
 * install (keyed by team id) or org-wide Enterprise Grid install (keyed by enterprise id). Rows belong
 * to a Slack installation, not to a club: one org-wide install serves the clubs of many workspaces,
 * and a club's data outlives an uninstall. Every token column holds AES-256-GCM ciphertext, never a
 * token; an uninstall clears them and keeps the row, so a reinstall finds the same club.
 */
export const slackInstallations = pgTable(
  "slack_installations",
  {
    id: id(),
    /** The team id of a workspace install, the enterprise id of an org-wide one (Slack's T… and E… never collide). */
    installKey: text("install_key").notNull(),
    isEnterpriseInstall: boolean("is_enterprise_install").notNull().default(false),
    enterpriseId: text("enterprise_id"),
    enterpriseName: text("enterprise_name"),
    enterpriseUrl: text("enterprise_url"),
    teamId: text("team_id"),
    teamName: text("team_name"),
    appId: text("app_id"),
    /** The Slack user who installed the app (told when it's ready). */
    installerUserId: text("installer_user_id").notNull(),
    botId: text("bot_id").notNull(),
    botUserId: text("bot_user_id").notNull(),
    botScopes: text("bot_scopes").array().notNull().default([]),
    /** Encrypted; null once uninstalled. */
    botToken: text("bot_token"),
    /** Encrypted; set when the app has token rotation on. */
    botRefreshToken: text("bot_refresh_token"),
    botTokenExpiresAt: tstz("bot_token_expires_at"),
    userToken: text("user_token"),
    userRefreshToken: text("user_refresh_token"),
    userTokenExpiresAt: tstz("user_token_expires_at"),
    userScopes: text("user_scopes").array(),
    /** Org-wide installs: the workspaces of the org that have used Warmpath, so a club's team id finds its install. */
    orgTeamIds: text("org_team_ids").array().notNull().default([]),
    installedAt: tstz("installed_at").notNull(),
    updatedAt: tstz("updated_at").notNull(),
    /** Set by app_uninstalled / tokens_revoked: nothing is sent to the workspace until a reinstall clears it. */
    uninstalledAt: tstz("uninstalled_at"),
  },
  (t) => [uniqueIndex("slack_installations_key").on(t.installKey), index("slack_installations_org_teams").using("gin", t.orgTeamIds)],
);
