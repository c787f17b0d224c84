import { sql } from "drizzle-orm";
import { index, integer, pgTable, text, uniqueIndex } from "drizzle-orm/pg-core";
import { clubColumn } from "./clubs.js";
import { clubMemberKey, memberColumn } from "./members.js";
import { clubCompanyKey, companyColumn } from "./companies.js";
import { createdAt, id, tstz } from "./_helpers.js";

import { helpKinds, introOutcomes, introStatuses } from "../../core/vocabulary.js";
export { helpKinds, introOutcomes, introStatuses, type HelpKind, type IntroOutcome, type IntroStatus } from "../../core/vocabulary.js";

/** A double opt-in introduction: the requester asks, the helper accepts or declines. */
export const intros = pgTable(
  "intros",
  {
    id: id(),
    clubId: clubColumn(),
    /** Short per-club number users type: `intro accept 12`. */
    number: integer("number").notNull(),
    requesterId: memberColumn("requester_id"),
    helperId: memberColumn("helper_id"),
    companyId: companyColumn("company_id"),
    ask: text("ask"),
    kind: text("kind", { enum: helpKinds }).notNull().default("connection"),
    status: text("status", { enum: introStatuses }).notNull().default("requested"),
    declineReason: text("decline_reason"),
    /** How it went, the furthest either member has reported (outcomes only move forward). */
    outcome: text("outcome", { enum: introOutcomes }),
    /** Each member's own latest report, kept apart so one can't undo the other's. */
    requesterOutcome: text("requester_outcome", { enum: introOutcomes }),
    helperOutcome: text("helper_outcome", { enum: introOutcomes }),
    requestedAt: createdAt(),
    respondedAt: tstz("responded_at"),
    /** The one reminder to a helper who hasn't answered in 3 days. */
    remindedAt: tstz("reminded_at"),
    /** When both were asked how it went, 7 days after the room opened. */
    followedUpAt: tstz("followed_up_at"),
    /** When `outcome` last changed (a "not yet" is asked about again a week later). */
    outcomeAt: tstz("outcome_at"),
    /** The first report that they met (or that it led to a hire): the digest's "meetings reported". */
    metAt: tstz("met_at"),
    /** The first report of a hire. */
    hiredAt: tstz("hired_at"),
    withdrawnAt: tstz("withdrawn_at"),
  },
  (t) => [
    uniqueIndex("intros_club_number").on(t.clubId, t.number),
    // One open request per requester, helper and company, even when two clicks race.
    uniqueIndex("intros_open_pair").on(t.clubId, t.requesterId, t.helperId, t.companyId).where(sql`status in ('requested', 'accepted')`),
    index("intros_helper_status").on(t.helperId, t.status),
    index("intros_requester").on(t.requesterId),
    clubMemberKey("intros_requester_fk", t.clubId, t.requesterId),
    clubMemberKey("intros_helper_fk", t.clubId, t.helperId),
    clubCompanyKey("intros_company_fk", t.clubId, t.companyId),
  ],
);
