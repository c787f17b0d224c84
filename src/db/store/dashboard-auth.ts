import { randomBytes } from "node:crypto";
import { and, eq, gt, lt } from "drizzle-orm";
import type { Db } from "../client.js";
import { clubOrganisers, clubs, dashboardKeys, dashboardSessions, dashboardUsedLinks, members } from "../schema/index.js";
import type { ClubRow } from "./clubs.js";
import type { MemberRow } from "./members.js";

/** A club by its id: the dashboard's addresses name clubs this way. */
export async function clubById(db: Db, clubId: number): Promise<ClubRow | undefined> {
  const [row] = await db.select().from(clubs).where(eq(clubs.id, clubId));
  return row;
}

export interface DashboardSession {
  id: number;
  memberId: number;
  viaAdmin: boolean;
  expiresAt: Date;
}

/** The dashboard's sign-in state of one club: its link key, used links and browser sessions. */
export function dashboardAuthStore(db: Db, clubId: number) {
  return {
    /** The club's stored link key (hex), made on first use; racing first uses agree on one. */
    async storedKey(now: Date): Promise<string> {
      await db.insert(dashboardKeys).values({ clubId, secret: randomBytes(32).toString("hex"), createdAt: now }).onConflictDoNothing();
      const [row] = await db.select({ secret: dashboardKeys.secret }).from(dashboardKeys).where(eq(dashboardKeys.clubId, clubId));
      return row!.secret;
    },

    /** The club's stored link key if it has one: verifying a link never makes a key. */
    async existingKey(): Promise<string | undefined> {
      const [row] = await db.select({ secret: dashboardKeys.secret }).from(dashboardKeys).where(eq(dashboardKeys.clubId, clubId));
      return row?.secret;
    },

    /**
     * Marks a link's nonce used; false when it was used already. One statement, so of two requests
     * racing with the same link exactly one gets true.
     */
    async useLink(nonce: string, expiresAt: Date, now: Date): Promise<boolean> {
      const rows = await db.insert(dashboardUsedLinks).values({ clubId, nonce, expiresAt, usedAt: now }).onConflictDoNothing().returning({ id: dashboardUsedLinks.id });
      return rows.length === 1;
    },

    async wasUsed(nonce: string): Promise<boolean> {
      const rows = await db.select({ id: dashboardUsedLinks.id }).from(dashboardUsedLinks).where(and(eq(dashboardUsedLinks.clubId, clubId), eq(dashboardUsedLinks.nonce, nonce)));
      return rows.length > 0;
    },

    async createSession(input: { memberId: number; tokenHash: string; viaAdmin: boolean; now: Date; expiresAt: Date }): Promise<void> {
      await db.insert(dashboardSessions).values({ clubId, memberId: input.memberId, tokenHash: input.tokenHash, viaAdmin: input.viaAdmin, createdAt: input.now, expiresAt: input.expiresAt });
    },

    /**
     * The unexpired session with this token hash in this club, with its member and whether they are
     * on the organiser list now; a session of another club is not found.
     */
    async session(tokenHash: string, now: Date): Promise<{ session: DashboardSession; member: MemberRow; organiser: boolean } | undefined> {
      const rows = await db
        .select({ session: dashboardSessions, member: members, organiserId: clubOrganisers.id })
        .from(dashboardSessions)
        .innerJoin(members, and(eq(members.clubId, dashboardSessions.clubId), eq(members.id, dashboardSessions.memberId)))
        .leftJoin(clubOrganisers, and(eq(clubOrganisers.clubId, dashboardSessions.clubId), eq(clubOrganisers.memberId, dashboardSessions.memberId)))
        .where(and(eq(dashboardSessions.clubId, clubId), eq(dashboardSessions.tokenHash, tokenHash), gt(dashboardSessions.expiresAt, now)))
        .limit(1);
      const row = rows[0];
      if (!row) return undefined;
      const { id, memberId, viaAdmin, expiresAt } = row.session;
      return { session: { id, memberId, viaAdmin, expiresAt }, member: row.member, organiser: row.organiserId !== null };
    },

    async endSession(tokenHash: string): Promise<boolean> {
      const rows = await db
        .delete(dashboardSessions)
        .where(and(eq(dashboardSessions.clubId, clubId), eq(dashboardSessions.tokenHash, tokenHash)))
        .returning({ id: dashboardSessions.id });
      return rows.length > 0;
    },

    /** Every session of a member: they stopped organising, or were removed. */
    async endSessionsOf(memberId: number): Promise<void> {
      await db.delete(dashboardSessions).where(and(eq(dashboardSessions.clubId, clubId), eq(dashboardSessions.memberId, memberId)));
    },

    /** Expired sessions and links that could no longer be used anyway are not kept. */
    async prune(now: Date): Promise<void> {
      await db.delete(dashboardSessions).where(and(eq(dashboardSessions.clubId, clubId), lt(dashboardSessions.expiresAt, now)));
      await db.delete(dashboardUsedLinks).where(and(eq(dashboardUsedLinks.clubId, clubId), lt(dashboardUsedLinks.expiresAt, now)));
    },
  };
}
