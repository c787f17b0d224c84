import { boolean, index, integer, pgTable, text } from "drizzle-orm/pg-core";
import { clubs } from "./clubs.js";
import { members } from "./members.js";
import { createdAt, id, tstz } from "./_helpers.js";

export const goals = pgTable(
  "goals",
  {
    id: id(),
    clubId: integer("club_id")
      .notNull()
      .references(() => clubs.id, { onDelete: "cascade" }),
    memberId: integer("member_id")
      .notNull()
      .references(() => members.id, { onDelete: "cascade" }),
    text: text("text").notNull(),
    /** ISO week in the member's timezone, e.g. 2026-W47. */
    isoWeek: text("iso_week").notNull(),
    done: boolean("done").notNull().default(false),
    doneAt: tstz("done_at"),
    createdAt: createdAt(),
  },
  (t) => [index("goals_member_week").on(t.memberId, t.isoWeek), index("goals_club_week").on(t.clubId, t.isoWeek)],
);
