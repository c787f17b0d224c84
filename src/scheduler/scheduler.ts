import cron, { type ScheduledTask } from "node-cron";
import type { Db } from "../db/client.js";
import { clubs } from "../db/schema/index.js";
import { scheduleOf } from "../core/schedule-spec.js";
import { scheduledJobs, type ScheduledJob } from "../core/vocabulary.js";
import { systemClock, type Clock } from "../core/types.js";
import type { Logger } from "../util/logger.js";
import { latestOccurrence } from "./occurrences.js";
import type { JobRunner } from "./runner.js";
import type { RunnableJob } from "./jobs/index.js";
import { HOUSEKEEPING_SCHEDULE } from "./jobs/housekeeping.js";

export interface SchedulerOptions {
  db: Db;
  runner: JobRunner;
  logger: Logger;
  clock?: Clock;
  /** A run missed while no process was up is caught up if its slot is at most this old. */
  catchUpWindowMs?: number;
  /** How often schedules are re-read, to follow changes made through other processes. */
  reloadMs?: number;
  /** Waits before trying a failed run again, one per attempt (default 15 s, 1 min, 5 min, 15 min, 1 h). */
  retryDelaysMs?: number[];
}

type ClubSchedule = Pick<typeof clubs.$inferSelect, "id" | "timezone" | "schedules" | "schedulesUpdatedAt" | "createdAt">;

/** What to fire for a club: job → cron expression, for the jobs that are on, and the daily housekeeping. */
function plan(club: ClubSchedule): Array<[RunnableJob, string]> {
  const configured = scheduledJobs.flatMap((job) => {
    const expression = scheduleOf(club.schedules, job);
    return expression ? [[job, expression] as [ScheduledJob, string]] : [];
  });
  return [...configured, ["housekeeping", HOUSEKEEPING_SCHEDULE]];
}

const DAY_MS = 86_400_000;

/**
 * Fires each club's jobs with node-cron in the club's timezone, and catches up at start on runs
 * missed while no process was up. Every firing goes through the runner's claim, so any number of
 * processes may run a scheduler on one database.
 */
export function createScheduler(options: SchedulerOptions) {
  const clock = options.clock ?? systemClock;
  const window = options.catchUpWindowMs ?? 6 * 3_600_000;
  const tasks = new Map<number, { signature: string; tasks: ScheduledTask[] }>();
  let reloadTimer: NodeJS.Timeout | undefined;
  let stopped = true;

  const loadClubs = () =>
    options.db
      .select({ id: clubs.id, timezone: clubs.timezone, schedules: clubs.schedules, schedulesUpdatedAt: clubs.schedulesUpdatedAt, createdAt: clubs.createdAt })
      .from(clubs);

  const retryDelays = options.retryDelaysMs ?? [15_000, 60_000, 5 * 60_000, 15 * 60_000, 60 * 60_000];
  const retries = new Set<NodeJS.Timeout>();

  /**
   * Runs a job for a slot. A run that fails (Postgres away, a timeout) rolled back with its claim, so
   * it is tried again later while the slot is within the catch-up window: a digest due during an
   * outage still goes out once the database is back, and the claim keeps it to once.
   */
  async function fire(clubId: number, job: RunnableJob, slot: Date, attempt = 0): Promise<void> {
    try {
      await options.runner.run(clubId, job, slot);
    } catch (error) {
      const details = { club: clubId, job, slot: slot.toISOString(), attempt: attempt + 1, error };
      const delay = retryDelays[attempt];
      if (stopped || delay === undefined || clock.now().getTime() + delay - slot.getTime() > window) {
        options.logger.error("scheduled job failed", details);
        return;
      }
      options.logger.warn(`scheduled job failed; trying again in ${Math.round(delay / 1000)} s`, details);
      const timer = setTimeout(() => {
        retries.delete(timer);
        void fire(clubId, job, slot, attempt + 1);
      }, delay);
      timer.unref?.();
      retries.add(timer);
    }
  }

  /**
   * Runs, once, the latest slot of each job that fell within the catch-up window and after the
   * club's schedule last changed. Returns what ran.
   */
  async function catchUp(): Promise<Array<{ clubId: number; job: RunnableJob; slot: Date }>> {
    const now = clock.now();
    const ran: Array<{ clubId: number; job: RunnableJob; slot: Date }> = [];
    for (const club of await loadClubs()) {
      const floor = Math.max(now.getTime() - window, club.createdAt.getTime(), club.schedulesUpdatedAt?.getTime() ?? 0);
      // Housekeeping follows no club's schedule and may run late: the last day's run is caught up.
      const housekeepingFloor = Math.max(now.getTime() - Math.max(window, DAY_MS), club.createdAt.getTime());
      for (const [job, expression] of plan(club)) {
        const slot = latestOccurrence(expression, club.timezone, new Date(job === "housekeeping" ? housekeepingFloor : floor), now);
        if (!slot) continue;
        const result = await options.runner.run(club.id, job, slot).catch((error: unknown) => {
          options.logger.error("catch-up run failed", { club: club.id, job, error });
          return undefined;
        });
        if (result?.ran) ran.push({ clubId: club.id, job, slot });
      }
    }
    return ran;
  }

  let reloading: Promise<void> = Promise.resolve();

  /** Re-reads every club's schedule and (re)creates the node-cron tasks that changed; one at a time. */
  function reload(): Promise<void> {
    reloading = reloading.catch(() => undefined).then(reloadNow);
    return reloading;
  }

  async function reloadNow(): Promise<void> {
    const seen = new Set<number>();
    for (const club of await loadClubs()) {
      seen.add(club.id);
      const jobsOn = plan(club);
      const signature = `${club.timezone}|${jobsOn.map(([j, e]) => `${j}=${e}`).join(",")}`;
      const current = tasks.get(club.id);
      if (current?.signature === signature) continue;
      for (const task of current?.tasks ?? []) await task.destroy();
      const created = jobsOn.map(([job, expression]) => {
        const task = cron.schedule(expression, (context) => fire(club.id, job, context.date), {
          name: `club-${club.id}-${job}`,
          timezone: club.timezone,
          noOverlap: true,
          suppressMissedWarning: true,
        });
        // node-cron drops a slot it reached more than a second late (a busy event loop): run it
        // anyway; the claim keeps it to once.
        task.on("execution:missed", (context) => void fire(club.id, job, context.date));
        return task;
      });
      tasks.set(club.id, { signature, tasks: created });
    }
    for (const [clubId, entry] of tasks) {
      if (seen.has(clubId)) continue;
      for (const task of entry.tasks) await task.destroy();
      tasks.delete(clubId);
    }
  }

  function scheduleReload() {
    if (stopped) return;
    reloadTimer = setTimeout(() => {
      reload()
        .catch((error: unknown) => options.logger.error("schedule reload failed", { error }))
        .finally(scheduleReload);
    }, options.reloadMs ?? 60_000);
    reloadTimer.unref?.();
  }

  return {
    catchUp,
    reload,
    /** Runs a job's slot now, as its cron task does (retries included). */
    fire: (clubId: number, job: ScheduledJob, slot: Date) => fire(clubId, job, slot),
    async start() {
      stopped = false;
      await reload();
      await catchUp();
      scheduleReload();
    },
    /** A command changed a schedule in this process: follow it now. */
    changed() {
      if (!stopped) reload().catch((error: unknown) => options.logger.error("schedule reload failed", { error }));
    },
    async stop() {
      stopped = true;
      clearTimeout(reloadTimer);
      for (const timer of retries) clearTimeout(timer);
      retries.clear();
      await reloading.catch(() => undefined);
      for (const entry of tasks.values()) for (const task of entry.tasks) await task.destroy();
      tasks.clear();
    },
  };
}

export type Scheduler = ReturnType<typeof createScheduler>;
