import { foreignKey, integer, pgTable, text, uniqueIndex, type AnyPgColumn } from "drizzle-orm/pg-core";
import { clubColumn } from "./clubs.js";
import { createdAt, id } from "./_helpers.js";

/** The club's shared vocabulary of companies: one row per normalised name. */
export const companies = pgTable(
  "companies",
  {
    id: id(),
    clubId: clubColumn(),
    /** As first typed, for display. */
    name: text("name").notNull(),
    normalizedName: text("normalized_name").notNull(),
    createdAt: createdAt(),
  },
  (t) => [uniqueIndex("companies_club_normalized").on(t.clubId, t.normalizedName), uniqueIndex("companies_club_id").on(t.clubId, t.id)],
);

/** A column pointing at one of the club's companies; its foreign key is `clubCompanyKey`. */
export const companyColumn = (name: string) => integer(name).notNull();

/** The foreign key of a company column, with the club in it, like `clubMemberKey`. */
export const clubCompanyKey = (name: string, clubId: AnyPgColumn, companyId: AnyPgColumn) =>
  foreignKey({ name, columns: [clubId, companyId], foreignColumns: [companies.clubId, companies.id] }).onDelete("cascade");
