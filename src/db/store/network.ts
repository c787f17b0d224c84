import { and, asc, eq, inArray, lte, ne, or, sql } from "drizzle-orm";
import type { Db } from "../client.js";
import { companies, intros, members, networkTies, thanks, type MemberStatus, type TieRelation } from "../schema/index.js";

export interface WarmPath {
  memberId: number;
  displayName: string;
  headline: string | null;
  status: MemberStatus;
  relation: TieRelation;
  /** Accepted intros plus thanks received: how much this member has helped the club. */
  helpGiven: number;
}

/** Tie strength as a sort key: works < worked < knows. */
const strength = sql<number>`case ${networkTies.relation} when 'works' then 0 when 'worked' then 1 else 2 end`;

/** In RETURNING of an upsert: true when the row was inserted, false when an existing one was updated. */
export const insertedNotUpdated = sql<boolean>`(xmax = 0)`;

export function networkStore(db: Db, clubId: number) {
  return {
    /** Adds the tie or changes its relation, in one statement: two concurrent adds can't collide. */
    async upsertTie(memberId: number, companyId: number, relation: TieRelation, now: Date): Promise<{ created: boolean }> {
      const [row] = await db
        .insert(networkTies)
        .values({ clubId, memberId, companyId, relation, createdAt: now, touchedAt: now })
        .onConflictDoUpdate({ target: [networkTies.memberId, networkTies.companyId], set: { relation, touchedAt: now } })
        .returning({ created: insertedNotUpdated });
      return { created: row!.created };
    },

    async removeTie(memberId: number, companyId: number): Promise<boolean> {
      const rows = await db
        .delete(networkTies)
        .where(and(eq(networkTies.clubId, clubId), eq(networkTies.memberId, memberId), eq(networkTies.companyId, companyId)))
        .returning({ id: networkTies.id });
      return rows.length > 0;
    },

    async tiesOf(memberId: number): Promise<Array<{ company: string; companyId: number; normalizedName: string; relation: TieRelation }>> {
      return db
        .select({ company: companies.name, companyId: companies.id, normalizedName: companies.normalizedName, relation: networkTies.relation })
        .from(networkTies)
        .innerJoin(companies, eq(companies.id, networkTies.companyId))
        .where(and(eq(networkTies.clubId, clubId), eq(networkTies.memberId, memberId)))
        .orderBy(strength, asc(companies.name));
    },

    /** The member's own tie to one company, if they have one. */
    async tieOf(memberId: number, companyId: number): Promise<{ relation: TieRelation } | undefined> {
      const rows = await db
        .select({ relation: networkTies.relation })
        .from(networkTies)
        .where(and(eq(networkTies.clubId, clubId), eq(networkTies.memberId, memberId), eq(networkTies.companyId, companyId)));
      return rows[0];
    },

    /** The ties of many members at once (the directory), strongest first, by member. */
    async tiesOfMany(memberIds: number[]): Promise<Map<number, Array<{ company: string; relation: TieRelation }>>> {
      const byMember = new Map<number, Array<{ company: string; relation: TieRelation }>>();
      for (let i = 0; i < memberIds.length; i += 5000) {
        const rows = await db
          .select({ memberId: networkTies.memberId, company: companies.name, relation: networkTies.relation })
          .from(networkTies)
          .innerJoin(companies, eq(companies.id, networkTies.companyId))
          .where(and(eq(networkTies.clubId, clubId), inArray(networkTies.memberId, memberIds.slice(i, i + 5000))))
          .orderBy(strength, asc(companies.name));
        for (const { memberId, ...row } of rows) byMember.set(memberId, [...(byMember.get(memberId) ?? []), row]);
      }
      return byMember;
    },

    /**
     * Members with a warm path to a company, strongest tie first, then the most generous helpers.
     * Paused members are left out (they asked for quiet) unless their pause has run out.
     */
    async warmPaths(companyId: number, options: { now: Date; excludeMemberId?: number; limit?: number }): Promise<WarmPath[]> {
      const helped = sql<number>`(
        (select count(*) from ${intros} where ${intros.clubId} = ${clubId} and ${intros.helperId} = ${members.id} and ${intros.status} = 'accepted')
        + (select count(*) from ${thanks} where ${thanks.clubId} = ${clubId} and ${thanks.toMemberId} = ${members.id})
      )::int`;
      const rows = await db
        .select({
          memberId: members.id,
          displayName: members.displayName,
          headline: members.headline,
          status: members.status,
          relation: networkTies.relation,
          helpGiven: helped,
        })
        .from(networkTies)
        .innerJoin(members, eq(members.id, networkTies.memberId))
        .where(
          and(
            eq(networkTies.clubId, clubId),
            eq(networkTies.companyId, companyId),
            or(ne(members.status, "paused"), lte(members.pausedUntil, options.now)),
            options.excludeMemberId === undefined ? undefined : ne(members.id, options.excludeMemberId),
          ),
        )
        .orderBy(strength, sql`${helped} desc`, asc(members.displayName), asc(members.id))
        .limit(options.limit ?? 50);
      return rows.map((r) => ({ ...r, helpGiven: Number(r.helpGiven) }));
    },
  };
}
