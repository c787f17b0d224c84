import { and, asc, eq, ilike, or, sql } from "drizzle-orm";
import type { Db } from "../client.js";
import { companies } from "../schema/index.js";
import { normalizeCompanyName, tidyCompanyName } from "../../core/company-name.js";

export type CompanyRow = typeof companies.$inferSelect;

export function companyStore(db: Db, clubId: number) {
  const find = async (name: string): Promise<CompanyRow | undefined> => {
    const rows = await db
      .select()
      .from(companies)
      .where(and(eq(companies.clubId, clubId), eq(companies.normalizedName, normalizeCompanyName(name))));
    return rows[0];
  };
  return {
    find,

    async get(companyId: number): Promise<CompanyRow | undefined> {
      const rows = await db.select().from(companies).where(and(eq(companies.clubId, clubId), eq(companies.id, companyId)));
      return rows[0];
    },

    /** The club's company for this spelling, created (with the name as typed) on first mention. */
    async resolve(name: string, now: Date): Promise<CompanyRow> {
      const display = tidyCompanyName(name);
      const normalizedName = normalizeCompanyName(display);
      await db.insert(companies).values({ clubId, name: display, normalizedName, createdAt: now }).onConflictDoNothing();
      const rows = await db
        .select()
        .from(companies)
        .where(and(eq(companies.clubId, clubId), eq(companies.normalizedName, normalizedName)));
      return rows[0]!;
    },

    /** Companies whose name or key starts with (or contains) what was typed, for autocomplete. */
    async search(prefix: string, limit = 25): Promise<CompanyRow[]> {
      const typed = prefix.trim();
      const key = normalizeCompanyName(typed);
      const pattern = `%${typed.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
      return db
        .select()
        .from(companies)
        .where(and(eq(companies.clubId, clubId), typed ? or(ilike(companies.name, pattern), sql`${companies.normalizedName} LIKE ${`${key}%`}`) : undefined))
        .orderBy(asc(companies.name))
        .limit(limit);
    },

    /** Every company, for splitting "Acme Corp could you..." at the longest known name. */
    async allNames(): Promise<Array<{ id: number; name: string; normalizedName: string }>> {
      return db
        .select({ id: companies.id, name: companies.name, normalizedName: companies.normalizedName })
        .from(companies)
        .where(eq(companies.clubId, clubId));
    },
  };
}
