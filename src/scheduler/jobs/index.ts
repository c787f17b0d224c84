import type { ScheduledJob, SystemJob } from "../../core/vocabulary.js";
import type { Job } from "./job.js";
import { checkIn, goalsPrompt } from "./weekly-prompts.js";
import { digest } from "./digest.js";
import { followUps } from "./follow-ups.js";
import { matches } from "./matches.js";

/** What the runner runs: the clubs' scheduled jobs, and the daily housekeeping no club configures. */
export type RunnableJob = ScheduledJob | SystemJob;

export const jobs: Record<ScheduledJob, Job> = {
  "goals-prompt": goalsPrompt,
  "check-in": checkIn,
  digest,
  matches,
  "follow-ups": followUps,
};
