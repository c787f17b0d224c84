import { and, eq, inArray, isNull, lt, or, type SQL } from "drizzle-orm";
import type { Db } from "../client.js";
import { outbox, scheduledRuns } from "../schema/index.js";

/** Rows deleted per statement: each statement stays short, however large the backlog. */
export const PRUNE_BATCH = 1000;

/**
 * Deletes what has served its purpose, for one club only: delivered and failed outbox rows (their
 * content is already gone; the row is a record) and old scheduled-run claims. Messages still to be
 * sent (pending, sending) are never touched.
 */
export function retentionStore(db: Db, clubId: number, batchSize = PRUNE_BATCH) {
  /** Deletes the rows of `table` matching `where`, `batchSize` at a time; returns how many. */
  async function inBatches(table: typeof outbox | typeof scheduledRuns, where: SQL): Promise<number> {
    let total = 0;
    for (;;) {
      const batch = db.select({ id: table.id }).from(table).where(where).limit(batchSize);
      const deleted = await db.delete(table).where(and(eq(table.clubId, clubId), inArray(table.id, batch))).returning({ id: table.id });
      total += deleted.length;
      if (deleted.length < batchSize) return total;
    }
  }

  return {
    /** Sent messages sent before `sentBefore`, failed ones queued before `failedBefore`. */
    async pruneOutbox(cutoffs: { sentBefore: Date; failedBefore: Date }): Promise<{ sent: number; failed: number }> {
      const sentLongAgo = or(lt(outbox.sentAt, cutoffs.sentBefore), and(isNull(outbox.sentAt), lt(outbox.createdAt, cutoffs.sentBefore)))!;
      const sent = await inBatches(outbox, and(eq(outbox.clubId, clubId), eq(outbox.status, "sent"), sentLongAgo)!);
      const failed = await inBatches(outbox, and(eq(outbox.clubId, clubId), eq(outbox.status, "failed"), lt(outbox.createdAt, cutoffs.failedBefore))!);
      return { sent, failed };
    },

    /**
     * Claims of runs whose slot is before `before`. Only slots far older than any catch-up may go:
     * a claim is what keeps a slot from running twice.
     */
    async pruneScheduledRuns(before: Date): Promise<number> {
      return inBatches(scheduledRuns, and(eq(scheduledRuns.clubId, clubId), lt(scheduledRuns.slot, before))!);
    },
  };
}
