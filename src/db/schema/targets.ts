import { index, integer, pgTable, text, uniqueIndex } from "drizzle-orm/pg-core";
import { clubs } from "./clubs.js";
import { members } from "./members.js";
import { companies } from "./companies.js";
import { createdAt, id, tstz } from "./_helpers.js";

import { targetStages } from "../../core/vocabulary.js";
export { targetStages, type TargetStage } from "../../core/vocabulary.js";

/** A company a member wants to work at, and how far along they are. */
export const targets = pgTable(
  "targets",
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
    stage: text("stage", { enum: targetStages }).notNull().default("researching"),
    createdAt: createdAt(),
    updatedAt: tstz("updated_at").notNull(),
  },
  (t) => [uniqueIndex("targets_member_company").on(t.memberId, t.companyId), index("targets_club_company").on(t.clubId, t.companyId)],
);
