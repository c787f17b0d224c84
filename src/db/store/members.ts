import { createHash } from "node:crypto";
import { and, asc, eq, inArray, sql } from "drizzle-orm";
import type { Db } from "../client.js";
import { forgottenAccounts, members, platformUsers, type MemberStatus } from "../schema/index.js";
import { ConcurrentChangeError } from "../errors.js";
import type { Platform } from "../../core/types.js";

export type MemberRow = typeof members.$inferSelect;

/** What forget-me keeps of an account: a one-way hash, enough to recognise it, not to name it. */
function accountHash(platform: Platform, platformUserId: string): string {
  return createHash("sha256").update(`${platform}:${platformUserId}`).digest("hex");
}

export function memberStore(db: Db, clubId: number) {
  const forgottenAccount = (platform: Platform, platformUserId: string) =>
    and(eq(forgottenAccounts.clubId, clubId), eq(forgottenAccounts.platform, platform), eq(forgottenAccounts.accountHash, accountHash(platform, platformUserId)));
  return {
    async findByPlatformUser(platform: Platform, platformUserId: string): Promise<MemberRow | undefined> {
      const rows = await db
        .select({ member: members })
        .from(platformUsers)
        .innerJoin(members, eq(members.id, platformUsers.memberId))
        .where(and(eq(platformUsers.clubId, clubId), eq(platformUsers.platform, platform), eq(platformUsers.platformUserId, platformUserId)))
        .limit(1);
      return rows[0]?.member;
    },

    /**
     * Members whose name, without case, spaces or punctuation, is `name` (at most two: enough to
     * tell one from several). How a member on another platform is named: they can't be mentioned.
     */
    async findByName(name: string): Promise<MemberRow[]> {
      const key = name.toLowerCase().replace(/[^\p{L}\p{N}]/gu, "");
      if (!key) return [];
      return db
        .select()
        .from(members)
        .where(and(eq(members.clubId, clubId), sql`lower(regexp_replace(${members.displayName}, '[^[:alnum:]]', '', 'g')) = ${key}`))
        .orderBy(asc(members.id))
        .limit(2);
    },

    /** Creates the member for a platform account; a concurrent first use of the same account wins quietly. */
    async create(input: { platform: Platform; platformUserId: string; displayName: string; now: Date }): Promise<MemberRow> {
      const [member] = await db
        .insert(members)
        .values({ clubId, displayName: input.displayName, createdAt: input.now, updatedAt: input.now })
        .returning();
      const linked = await db
        .insert(platformUsers)
        .values({ clubId, memberId: member!.id, platform: input.platform, platformUserId: input.platformUserId, createdAt: input.now })
        .onConflictDoNothing()
        .returning({ id: platformUsers.id });
      if (linked.length === 1) return member!;
      // Someone else linked this account first (ON CONFLICT waited for them): use theirs, drop ours.
      await db.delete(members).where(and(eq(members.clubId, clubId), eq(members.id, member!.id)));
      const existing = await this.findByPlatformUser(input.platform, input.platformUserId);
      if (!existing) throw new Error(`could not create a member for ${input.platform}:${input.platformUserId}`);
      return existing;
    },

    /**
     * Locks the member's row until the transaction ends, so per-member checks (the weekly goal cap,
     * rate limits) count what concurrent commands of the same member wrote. NO KEY UPDATE: inserts
     * that merely point at the member (their foreign-key checks) are not held up.
     */
    async lock(memberId: number): Promise<void> {
      await db
        .select({ id: members.id })
        .from(members)
        .where(and(eq(members.clubId, clubId), eq(members.id, memberId)))
        .for("no key update");
    },

    async get(memberId: number): Promise<MemberRow | undefined> {
      const rows = await db.select().from(members).where(and(eq(members.clubId, clubId), eq(members.id, memberId)));
      return rows[0];
    },

    async getMany(memberIds: number[]): Promise<MemberRow[]> {
      const found: MemberRow[] = [];
      // In slices: a 10,000-member club would otherwise send one statement with 10,000 parameters.
      for (let i = 0; i < memberIds.length; i += 5000) {
        found.push(...(await db.select().from(members).where(and(eq(members.clubId, clubId), inArray(members.id, memberIds.slice(i, i + 5000))))));
      }
      return found;
    },

    async update(
      memberId: number,
      patch: Partial<
        Pick<MemberRow, "displayName" | "headline" | "status" | "pausedUntil" | "statusBeforePause" | "matchOptIn" | "timezone" | "nudges" | "unansweredPrompts" | "keepInTouchDays">
      >,
      now: Date,
    ): Promise<MemberRow> {
      const [row] = await db
        .update(members)
        .set({ ...patch, updatedAt: now })
        .where(and(eq(members.clubId, clubId), eq(members.id, memberId)))
        .returning();
      // Deleted meanwhile (forget-me committed while we waited for the row): the command runs again.
      if (!row) throw new ConcurrentChangeError(`member ${memberId}`);
      return row;
    },

    /** One page of the club's members by name (the directory), and how many there are in all. */
    async directory(offset: number, limit: number): Promise<{ total: number; members: MemberRow[] }> {
      const [counted] = await db.select({ n: sql<number>`count(*)::int` }).from(members).where(eq(members.clubId, clubId));
      const page = await db
        .select()
        .from(members)
        .where(eq(members.clubId, clubId))
        .orderBy(sql`lower(${members.displayName})`, asc(members.id))
        .offset(offset)
        .limit(limit);
      return { total: Number(counted?.n ?? 0), members: page };
    },

    /** The platform accounts of members, by member id: how a platform names them (the console's @handles). */
    async accounts(memberIds: number[], platform: Platform): Promise<Map<number, string>> {
      const found = new Map<number, string>();
      if (memberIds.length === 0) return found;
      const rows = await db
        .select({ memberId: platformUsers.memberId, platformUserId: platformUsers.platformUserId })
        .from(platformUsers)
        .where(and(eq(platformUsers.clubId, clubId), eq(platformUsers.platform, platform), inArray(platformUsers.memberId, memberIds)));
      for (const row of rows) found.set(row.memberId, row.platformUserId);
      return found;
    },

    /** Whether this account's owner used forget-me (and has not joined again since). */
    async isForgotten(platform: Platform, platformUserId: string): Promise<boolean> {
      const rows = await db.select({ id: forgottenAccounts.id }).from(forgottenAccounts).where(forgottenAccount(platform, platformUserId));
      return rows.length > 0;
    },

    /** Remembers that the member's accounts asked to be forgotten; call before deleting the member. */
    async markForgotten(memberId: number, now: Date): Promise<void> {
      const accounts = await db
        .select({ platform: platformUsers.platform, platformUserId: platformUsers.platformUserId })
        .from(platformUsers)
        .where(and(eq(platformUsers.clubId, clubId), eq(platformUsers.memberId, memberId)));
      if (accounts.length === 0) return;
      await db
        .insert(forgottenAccounts)
        .values(accounts.map((a) => ({ clubId, platform: a.platform, accountHash: accountHash(a.platform, a.platformUserId), forgottenAt: now })))
        .onConflictDoNothing();
    },

    /** An explicit `join` after forget-me: the account may be a member again. */
    async unforget(platform: Platform, platformUserId: string): Promise<void> {
      await db.delete(forgottenAccounts).where(forgottenAccount(platform, platformUserId));
    },

    /** Ends a pause: the status from before it comes back. */
    async endPause(member: MemberRow, now: Date): Promise<MemberRow> {
      return this.update(member.id, { status: member.statusBeforePause ?? "searching", pausedUntil: null, statusBeforePause: null }, now);
    },
  };
}

export type { MemberStatus };
