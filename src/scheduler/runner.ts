import { randomUUID } from "node:crypto";
import { eq } from "drizzle-orm";
import type { Db } from "../db/client.js";
import { clubs } from "../db/schema/index.js";
import { createClubStore } from "../db/store/club-store.js";
import { isReachable } from "../db/store/clubs.js";
import type { Clock } from "../core/types.js";
import type { Logger } from "../util/logger.js";
import { jobs, type RunnableJob } from "./jobs/index.js";
import { DEFAULT_RETENTION, housekeeping, type RetentionSettings } from "./jobs/housekeeping.js";

export type RunResult = { ran: true; sent: number } | { ran: false; reason: "claimed" | "no-club" | "unreachable" };

/**
 * Runs one scheduled job for one club and slot, exactly once across every process: the claim row
 * and everything the job writes (state and outbox) commit together, so a crash mid-run leaves no
 * claim behind and a later catch-up can run it again.
 */
export function createJobRunner(options: {
  db: Db;
  clock: Clock;
  logger: Logger;
  runnerId?: string;
  onOutboxWrite?: () => void;
  /** Called after a run committed: this process's cached reads of the club go. */
  onClubChanged?: (clubId: number) => void;
  /** What the daily housekeeping keeps, and for how long (config: OUTBOX_RETENTION_DAYS and the like). */
  retention?: RetentionSettings;
}) {
  const runnerId = options.runnerId ?? `${process.pid}:${randomUUID().slice(0, 8)}`;
  const runnable = { ...jobs, housekeeping: housekeeping(options.retention ?? DEFAULT_RETENTION, options.logger) };

  async function run(clubId: number, job: RunnableJob, slot: Date): Promise<RunResult> {
    const result = await options.db.transaction(async (tx): Promise<RunResult> => {
      const now = options.clock.now();
      const store = createClubStore(tx, clubId);
      const [club] = await tx.select().from(clubs).where(eq(clubs.id, clubId));
      if (!club) return { ran: false, reason: "no-club" };
      if (!(await store.scheduling.claimRun(job, slot, runnerId, now))) return { ran: false, reason: "claimed" };
      // Uninstalled everywhere: the slot is claimed (done, not caught up later) and nothing is
      // queued or recorded as sent. Housekeeping still runs: retention applies to such a club too.
      if (job !== "housekeeping" && !(await isReachable(tx, clubId))) return { ran: false, reason: "unreachable" };
      let sent = 0;
      await runnable[job]({
        club,
        store,
        slot,
        now,
        send: async (message) => {
          if (await store.outbox.enqueue(message, now)) sent++;
        },
        sendMany: async (messages) => {
          sent += await store.outbox.enqueueMany(messages, now);
        },
        fanOut: async (request) => {
          await store.fanouts.queue(request, now);
          sent += request.recipients.length;
        },
      });
      return { ran: true, sent };
    });
    if (result.ran) options.onClubChanged?.(clubId);
    if (!result.ran && result.reason === "unreachable") {
      options.logger.info("scheduled job skipped: the club is reachable on no platform (uninstalled)", { club: clubId, job, slot: slot.toISOString() });
    }
    if (result.ran) {
      options.logger.info("scheduled job ran", { club: clubId, job, slot: slot.toISOString(), queued: result.sent });
      if (result.sent > 0) options.onOutboxWrite?.();
    }
    return result;
  }

  return { run, runnerId };
}

export type JobRunner = ReturnType<typeof createJobRunner>;
