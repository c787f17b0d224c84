import { boolean, index, integer, jsonb, pgTable, text, uniqueIndex } from "drizzle-orm/pg-core";
import { createdAt, id, tstz } from "./_helpers.js";
import type { ClubSchedules } from "../../core/vocabulary.js";

/** A job club: one Slack workspace or Discord guild (or the local console). */
export const clubs = pgTable("clubs", {
  id: id(),
  name: text("name").notNull(),
  timezone: text("timezone").notNull().default("UTC"),
  /** Per-club counter that numbers introductions (#1, #2, ...) so ids are short to type. */
  introSeq: integer("intro_seq").notNull().default(0),
  /** Cron expressions per scheduled job, in the club's timezone; a missing job uses its default, null turns it off. */
  schedules: jsonb("schedules").$type<ClubSchedules>().notNull().default({}),
  /** When schedules or timezone last changed: runs due before it are not caught up. */
  schedulesUpdatedAt: tstz("schedules_updated_at"),
  /** Goal prompts, check-ins and match suggestions for the whole club. */
  nudgesEnabled: boolean("nudges_enabled").notNull().default(true),
  createdAt: createdAt(),
});

/** The owning club of a row: every club-owned table has one, and rows go with their club. */
export const clubColumn = () =>
  integer("club_id")
    .notNull()
    .references(() => clubs.id, { onDelete: "cascade" });

/**
 * Where a club lives on a platform. A club is found by (platform, external id); one club may later
 * be linked to both a Slack workspace and a Discord guild.
 */
export const clubLinks = pgTable(
  "club_links",
  {
    id: id(),
    clubId: clubColumn(),
    platform: text("platform", { enum: ["slack", "discord", "console"] }).notNull(),
    externalId: text("external_id").notNull(),
    /**
     * Where the weekly digest is posted on this platform (a channel id there); null: the platform's
     * default. Per link, because a channel id means something on one platform only.
     */
    digestChannelId: text("digest_channel_id"),
    /**
     * Set while the platform says Warmpath can no longer reach the club there (a Slack workspace
     * uninstalled the app); cleared when it is back. A club reachable nowhere runs no weekly jobs.
     */
    unreachableSince: tstz("unreachable_since"),
    createdAt: createdAt(),
  },
  (t) => [uniqueIndex("club_links_platform_external").on(t.platform, t.externalId), index("club_links_club").on(t.clubId)],
);
