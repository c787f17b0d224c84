import { boolean, foreignKey, index, integer, pgTable, text, uniqueIndex, type AnyPgColumn } from "drizzle-orm/pg-core";
import { clubColumn } from "./clubs.js";
import { createdAt, id, tstz } from "./_helpers.js";

import { memberStatuses, nudgeStates } from "../../core/vocabulary.js";
export { memberStatuses, type MemberStatus } from "../../core/vocabulary.js";

export const members = pgTable(
  "members",
  {
    id: id(),
    clubId: clubColumn(),
    displayName: text("display_name").notNull(),
    /** The role they are looking for. */
    headline: text("headline"),
    status: text("status", { enum: memberStatuses }).notNull().default("searching"),
    /** When a pause ends by itself; the status before the pause comes back. */
    pausedUntil: tstz("paused_until"),
    statusBeforePause: text("status_before_pause", { enum: memberStatuses }),
    matchOptIn: boolean("match_opt_in").notNull().default(true),
    timezone: text("timezone"),
    /** Keep-in-touch cadence: ties untouched this long are listed in the Friday check-in. */
    keepInTouchDays: integer("keep_in_touch_days").notNull().default(30),
    /** Prompts on, off, or "asked" (ignored three in a row; we asked once whether to continue). */
    nudges: text("nudges", { enum: nudgeStates }).notNull().default("on"),
    /** Prompts sent since the member last did anything; three in a row means they are ignored. */
    unansweredPrompts: integer("unanswered_prompts").notNull().default(0),
    createdAt: createdAt(),
    updatedAt: tstz("updated_at").notNull(),
  },
  // (club_id, id) serves every lookup by club too: no index on club_id alone to keep up on each write.
  (t) => [uniqueIndex("members_club_id").on(t.clubId, t.id)],
);

/** A column pointing at a member; its foreign key is `clubMemberKey`, declared with the table. */
export const memberColumn = (name: string) => integer(name).notNull();

/**
 * The foreign key of a member column, with the club in it: a row can never point at another club's
 * member, whatever a query gets wrong. The row is deleted with the member (forget-me relies on it).
 */
export const clubMemberKey = (name: string, clubId: AnyPgColumn, memberId: AnyPgColumn) =>
  foreignKey({ name, columns: [clubId, memberId], foreignColumns: [members.clubId, members.id] }).onDelete("cascade");

/**
 * Which platform account is which member. Identity lives here and only here, so a member keeps
 * one record when the club spans Slack and Discord.
 */
export const platformUsers = pgTable(
  "platform_users",
  {
    id: id(),
    clubId: clubColumn(),
    memberId: memberColumn("member_id"),
    platform: text("platform", { enum: ["slack", "discord", "console"] }).notNull(),
    platformUserId: text("platform_user_id").notNull(),
    createdAt: createdAt(),
  },
  (t) => [
    uniqueIndex("platform_users_identity").on(t.clubId, t.platform, t.platformUserId),
    index("platform_users_member").on(t.memberId),
    clubMemberKey("platform_users_member_fk", t.clubId, t.memberId),
  ],
);

/**
 * Accounts whose owner used forget-me. Holds a hash of the platform account, never the id itself,
 * so that nothing but an explicit `join` makes that person a member again (reads, clicks and other
 * commands would otherwise quietly bring them back).
 */
export const forgottenAccounts = pgTable(
  "forgotten_accounts",
  {
    id: id(),
    clubId: clubColumn(),
    platform: text("platform", { enum: ["slack", "discord", "console"] }).notNull(),
    accountHash: text("account_hash").notNull(),
    forgottenAt: tstz("forgotten_at").notNull(),
  },
  (t) => [uniqueIndex("forgotten_accounts_identity").on(t.clubId, t.platform, t.accountHash)],
);
