import { index, integer, pgTable, text, uniqueIndex } from "drizzle-orm/pg-core";
import { clubs } from "./clubs.js";
import { members } from "./members.js";
import { companies } from "./companies.js";
import { createdAt, id, tstz } from "./_helpers.js";

import { tieRelations } from "../../core/vocabulary.js";
export { tieRelations, type TieRelation } from "../../core/vocabulary.js";

export const networkTies = pgTable(
  "network_ties",
  {
    id: id(),
    clubId: integer("club_id")
      .notNull()
      .references(() => clubs.id, { onDelete: "cascade" }),
    memberId: integer("member_id")
      .notNull()
      .references(() => members.id, { onDelete: "cascade" }),
    companyId: integer("company_id")
      .notNull()
      .references(() => companies.id, { onDelete: "cascade" }),
    relation: text("relation", { enum: tieRelations }).notNull(),
    createdAt: createdAt(),
    /** Last time the member logged activity touching this tie (keep-in-touch reminders). */
    touchedAt: tstz("touched_at").notNull(),
  },
  (t) => [uniqueIndex("network_ties_member_company").on(t.memberId, t.companyId), index("network_ties_club_company").on(t.clubId, t.companyId)],
);
