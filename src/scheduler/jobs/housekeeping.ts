import type { Logger } from "../../util/logger.js";
import type { Job } from "./job.js";

/** How long what has served its purpose is kept, in days. */
export interface RetentionSettings {
  /** Delivered outbox rows (their content is dropped on delivery; the row is a record). */
  sentOutboxDays: number;
  /** Outbox rows that failed for good, with the reason, for operators. */
  failedOutboxDays: number;
  /** Claims of scheduled runs; must outlive the longest catch-up, or an old slot could run again. */
  scheduledRunsDays: number;
}

export const DEFAULT_RETENTION: RetentionSettings = { sentOutboxDays: 30, failedOutboxDays: 90, scheduledRunsDays: 90 };

/** When housekeeping runs: daily at 03:30 in the club's timezone, a quiet hour. Not configurable by clubs. */
export const HOUSEKEEPING_SCHEDULE = "30 3 * * *";

const DAY_MS = 86_400_000;

/**
 * The daily housekeeping of one club: deletes its sent and failed outbox rows and its scheduled-run
 * claims once older than the retention settings, and its expired dashboard sessions and used links. Runs through the runner's claim like every job, so
 * it happens once a day per club however many processes run a scheduler.
 */
export function housekeeping(retention: RetentionSettings, logger?: Logger): Job {
  return async (ctx) => {
    const ago = (days: number) => new Date(ctx.now.getTime() - days * DAY_MS);
    const outbox = await ctx.store.retention.pruneOutbox({ sentBefore: ago(retention.sentOutboxDays), failedBefore: ago(retention.failedOutboxDays) });
    const runs = await ctx.store.retention.pruneScheduledRuns(ago(retention.scheduledRunsDays));
    // Dashboard sessions and used sign-in links past their expiry are of no more use.
    await ctx.store.dashboard.prune(ctx.now);
    logger?.info("housekeeping pruned old rows", { club: ctx.club.id, sentMessages: outbox.sent, failedMessages: outbox.failed, scheduledRuns: runs });
    return 0;
  };
}
