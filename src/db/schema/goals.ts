import { boolean, index, pgTable, text } from "drizzle-orm/pg-core";
import { clubColumn } from "./clubs.js";
import { clubMemberKey, memberColumn } from "./members.js";
import { createdAt, id, tstz } from "./_helpers.js";

export const goals = pgTable(
  "goals",
  {
    id: id(),
    clubId: clubColumn(),
    memberId: memberColumn("member_id"),
    text: text("text").notNull(),
    /** ISO week in the member's timezone, e.g. 2026-W47. */
    isoWeek: text("iso_week").notNull(),
    done: boolean("done").notNull().default(false),
    doneAt: tstz("done_at"),
    createdAt: createdAt(),
  },
  (t) => [
    index("goals_member_week").on(t.memberId, t.isoWeek),
    index("goals_club_week").on(t.clubId, t.isoWeek),
    clubMemberKey("goals_member_fk", t.clubId, t.memberId),
  ],
);
