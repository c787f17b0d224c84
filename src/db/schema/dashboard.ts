import { boolean, index, pgTable, text, uniqueIndex } from "drizzle-orm/pg-core";
import { clubColumn } from "./clubs.js";
import { clubMemberKey, memberColumn } from "./members.js";
import { createdAt, id, tstz } from "./_helpers.js";

/**
 * The key that signs a club's dashboard sign-in links when DASHBOARD_SECRET is not set: made on the
 * first `dashboard` and kept, so links keep working across restarts and processes. One per club, so
 * a link made for one club can never verify for another.
 */
export const dashboardKeys = pgTable(
  "dashboard_keys",
  {
    id: id(),
    clubId: clubColumn(),
    secret: text("secret").notNull(),
    createdAt: createdAt(),
  },
  (t) => [uniqueIndex("dashboard_keys_club").on(t.clubId)],
);

/**
 * Sign-in links already used: a link signs in once. A row is kept until its link would have expired
 * anyway; the unique index makes two browsers racing with one link end with one session.
 */
export const dashboardUsedLinks = pgTable(
  "dashboard_used_links",
  {
    id: id(),
    clubId: clubColumn(),
    nonce: text("nonce").notNull(),
    expiresAt: tstz("expires_at").notNull(),
    usedAt: tstz("used_at").notNull(),
  },
  (t) => [uniqueIndex("dashboard_used_links_nonce").on(t.clubId, t.nonce), index("dashboard_used_links_expiry").on(t.clubId, t.expiresAt)],
);

/**
 * A signed-in organiser's browser. The cookie holds a random token and only its SHA-256 is stored,
 * so the table alone signs nobody in; deleting the row (sign-out, forget-me, removal) ends it.
 */
export const dashboardSessions = pgTable(
  "dashboard_sessions",
  {
    id: id(),
    clubId: clubColumn(),
    memberId: memberColumn("member_id"),
    tokenHash: text("token_hash").notNull(),
    /** The link was given to a workspace/server admin, who may open the dashboard without being on the organiser list. */
    viaAdmin: boolean("via_admin").notNull().default(false),
    createdAt: createdAt(),
    expiresAt: tstz("expires_at").notNull(),
  },
  (t) => [
    uniqueIndex("dashboard_sessions_token").on(t.tokenHash),
    index("dashboard_sessions_member").on(t.clubId, t.memberId),
    index("dashboard_sessions_expiry").on(t.clubId, t.expiresAt),
    clubMemberKey("dashboard_sessions_member_fk", t.clubId, t.memberId),
  ],
);
