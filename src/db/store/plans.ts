import { and, asc, eq, inArray, sql } from "drizzle-orm";
import { insertedNotUpdated } from "./network.js";
import type { Db } from "../client.js";
import { preparedFor } from "../prepared.js";
import { companies, goals, members, targets, type MemberStatus, type TargetStage } from "../schema/index.js";

/** Furthest along first: offer, interviewing, applied, contacting, researching. */
const stageOrder = sql<number>`case ${targets.stage} when 'offer' then 0 when 'interviewing' then 1 when 'applied' then 2 when 'contacting' then 3 else 4 end`;

export type GoalRow = typeof goals.$inferSelect;

/**
 * A member's goals of some weeks, read with the member (findClubMemberAndGoals): within a read-only
 * command, goalsOfWeek answers from them instead of asking the database again.
 */
export interface KnownGoals {
  memberId: number;
  weeks: readonly string[];
  /** In the order they were set. */
  rows: readonly GoalRow[];
}

const goalsOfWeekQuery = preparedFor((db) =>
  db
    .select()
    .from(goals)
    .where(and(eq(goals.clubId, sql.placeholder("clubId")), eq(goals.memberId, sql.placeholder("memberId")), eq(goals.isoWeek, sql.placeholder("isoWeek"))))
    .orderBy(asc(goals.createdAt), asc(goals.id))
    .prepare("warmpath_goals_of_week"),
);

/** A member's weekly goals and target companies. */
export function planStore(db: Db, clubId: number, known?: KnownGoals) {
  return {
    async addGoal(memberId: number, text: string, isoWeek: string, now: Date): Promise<GoalRow> {
      const [row] = await db.insert(goals).values({ clubId, memberId, text, isoWeek, createdAt: now }).returning();
      return row!;
    },

    /** In the order they were set: the list numbers `goal done <n>` refers to. */
    async goalsOfWeek(memberId: number, isoWeek: string): Promise<GoalRow[]> {
      if (known && known.memberId === memberId && known.weeks.includes(isoWeek)) return known.rows.filter((g) => g.isoWeek === isoWeek);
      return goalsOfWeekQuery(db).execute({ clubId, memberId, isoWeek });
    },

    /** Marks a goal done, or open again (`goal undo`). */
    /**
     * Marks a goal done or open; false when it already was (another click or tab got there first),
     * so two at once change it, and celebrate it, once.
     */
    async setGoalDone(goalId: number, done: boolean, now: Date): Promise<boolean> {
      const changed = await db
        .update(goals)
        .set({ done, doneAt: done ? now : null })
        .where(and(eq(goals.clubId, clubId), eq(goals.id, goalId), eq(goals.done, !done)))
        .returning({ id: goals.id });
      return changed.length > 0;
    },

    async setGoalText(goalId: number, text: string): Promise<void> {
      await db.update(goals).set({ text }).where(and(eq(goals.clubId, clubId), eq(goals.id, goalId)));
    },

    async removeGoal(goalId: number): Promise<void> {
      await db.delete(goals).where(and(eq(goals.clubId, clubId), eq(goals.id, goalId)));
    },

    /** Adds or moves a target, in one statement; returns whether it was new and the stage it is at. */
    async upsertTarget(memberId: number, companyId: number, stage: TargetStage | undefined, now: Date): Promise<{ created: boolean; stage: TargetStage }> {
      // Without a stage an existing target stays where it is; a new one starts at researching.
      const [row] = await db
        .insert(targets)
        .values({ clubId, memberId, companyId, stage: stage ?? "researching", createdAt: now, updatedAt: now })
        .onConflictDoUpdate({
          target: [targets.memberId, targets.companyId],
          set: stage
            ? { stage, updatedAt: sql`case when ${targets.stage} = excluded.stage then ${targets.updatedAt} else excluded.updated_at end` }
            : { stage: sql`${targets.stage}` },
        })
        .returning({ stage: targets.stage, created: insertedNotUpdated });
      return { created: row!.created, stage: row!.stage };
    },

    async setTargetStage(memberId: number, companyId: number, stage: TargetStage, now: Date): Promise<boolean> {
      const rows = await db
        .update(targets)
        .set({ stage, updatedAt: now })
        .where(and(eq(targets.clubId, clubId), eq(targets.memberId, memberId), eq(targets.companyId, companyId)))
        .returning({ id: targets.id });
      return rows.length > 0;
    },

    async removeTarget(memberId: number, companyId: number): Promise<boolean> {
      const rows = await db
        .delete(targets)
        .where(and(eq(targets.clubId, clubId), eq(targets.memberId, memberId), eq(targets.companyId, companyId)))
        .returning({ id: targets.id });
      return rows.length > 0;
    },

    /** The member's target at one company, if they have it. */
    async targetOf(memberId: number, companyId: number): Promise<{ stage: TargetStage } | undefined> {
      const rows = await db
        .select({ stage: targets.stage })
        .from(targets)
        .where(and(eq(targets.clubId, clubId), eq(targets.memberId, memberId), eq(targets.companyId, companyId)));
      return rows[0];
    },

    /** Everyone who targets a company (`who targets`), furthest along first, then by name. */
    async targetersOf(companyId: number, limit = 50): Promise<Array<{ memberId: number; displayName: string; headline: string | null; status: MemberStatus; pausedUntil: Date | null; stage: TargetStage }>> {
      return db
        .select({ memberId: members.id, displayName: members.displayName, headline: members.headline, status: members.status, pausedUntil: members.pausedUntil, stage: targets.stage })
        .from(targets)
        .innerJoin(members, and(eq(members.clubId, targets.clubId), eq(members.id, targets.memberId)))
        .where(and(eq(targets.clubId, clubId), eq(targets.companyId, companyId)))
        .orderBy(stageOrder, asc(members.displayName), asc(members.id))
        .limit(limit);
    },

    /** The targets of many members at once (the directory), in slices, by member. */
    async targetsOfMany(memberIds: number[]): Promise<Map<number, Array<{ company: string; stage: TargetStage }>>> {
      const byMember = new Map<number, Array<{ company: string; stage: TargetStage }>>();
      for (let i = 0; i < memberIds.length; i += 5000) {
        const rows = await db
          .select({ memberId: targets.memberId, company: companies.name, stage: targets.stage })
          .from(targets)
          .innerJoin(companies, eq(companies.id, targets.companyId))
          .where(and(eq(targets.clubId, clubId), inArray(targets.memberId, memberIds.slice(i, i + 5000))))
          .orderBy(stageOrder, asc(companies.name));
        for (const { memberId, ...row } of rows) byMember.set(memberId, [...(byMember.get(memberId) ?? []), row]);
      }
      return byMember;
    },

    async targetsOf(memberId: number): Promise<Array<{ company: string; companyId: number; stage: TargetStage; updatedAt: Date }>> {
      return db
        .select({ company: companies.name, companyId: companies.id, stage: targets.stage, updatedAt: targets.updatedAt })
        .from(targets)
        .innerJoin(companies, eq(companies.id, targets.companyId))
        .where(and(eq(targets.clubId, clubId), eq(targets.memberId, memberId)))
        .orderBy(asc(companies.name));
    },
  };
}
