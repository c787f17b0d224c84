import type { CommandContext } from "../command.js";
import { UserError } from "../errors.js";

/** A budget of messages one member may make Warmpath send to others, per window. */
export interface RateLimit {
  /** What is counted, as the member reads it: "introduction requests". */
  what: string;
  max: number;
  windowMs: number;
  /** How the window is said: "an hour". */
  window: string;
}

const HOUR = 3_600_000;

/**
 * Commands that DM another member. Generous for real use (a busy week of asks), tight enough that
 * nobody can flood a fellow member's DMs through the bot.
 */
export const DM_LIMITS = {
  intros: [
    { what: "introduction requests", max: 5, windowMs: HOUR, window: "an hour" },
    { what: "introduction requests", max: 15, windowMs: 24 * HOUR, window: "a day" },
  ],
  thanks: [
    { what: "thank-you notes", max: 10, windowMs: HOUR, window: "an hour" },
    { what: "thank-you notes", max: 30, windowMs: 24 * HOUR, window: "a day" },
  ],
} satisfies Record<string, RateLimit[]>;

function inWords(ms: number): string {
  const minutes = Math.max(1, Math.ceil(ms / 60_000));
  if (minutes < 90) return `${minutes} minute${minutes === 1 ? "" : "s"}`;
  const hours = Math.ceil(minutes / 60);
  return `${hours} hours`;
}

/**
 * Refuses, kindly and privately, a member who has used up a budget. Counts the member's own rows
 * (their intro requests, their thanks) under their row lock, so two requests at once can't both
 * slip under the limit. `sentSince` returns the times of the latest ones, newest first.
 */
export async function enforceLimits(ctx: CommandContext, limits: readonly RateLimit[], sentSince: (since: Date, limit: number) => Promise<Date[]>): Promise<void> {
  await ctx.store.members.lock(ctx.me.id);
  const now = ctx.clock.now().getTime();
  for (const limit of limits) {
    const recent = await sentSince(new Date(now - limit.windowMs), limit.max);
    if (recent.length < limit.max) continue;
    // The oldest of the last `max` leaves the window first: that is when one more is allowed.
    const freeAt = recent[limit.max - 1]!.getTime() + limit.windowMs;
    throw new UserError(
      "RATE.LIMITED",
      `You've sent ${limit.max} ${limit.what} in ${limit.window}, which is as many as I send for one member, so nobody's inbox gets flooded. ` +
        `You can send the next one in ${inWords(freeAt - now)}. Thanks for being so active!`,
    );
  }
}
