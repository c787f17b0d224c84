import { index, pgTable, text, uniqueIndex } from "drizzle-orm/pg-core";
import { clubColumn } from "./clubs.js";
import { clubMemberKey, memberColumn } from "./members.js";
import { clubCompanyKey, companyColumn } from "./companies.js";
import { createdAt, id, tstz } from "./_helpers.js";

import { targetStages } from "../../core/vocabulary.js";
export { targetStages, type TargetStage } from "../../core/vocabulary.js";

/** A company a member wants to work at, and how far along they are. */
export const targets = pgTable(
  "targets",
  {
    id: id(),
    clubId: clubColumn(),
    memberId: memberColumn("member_id"),
    companyId: companyColumn("company_id"),
    stage: text("stage", { enum: targetStages }).notNull().default("researching"),
    createdAt: createdAt(),
    updatedAt: tstz("updated_at").notNull(),
  },
  (t) => [
    uniqueIndex("targets_member_company").on(t.memberId, t.companyId),
    index("targets_club_company").on(t.clubId, t.companyId),
    clubMemberKey("targets_member_fk", t.clubId, t.memberId),
    clubCompanyKey("targets_company_fk", t.clubId, t.companyId),
  ],
);
