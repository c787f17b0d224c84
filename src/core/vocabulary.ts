/** The club's words, shared by the commands (as choices) and the database (as column enums). */

export const memberStatuses = ["searching", "employed", "paused"] as const;
export type MemberStatus = (typeof memberStatuses)[number];

export const targetStages = ["researching", "contacting", "applied", "interviewing", "offer"] as const;
export type TargetStage = (typeof targetStages)[number];

/** Strongest first: someone who works there beats someone who worked there beats someone who knows someone. */
export const tieRelations = ["works", "worked", "knows"] as const;
export type TieRelation = (typeof tieRelations)[number];

export const helpKinds = ["information", "contact", "connection", "referral"] as const;
export type HelpKind = (typeof helpKinds)[number];

/** "withdrawn": the requester took the ask back before the helper answered. */
export const introStatuses = ["requested", "accepted", "declined", "expired", "withdrawn"] as const;
export type IntroStatus = (typeof introStatuses)[number];

export const introOutcomes = ["met", "not-yet", "no-show", "hired"] as const;
export type IntroOutcome = (typeof introOutcomes)[number];
/** How far an intro has got: outcomes only move forward, not-yet < met/no-show < hired. */
export const INTRO_OUTCOME_RANK: Record<IntroOutcome, number> = { "not-yet": 0, "no-show": 1, met: 1, hired: 2 };

export const activityKinds = ["outreach", "coffee", "informational", "application", "interview"] as const;
export type ActivityKind = (typeof activityKinds)[number];

export const nudgeStates = ["on", "asked", "off"] as const;
export type NudgeState = (typeof nudgeStates)[number];

/** The jobs the scheduler runs for each club. */
export const scheduledJobs = ["goals-prompt", "check-in", "digest", "matches", "follow-ups"] as const;
export type ScheduledJob = (typeof scheduledJobs)[number];

/** Jobs the scheduler runs daily for every club that no club configures: retention. */
export type SystemJob = "housekeeping";

/** Cron expressions by job; null turns a job off, a missing job runs on its default. */
export type ClubSchedules = Partial<Record<ScheduledJob, string | null>>;
