import { and, desc, eq, gt, inArray, or, sql } from "drizzle-orm";
import type { Db } from "../client.js";
import { clubs, companies, intros, type HelpKind, type IntroOutcome, type IntroStatus } from "../schema/index.js";

export type IntroRow = typeof intros.$inferSelect;

export function introStore(db: Db, clubId: number) {
  return {
    async create(input: {
      requesterId: number;
      helperId: number;
      companyId: number;
      ask: string | null;
      kind: HelpKind;
      now: Date;
    }): Promise<IntroRow> {
      // Numbering per club through a counter row: the row lock serialises concurrent requests.
      const [counter] = await db
        .update(clubs)
        .set({ introSeq: sql`${clubs.introSeq} + 1` })
        .where(eq(clubs.id, clubId))
        .returning({ seq: clubs.introSeq });
      const [row] = await db
        .insert(intros)
        .values({ clubId, number: counter!.seq, ...input, requestedAt: input.now })
        .returning();
      return row!;
    },

    /**
     * Takes the club's numbering lock before checking for a duplicate request, so two racing clicks
     * on one "Ask" button see each other: the second waits, then finds the first. NO KEY UPDATE, the
     * strength the counter's UPDATE takes anyway: FOR UPDATE would also wait for the KEY SHARE locks
     * that inserting any club row (a new company) takes on the club, and two requests that each named
     * a new company deadlocked on that upgrade.
     */
    async lockNumbering(): Promise<void> {
      await db.select({ id: clubs.id }).from(clubs).where(eq(clubs.id, clubId)).for("no key update");
    },

    /** When the member asked for introductions since a time, newest first (at most `limit`): for the rate limit. */
    async requestedSince(requesterId: number, since: Date, limit: number): Promise<Date[]> {
      const rows = await db
        .select({ at: intros.requestedAt })
        .from(intros)
        .where(and(eq(intros.clubId, clubId), eq(intros.requesterId, requesterId), gt(intros.requestedAt, since)))
        .orderBy(desc(intros.requestedAt))
        .limit(limit);
      return rows.map((r) => r.at);
    },

    /** Locks the intro for a state change; only this club's numbers are found. */
    async lockByNumber(number: number): Promise<IntroRow | undefined> {
      const rows = await db
        .select()
        .from(intros)
        .where(and(eq(intros.clubId, clubId), eq(intros.number, number)))
        .for("update");
      return rows[0];
    },

    async findOpen(requesterId: number, helperId: number, companyId: number): Promise<IntroRow | undefined> {
      const rows = await db
        .select()
        .from(intros)
        .where(
          and(
            eq(intros.clubId, clubId),
            eq(intros.requesterId, requesterId),
            eq(intros.helperId, helperId),
            eq(intros.companyId, companyId),
            inArray(intros.status, ["requested", "accepted"]),
          ),
        )
        .limit(1);
      return rows[0];
    },

    /** Helpers who already declined or let expire this requester's ask for this company. */
    async turnedDown(requesterId: number, companyId: number): Promise<number[]> {
      const rows = await db
        .select({ helperId: intros.helperId })
        .from(intros)
        .where(
          and(
            eq(intros.clubId, clubId),
            eq(intros.requesterId, requesterId),
            eq(intros.companyId, companyId),
            inArray(intros.status, ["declined", "expired"]),
          ),
        );
      return rows.map((r) => r.helperId);
    },

    async update(
      id: number,
      patch: { status?: IntroStatus; respondedAt?: Date; declineReason?: string | null; outcome?: IntroOutcome; outcomeAt?: Date; followedUpAt?: Date | null },
    ): Promise<void> {
      await db.update(intros).set(patch).where(and(eq(intros.clubId, clubId), eq(intros.id, id)));
    },

    /** My intros: asked by me or asked of me, newest first, with the company's name. */
    async involving(memberId: number, limit = 25): Promise<Array<IntroRow & { company: string }>> {
      const rows = await db
        .select({ intro: intros, company: companies.name })
        .from(intros)
        .innerJoin(companies, eq(companies.id, intros.companyId))
        .where(and(eq(intros.clubId, clubId), or(eq(intros.requesterId, memberId), eq(intros.helperId, memberId))))
        .orderBy(desc(intros.requestedAt), desc(intros.id))
        .limit(limit);
      return rows.map((r) => ({ ...r.intro, company: r.company }));
    },
  };
}
