import { integer, pgTable, text, uniqueIndex, index } from "drizzle-orm/pg-core";
import { createdAt, id } from "./_helpers.js";

/** A job club: one Slack workspace or Discord guild (or the local console). */
export const clubs = pgTable("clubs", {
  id: id(),
  name: text("name").notNull(),
  timezone: text("timezone").notNull().default("UTC"),
  /** Per-club counter that numbers introductions (#1, #2, ...) so ids are short to type. */
  introSeq: integer("intro_seq").notNull().default(0),
  createdAt: createdAt(),
});

/**
 * Where a club lives on a platform. A club is found by (platform, external id); one club may later
 * be linked to both a Slack workspace and a Discord guild.
 */
export const clubLinks = pgTable(
  "club_links",
  {
    id: id(),
    clubId: integer("club_id")
      .notNull()
      .references(() => clubs.id, { onDelete: "cascade" }),
    platform: text("platform", { enum: ["slack", "discord", "console"] }).notNull(),
    externalId: text("external_id").notNull(),
    createdAt: createdAt(),
  },
  (t) => [uniqueIndex("club_links_platform_external").on(t.platform, t.externalId), index("club_links_club").on(t.clubId)],
);
