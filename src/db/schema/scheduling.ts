import { integer, pgTable, primaryKey, text, uniqueIndex } from "drizzle-orm/pg-core";
import { clubColumn } from "./clubs.js";
import { clubMemberKey, memberColumn } from "./members.js";
import { createdAt, id, tstz } from "./_helpers.js";

/**
 * One row per scheduled run a process claimed: (club, job, slot) is unique, and the row is written
 * in the same transaction as the run's work, so a run happens once however many processes fire it.
 */
export const scheduledRuns = pgTable(
  "scheduled_runs",
  {
    id: id(),
    clubId: clubColumn(),
    job: text("job").notNull(),
    /** The scheduled time this run stands for (not when it ran). */
    slot: tstz("slot").notNull(),
    /** Which process ran it, for operators reading the table. */
    runner: text("runner").notNull(),
    createdAt: createdAt(),
  },
  (t) => [uniqueIndex("scheduled_runs_once").on(t.clubId, t.job, t.slot)],
);

/** Club organisers: may change the club's configuration besides the platform's admins. */
export const clubOrganisers = pgTable(
  "club_organisers",
  {
    id: id(),
    clubId: clubColumn(),
    memberId: memberColumn("member_id"),
    createdAt: createdAt(),
  },
  (t) => [uniqueIndex("club_organisers_member").on(t.clubId, t.memberId), clubMemberKey("club_organisers_member_fk", t.clubId, t.memberId)],
);

/**
 * Weekly match suggestions made, so pairs are not suggested again within 12 weeks and helpers are
 * not swamped. A large club's weekly run writes tens of thousands at once, so the table keeps only
 * the club's key and the one index its reads use (the repeat window, by club and time): a key
 * per member and company column cost four key checks a row, most of the insert. Nothing is lost
 * by it: forget-me deletes a member's suggestions itself (they are in the personal-data list), a
 * merge of members or clubs moves them, and rows older than the window are pruned each week.
 */
export const matchSuggestions = pgTable(
  "match_suggestions",
  {
    id: integer("id").generatedAlwaysAsIdentity(),
    clubId: clubColumn(),
    /** Member ids and a company id without foreign keys (see above). */
    memberId: integer("member_id").notNull(),
    helperId: integer("helper_id").notNull(),
    companyId: integer("company_id").notNull(),
    /** ISO week of the suggestion, e.g. 2026-W47: the helper's weekly cap counts within it. */
    isoWeek: text("iso_week").notNull(),
    /** A warm path (`helperId` the helper, counted in their weekly cap) or a team-up (`helperId` the buddy). */
    kind: text("kind", { enum: ["path", "team-up"] }).notNull().default("path"),
    createdAt: createdAt(),
  },
  // The primary key is the one index: the repeat window reads it by club, then time; a run's DMs,
  // written out a chunk of members at a time after the run, find each member's suggestions of the
  // run by club, time and member. (No key on id besides: one index to keep up per row recorded.)
  (t) => [primaryKey({ name: "match_suggestions_pkey", columns: [t.clubId, t.createdAt, t.memberId, t.id] })],
);
