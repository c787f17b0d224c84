import { z } from "zod";
import { arg } from "../args.js";
import { defineCommand } from "../command.js";
import { privateReply, successReply } from "../reply.js";
import { UserError } from "../errors.js";
import { formatDay, isValidTimezone, parseUntil } from "../dates.js";
import { memberStatuses } from "../vocabulary.js";
import type { Token } from "../tokenize.js";
import type { CommandContext } from "../command.js";
import type { MemberRow } from "../../db/store/club-store.js";
import { timezoneOf } from "../services/members.js";

function profileReply(ctx: CommandContext, me: MemberRow, heading: string) {
  const tz = timezoneOf(ctx, me);
  const status = me.status === "paused" && me.pausedUntil ? `paused until ${formatDay(me.pausedUntil, tz)}` : me.status;
  const fields = [
    { label: "Name", value: me.displayName },
    { label: "Headline", value: me.headline ?? "(none yet: `profile headline <the role you seek>`)" },
    { label: "Status", value: status },
    { label: "Match suggestions", value: me.matchOptIn ? "on" : "off" },
    { label: "Nudges", value: me.nudges === "off" ? "off" : "on" },
    { label: "Keep in touch every", value: `${me.keepInTouchDays} days` },
    { label: "Timezone", value: tz },
  ];
  return successReply(`${heading}\n${fields.map((f) => `${f.label}: ${f.value}`).join("\n")}`, { title: "Your profile", fields });
}

export const join = defineCommand({
  name: "join",
  summary: "Join the club's job club, optionally with the role you are looking for",
  usage: "join [headline]",
  examples: ["join Senior product designer"],
  args: z.object({
    headline: arg.text({ max: 150, optional: true, label: "headline", description: "The role you are looking for" }),
  }),
  async run(ctx, { headline }) {
    const me = headline ? await ctx.store.members.update(ctx.me.id, { headline }, ctx.clock.now()) : ctx.me;
    return successReply(
      `Welcome to the job club, ${me.displayName}! ${me.headline ? `You're looking for: ${me.headline}.` : "Tell us what you're looking for with `profile headline <role>`."}\n` +
        "Next: set a goal for this week (`goal add <text>`), add companies you're aiming for (`target add <company>`), " +
        "and companies where you know people (`network add <company> works|worked|knows`). Then `who <company>` finds warm paths.",
      { title: "Welcome to Warmpath", buttons: [{ label: "Show commands", command: "help" }, { label: "My profile", command: "profile" }] },
    );
  },
});

const KEYWORDS = new Set(["headline", "status", "until", "timezone", "matches", "nudges", "keep-in-touch"]);

/** `profile headline Staff engineer status searching`: each keyword takes the words up to the next keyword. */
function parseProfile(tokens: Token[]): Record<string, string | undefined> {
  const raw: Record<string, string | undefined> = {};
  let key: string | undefined;
  const values: string[] = [];
  const flush = () => {
    if (key) raw[key] = values.join(" ") || undefined;
    values.length = 0;
  };
  for (const token of tokens) {
    const word = token.value.toLowerCase();
    if (!token.quoted && KEYWORDS.has(word)) {
      flush();
      key = word;
    } else if (key) {
      values.push(token.value);
    } else {
      raw.__extra = [raw.__extra, token.value].filter(Boolean).join(" ");
    }
  }
  flush();
  return raw;
}

export const profile = defineCommand({
  name: "profile",
  summary: "Show or change your headline, status, pause date, timezone and match suggestions",
  usage: "profile [headline <text>] [status searching|employed|paused] [until <date>] [timezone <tz>] [matches on|off] [nudges on|off] [keep-in-touch <days>]",
  examples: ["profile", "profile headline Data engineer", "profile status paused until 2026-12-31", "profile timezone Europe/Berlin"],
  parseText: parseProfile,
  args: z.object({
    headline: arg.text({ max: 150, optional: true, label: "headline", description: "The role you are looking for" }),
    status: arg.choice(memberStatuses, { optional: true, label: "status", description: "searching, employed or paused" }),
    until: arg.word({ max: 20, optional: true, label: "until", description: "When a pause ends: a date (2026-12-31) or days (14)" }),
    timezone: arg.word({ max: 64, optional: true, label: "timezone", description: "Your IANA timezone, e.g. Europe/Berlin" }),
    matches: arg.choice(["on", "off"], { optional: true, label: "matches", description: "Weekly match suggestions on or off" }),
    nudges: arg.choice(["on", "off"], { optional: true, label: "nudges", description: "Goal prompts and check-ins on or off" }),
    "keep-in-touch": arg.int({ min: 7, max: 365, optional: true, label: "keep-in-touch", description: "Days before a quiet contact is listed in the check-in" }),
  }),
  async run(ctx, args) {
    const now = ctx.clock.now();
    if (Object.values(args).every((v) => v === undefined)) return profileReply(ctx, ctx.me, "Here's what the club sees about you.");
    if (args.timezone && !isValidTimezone(args.timezone)) {
      throw new UserError("PROFILE.TIMEZONE", `“${args.timezone}” is not a timezone I know. Use a name like Europe/Berlin or America/New_York.`);
    }
    const tz = args.timezone ?? timezoneOf(ctx, ctx.me);
    const patch: Parameters<typeof ctx.store.members.update>[1] = {};
    if (args.headline) patch.headline = args.headline;
    if (args.timezone) patch.timezone = args.timezone;
    if (args.matches) patch.matchOptIn = args.matches === "on";
    if (args.nudges) patch.nudges = args.nudges;
    if (args["keep-in-touch"]) patch.keepInTouchDays = args["keep-in-touch"];
    if (args.until && args.status && args.status !== "paused") {
      throw new UserError("PROFILE.UNTIL", "`until` goes with `status paused`: it says when the pause ends.");
    }
    if (args.status === "paused" || args.until) {
      const until = args.until ? parseUntil(args.until, now, tz) : undefined;
      if (args.until && (!until || until <= now)) throw new UserError("PROFILE.UNTIL", `“${args.until}” is not a future date. Use 2026-12-31 or a number of days.`);
      patch.status = "paused";
      patch.pausedUntil = until ?? null;
      if (ctx.me.status !== "paused") patch.statusBeforePause = ctx.me.status;
    } else if (args.status) {
      patch.status = args.status;
      patch.pausedUntil = null;
      patch.statusBeforePause = null;
    }
    const me = await ctx.store.members.update(ctx.me.id, patch, now);
    return profileReply(ctx, me, "Profile updated.");
  },
});

export const snooze = defineCommand({
  name: "snooze",
  summary: "Pause nudges and match suggestions for some days or until a date",
  usage: "snooze <days|date>",
  examples: ["snooze 14", "snooze 2w", "snooze 2026-12-31"],
  args: z.object({
    until: arg.word({ max: 20, label: "days or date", description: "Days (14, 2w) or a date (2026-12-31)" }),
  }),
  async run(ctx, { until }) {
    const now = ctx.clock.now();
    const tz = timezoneOf(ctx, ctx.me);
    const end = parseUntil(until, now, tz);
    if (!end || end <= now) throw new UserError("SNOOZE.DATE", `“${until}” is not a number of days or a future date.`, "snooze <days|date>");
    if (end.getTime() - now.getTime() > 366 * 86_400_000) throw new UserError("SNOOZE.DATE", "You can snooze for a year at most.", "snooze <days|date>");
    await ctx.store.members.update(
      ctx.me.id,
      { status: "paused", pausedUntil: end, statusBeforePause: ctx.me.status === "paused" ? ctx.me.statusBeforePause : ctx.me.status },
      now,
    );
    return successReply(`Snoozed until ${formatDay(end, tz)}: no nudges or match suggestions until then, and you won't be suggested as a helper. \`resume\` ends it early.`, {
      buttons: [{ label: "Resume now", command: "resume" }],
    });
  },
});

export const resume = defineCommand({
  name: "resume",
  summary: "End a pause or snooze now",
  usage: "resume",
  args: z.object({}),
  async run(ctx) {
    if (ctx.me.status !== "paused") return privateReply("You're not paused: nudges and matches are on.");
    await ctx.store.members.endPause(ctx.me, ctx.clock.now());
    return successReply("Welcome back! Nudges and match suggestions are on again.");
  },
});
