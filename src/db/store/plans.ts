import { and, asc, eq, sql } from "drizzle-orm";
import { insertedNotUpdated } from "./network.js";
import type { Db } from "../client.js";
import { companies, goals, targets, type TargetStage } from "../schema/index.js";

export type GoalRow = typeof goals.$inferSelect;

/** A member's weekly goals and target companies. */
export function planStore(db: Db, clubId: number) {
  return {
    async addGoal(memberId: number, text: string, isoWeek: string, now: Date): Promise<GoalRow> {
      const [row] = await db.insert(goals).values({ clubId, memberId, text, isoWeek, createdAt: now }).returning();
      return row!;
    },

    /** In the order they were set: the list numbers `goal done <n>` refers to. */
    async goalsOfWeek(memberId: number, isoWeek: string): Promise<GoalRow[]> {
      return db
        .select()
        .from(goals)
        .where(and(eq(goals.clubId, clubId), eq(goals.memberId, memberId), eq(goals.isoWeek, isoWeek)))
        .orderBy(asc(goals.createdAt), asc(goals.id));
    },

    async markGoalDone(goalId: number, now: Date): Promise<void> {
      await db.update(goals).set({ done: true, doneAt: now }).where(and(eq(goals.clubId, clubId), eq(goals.id, goalId)));
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
