import { and, eq, inArray } from "drizzle-orm";
import type { Db } from "../client.js";
import { members, platformUsers, type MemberStatus } from "../schema/index.js";
import type { Platform } from "../../core/types.js";

export type MemberRow = typeof members.$inferSelect;

export function memberStore(db: Db, clubId: number) {
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

    /** Creates the member for a platform account; a concurrent first use of the same account wins quietly. */
    async create(input: { platform: Platform; platformUserId: string; displayName: string; now: Date }): Promise<MemberRow> {
      const created = await db
        .transaction(async (tx) => {
          const [member] = await tx
            .insert(members)
            .values({ clubId, displayName: input.displayName, createdAt: input.now, updatedAt: input.now })
            .returning();
          const linked = await tx
            .insert(platformUsers)
            .values({ clubId, memberId: member!.id, platform: input.platform, platformUserId: input.platformUserId, createdAt: input.now })
            .onConflictDoNothing()
            .returning({ id: platformUsers.id });
          // Someone else linked this account first: undo our member row (a savepoint) and use theirs.
          if (linked.length === 0) tx.rollback();
          return member!;
        })
        .catch(() => undefined);
      if (created) return created;
      const existing = await this.findByPlatformUser(input.platform, input.platformUserId);
      if (!existing) throw new Error(`could not create a member for ${input.platform}:${input.platformUserId}`);
      return existing;
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
      return row!;
    },

    /** Ends a pause: the status from before it comes back. */
    async endPause(member: MemberRow, now: Date): Promise<MemberRow> {
      return this.update(member.id, { status: member.statusBeforePause ?? "searching", pausedUntil: null, statusBeforePause: null }, now);
    },
  };
}

export type { MemberStatus };
