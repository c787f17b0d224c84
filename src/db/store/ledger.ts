import { and, desc, eq, gt } from "drizzle-orm";
import type { Db } from "../client.js";
import { activities, networkTies, thanks, wins, type ActivityKind, type HelpKind } from "../schema/index.js";

/** Activity, wins and thanks: what the digest celebrates and the reciprocity ledger. */
export function ledgerStore(db: Db, clubId: number) {
  return {
    async logActivity(memberId: number, kind: ActivityKind, note: string | null, companyId: number | null, now: Date): Promise<void> {
      await db.insert(activities).values({ clubId, memberId, kind, note, companyId, createdAt: now });
      // Activity with a company keeps that tie warm (the keep-in-touch clock restarts).
      if (companyId !== null) {
        await db
          .update(networkTies)
          .set({ touchedAt: now })
          .where(and(eq(networkTies.clubId, clubId), eq(networkTies.memberId, memberId), eq(networkTies.companyId, companyId)));
      }
    },

    async addWin(memberId: number, text: string, now: Date): Promise<void> {
      await db.insert(wins).values({ clubId, memberId, text, createdAt: now });
    },

    /** When the member sent their thanks since a time, newest first (at most `limit`): for the rate limit. */
    async thanksSentSince(memberId: number, since: Date, limit: number): Promise<Date[]> {
      const rows = await db
        .select({ at: thanks.createdAt })
        .from(thanks)
        .where(and(eq(thanks.clubId, clubId), eq(thanks.fromMemberId, memberId), gt(thanks.createdAt, since)))
        .orderBy(desc(thanks.createdAt))
        .limit(limit);
      return rows.map((r) => r.at);
    },

    async addThanks(input: { from: number; to: number; kind: HelpKind | null; note: string | null; introId?: number | null; now: Date }): Promise<void> {
      await db.insert(thanks).values({
        clubId,
        fromMemberId: input.from,
        toMemberId: input.to,
        kind: input.kind,
        note: input.note,
        introId: input.introId ?? null,
        createdAt: input.now,
      });
    },
  };
}
