import { and, asc, eq } from "drizzle-orm";
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

    /** Adds or moves a target; returns whether it was new. */
    async upsertTarget(memberId: number, companyId: number, stage: TargetStage | undefined, now: Date): Promise<{ created: boolean; stage: TargetStage }> {
      const existing = await db
        .select()
        .from(targets)
        .where(and(eq(targets.clubId, clubId), eq(targets.memberId, memberId), eq(targets.companyId, companyId)));
      if (existing[0]) {
        if (stage && stage !== existing[0].stage) {
          await db.update(targets).set({ stage, updatedAt: now }).where(eq(targets.id, existing[0].id));
        }
        return { created: false, stage: stage ?? existing[0].stage };
      }
      const [row] = await db
        .insert(targets)
        .values({ clubId, memberId, companyId, stage: stage ?? "researching", createdAt: now, updatedAt: now })
        .returning();
      return { created: true, stage: row!.stage };
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
