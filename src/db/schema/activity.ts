import { index, integer, pgTable, text } from "drizzle-orm/pg-core";
import { clubColumn } from "./clubs.js";
import { clubMemberKey, memberColumn } from "./members.js";
import { companies } from "./companies.js";
import { intros } from "./intros.js";
import { activityKinds, helpKinds } from "../../core/vocabulary.js";
import { createdAt, id } from "./_helpers.js";

export { activityKinds, type ActivityKind } from "../../core/vocabulary.js";

/** Networking and job-search activity a member logs. */
export const activities = pgTable(
  "activities",
  {
    id: id(),
    clubId: clubColumn(),
    memberId: memberColumn("member_id"),
    kind: text("kind", { enum: activityKinds }).notNull(),
    note: text("note"),
    companyId: integer("company_id").references(() => companies.id, { onDelete: "set null" }),
    createdAt: createdAt(),
  },
  (t) => [
    index("activities_member").on(t.memberId),
    index("activities_club_created").on(t.clubId, t.createdAt),
    clubMemberKey("activities_member_fk", t.clubId, t.memberId),
  ],
);

export const wins = pgTable(
  "wins",
  {
    id: id(),
    clubId: clubColumn(),
    memberId: memberColumn("member_id"),
    text: text("text").notNull(),
    createdAt: createdAt(),
  },
  (t) => [index("wins_member").on(t.memberId), index("wins_club_created").on(t.clubId, t.createdAt), clubMemberKey("wins_member_fk", t.clubId, t.memberId)],
);

/** The club's reciprocity ledger: who thanked whom, for which kind of help. */
export const thanks = pgTable(
  "thanks",
  {
    id: id(),
    clubId: clubColumn(),
    fromMemberId: memberColumn("from_member_id"),
    toMemberId: memberColumn("to_member_id"),
    kind: text("kind", { enum: helpKinds }),
    note: text("note"),
    introId: integer("intro_id").references(() => intros.id, { onDelete: "set null" }),
    createdAt: createdAt(),
  },
  (t) => [
    index("thanks_from").on(t.fromMemberId),
    index("thanks_to").on(t.toMemberId),
    index("thanks_club_created").on(t.clubId, t.createdAt),
    clubMemberKey("thanks_from_member_fk", t.clubId, t.fromMemberId),
    clubMemberKey("thanks_to_member_fk", t.clubId, t.toMemberId),
  ],
);
