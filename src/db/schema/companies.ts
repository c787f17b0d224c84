import { integer, pgTable, text, uniqueIndex } from "drizzle-orm/pg-core";
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
  (t) => [uniqueIndex("companies_club_normalized").on(t.clubId, t.normalizedName)],
);

/** A column pointing at one of the club's companies. */
export const companyColumn = (name: string) =>
  integer(name)
    .notNull()
    .references(() => companies.id, { onDelete: "cascade" });
