import { and, asc, desc, eq, gt, gte, inArray, isNull, lt, or, sql } from "drizzle-orm";
import type { Db } from "../client.js";
import { clubs, companies, intros, members, type HelpKind, type IntroOutcome, type IntroStatus } from "../schema/index.js";
import type { MemberRow } from "./members.js";

export type IntroRow = typeof intros.$inferSelect;

export function introStore(db: Db, clubId: number) {
  /** The helpers of this requester's intros about this company that are in one of these states. */
  const helpersOf = async (requesterId: number, companyId: number, statuses: IntroStatus[]): Promise<number[]> => {
    const rows = await db
      .select({ helperId: intros.helperId })
      .from(intros)
      .where(and(eq(intros.clubId, clubId), eq(intros.requesterId, requesterId), eq(intros.companyId, companyId), inArray(intros.status, statuses)));
    return rows.map((r) => r.helperId);
  };
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

    /** The helpers this requester has an open or accepted intro with for this company: already helping. */
    helpingWith(requesterId: number, companyId: number): Promise<number[]> {
      return helpersOf(requesterId, companyId, ["requested", "accepted"]);
    },

    /** The helper's latest decline of this requester's ask for this company, if it was after `since`. */
    async declinedSince(requesterId: number, helperId: number, companyId: number, since: Date): Promise<IntroRow | undefined> {
      const rows = await db
        .select()
        .from(intros)
        .where(
          and(
            eq(intros.clubId, clubId),
            eq(intros.requesterId, requesterId),
            eq(intros.helperId, helperId),
            eq(intros.companyId, companyId),
            eq(intros.status, "declined"),
            gt(intros.respondedAt, since),
          ),
        )
        .orderBy(desc(intros.respondedAt))
        .limit(1);
      return rows[0];
    },

    /** Helpers who already declined or let expire this requester's ask for this company. */
    turnedDown(requesterId: number, companyId: number): Promise<number[]> {
      return helpersOf(requesterId, companyId, ["declined", "expired"]);
    },

    async update(
      id: number,
      patch: {
        status?: IntroStatus;
        respondedAt?: Date;
        declineReason?: string | null;
        outcome?: IntroOutcome;
        outcomeAt?: Date;
        requesterOutcome?: IntroOutcome;
        helperOutcome?: IntroOutcome;
        metAt?: Date;
        hiredAt?: Date;
        withdrawnAt?: Date;
        followedUpAt?: Date | null;
      },
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

    /**
     * The member's open asks, oldest first, with the company's name: requests waiting on them or
     * sent by them, and accepted intros nobody has reported a meeting (or a no-show) for yet.
     */
    async openFor(memberId: number, limit = 25): Promise<Array<IntroRow & { company: string }>> {
      const rows = await db
        .select({ intro: intros, company: companies.name })
        .from(intros)
        .innerJoin(companies, eq(companies.id, intros.companyId))
        .where(
          and(
            eq(intros.clubId, clubId),
            or(eq(intros.requesterId, memberId), eq(intros.helperId, memberId)),
            or(eq(intros.status, "requested"), and(eq(intros.status, "accepted"), or(isNull(intros.outcome), eq(intros.outcome, "not-yet")))),
          ),
        )
        .orderBy(asc(intros.requestedAt), asc(intros.id))
        .limit(limit);
      return rows.map((r) => ({ ...r.intro, company: r.company }));
    },

    /** Members whose name is this word, for "did you mean @bob?" when the @ was left out. */
    async membersNamed(name: string, limit = 3): Promise<MemberRow[]> {
      return db
        .select()
        .from(members)
        .where(and(eq(members.clubId, clubId), sql`lower(${members.displayName}) = lower(${name})`))
        .orderBy(asc(members.id))
        .limit(limit);
    },

    /**
     * The digest's introduction figures for [from, to): requested, accepted, intros with a first
     * report that they met (or a hire came of it), and hires.
     */
    async countsBetween(from: Date, to: Date): Promise<{ requested: number; accepted: number; met: number; hired: number }> {
      const inPeriod = (column: typeof intros.requestedAt | typeof intros.respondedAt | typeof intros.metAt | typeof intros.hiredAt) =>
        and(gte(column, from), lt(column, to));
      const [row] = await db
        .select({
          requested: sql<number>`count(*) filter (where ${inPeriod(intros.requestedAt)})::int`,
          accepted: sql<number>`count(*) filter (where ${and(eq(intros.status, "accepted"), inPeriod(intros.respondedAt))})::int`,
          met: sql<number>`count(*) filter (where ${inPeriod(intros.metAt)})::int`,
          hired: sql<number>`count(*) filter (where ${inPeriod(intros.hiredAt)})::int`,
        })
        .from(intros)
        .where(eq(intros.clubId, clubId));
      return { requested: Number(row?.requested ?? 0), accepted: Number(row?.accepted ?? 0), met: Number(row?.met ?? 0), hired: Number(row?.hired ?? 0) };
    },
  };
}
