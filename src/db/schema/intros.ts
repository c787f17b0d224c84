import { sql } from "drizzle-orm";
import { index, integer, pgTable, text, uniqueIndex } from "drizzle-orm/pg-core";
import { clubs } from "./clubs.js";
import { members } from "./members.js";
import { companies } from "./companies.js";
import { createdAt, id, tstz } from "./_helpers.js";

import { helpKinds, introOutcomes, introStatuses } from "../../core/vocabulary.js";
export { helpKinds, introOutcomes, introStatuses, type HelpKind, type IntroOutcome, type IntroStatus } from "../../core/vocabulary.js";

/** A double opt-in introduction: the requester asks, the helper accepts or declines. */
export const intros = pgTable(
  "intros",
  {
    id: id(),
    clubId: integer("club_id")
      .notNull()
      .references(() => clubs.id, { onDelete: "cascade" }),
    /** Short per-club number users type: `intro accept 12`. */
    number: integer("number").notNull(),
    requesterId: integer("requester_id")
      .notNull()
      .references(() => members.id, { onDelete: "cascade" }),
    helperId: integer("helper_id")
      .notNull()
      .references(() => members.id, { onDelete: "cascade" }),
    companyId: integer("company_id")
      .notNull()
      .references(() => companies.id, { onDelete: "cascade" }),
    ask: text("ask"),
    kind: text("kind", { enum: helpKinds }).notNull().default("connection"),
    status: text("status", { enum: introStatuses }).notNull().default("requested"),
    declineReason: text("decline_reason"),
    outcome: text("outcome", { enum: introOutcomes }),
    requestedAt: createdAt(),
    respondedAt: tstz("responded_at"),
    /** The one reminder to a helper who hasn't answered in 3 days. */
    remindedAt: tstz("reminded_at"),
    /** When both were asked how it went, 7 days after the room opened. */
    followedUpAt: tstz("followed_up_at"),
    outcomeAt: tstz("outcome_at"),
  },
  (t) => [
    uniqueIndex("intros_club_number").on(t.clubId, t.number),
    // One open request per requester, helper and company, even when two clicks race.
    uniqueIndex("intros_open_pair").on(t.clubId, t.requesterId, t.helperId, t.companyId).where(sql`status in ('requested', 'accepted')`),
    index("intros_helper_status").on(t.helperId, t.status),
    index("intros_requester").on(t.requesterId),
  ],
);
