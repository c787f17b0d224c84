import { index, pgTable, text, uniqueIndex } from "drizzle-orm/pg-core";
import { clubColumn } from "./clubs.js";
import { clubMemberKey, memberColumn } from "./members.js";
import { clubCompanyKey, companyColumn } from "./companies.js";
import { createdAt, id, tstz } from "./_helpers.js";

import { tieRelations } from "../../core/vocabulary.js";
export { tieRelations, type TieRelation } from "../../core/vocabulary.js";

export const networkTies = pgTable(
  "network_ties",
  {
    id: id(),
    clubId: clubColumn(),
    memberId: memberColumn("member_id"),
    companyId: companyColumn("company_id"),
    relation: text("relation", { enum: tieRelations }).notNull(),
    createdAt: createdAt(),
    /** Last time the member logged activity touching this tie (keep-in-touch reminders). */
    touchedAt: tstz("touched_at").notNull(),
  },
  (t) => [
    uniqueIndex("network_ties_member_company").on(t.memberId, t.companyId),
    index("network_ties_club_company").on(t.clubId, t.companyId),
    clubMemberKey("network_ties_member_fk", t.clubId, t.memberId),
    clubCompanyKey("network_ties_company_fk", t.clubId, t.companyId),
  ],
);
