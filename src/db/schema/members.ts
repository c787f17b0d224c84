import { boolean, index, integer, pgTable, text, uniqueIndex } from "drizzle-orm/pg-core";
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
  (t) => [index("members_club").on(t.clubId), uniqueIndex("members_club_id").on(t.clubId, t.id)],
);

/** A column pointing at a member; the row is deleted with the member (forget-me relies on it). */
export const memberColumn = (name: string) =>
  integer(name)
    .notNull()
    .references(() => members.id, { onDelete: "cascade" });

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
  ],
);
