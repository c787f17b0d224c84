import { and, eq } from "drizzle-orm";
import type { Db } from "../client.js";
import { clubOrganisers } from "../schema/index.js";

/** One organiser at a time, each a single statement: two organisers changing the list at once both count. */
export function organiserStore(db: Db, clubId: number) {
  return {
    async add(memberId: number, now: Date): Promise<void> {
      await db.insert(clubOrganisers).values({ clubId, memberId, createdAt: now }).onConflictDoNothing();
    },

    async remove(memberId: number): Promise<void> {
      await db.delete(clubOrganisers).where(and(eq(clubOrganisers.clubId, clubId), eq(clubOrganisers.memberId, memberId)));
    },
  };
}
