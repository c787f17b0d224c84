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
import { directoryEntries, memberByMention, timezoneOf } from "../services/members.js";
import { endSentence } from "../services/intros.js";
import { checkPauseEnd, pausePatch } from "../services/pauses.js";
import { memberRef, parseMention } from "../mentions.js";
import { createMemberCode, LINKABLE_PLATFORMS, redeemMemberCode, unlinkAccount } from "../services/linking.js";

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

/** Another member's profile: what the club sees (name, headline, status, targets, network), no private settings. */
async function otherProfile(ctx: CommandContext, member: MemberRow) {
  const entry = (await directoryEntries(ctx, [member]))[0]!;
  const paths = await ctx.store.network.tiesOf(member.id);
  const buttons = paths.slice(0, 3).map((p) => ({ label: `Ask ${member.displayName} about ${p.company}`.slice(0, 75), command: `intro ${memberRef(member.id)} ${p.company}` }));
  return privateReply(`${member.displayName}'s profile, as the club sees it:\n${entry.fields.map((f) => `${f.label}: ${f.value}`).join("\n")}`, {
    title: `${member.displayName}'s profile`.slice(0, 100),
    fields: entry.fields,
    buttons: ctx.me.id === member.id ? [] : buttons.filter((b) => b.command.length <= 100),
  });
}

export const join = defineCommand({
  name: "join",
  summary: "Join the job club, optionally with the role you are looking for",
  usage: "join [headline]",
  examples: ["join Senior product designer"],
  args: z.object({
    headline: arg.text({ max: 150, optional: true, label: "headline", description: "The role you are looking for" }),
  }),
  async run(ctx, { headline }) {
    const me = headline ? await ctx.store.members.update(ctx.me.id, { headline }, ctx.clock.now()) : ctx.me;
    return successReply(
      `Welcome to the job club, ${me.displayName}! ${me.headline ? `You're looking for: ${endSentence(me.headline)}` : "Tell us what you're looking for with `profile headline <role>`."}\n` +
        "Next: set a goal for this week (`goal add <text>`), add companies you're aiming for (`target add <company>`), " +
        "and companies where you know people (`network add <company> works|worked|knows`). Then `who <company>` finds warm paths.",
      { title: "Welcome to Warmpath", buttons: [{ label: "Show commands", command: "help" }, { label: "My profile", command: "profile" }] },
    );
  },
});

const KEYWORDS = new Set(["headline", "status", "until", "timezone", "matches", "nudges", "keep-in-touch", "link", "unlink"]);

/** `profile link` alone asks for a code; Discord's `link` option takes this word for the same. */
const NEW_CODE = "new";

/** `profile headline Staff engineer status searching`: each keyword takes the words up to the next keyword. */
function parseProfile(typed: Token[]): Record<string, string | undefined> {
  const tokens = [...typed];
  const raw: Record<string, string | undefined> = {};
  let key: string | undefined;
  const values: string[] = [];
  const flush = () => {
    if (key) raw[key] = values.join(" ") || (key === "link" ? NEW_CODE : undefined);
    values.length = 0;
  };
  const [first] = tokens;
  if (first && !first.quoted && parseMention(first.value)) raw.member = tokens.shift()!.value;
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
  summary: "Show or change your profile and settings, or see a member's profile",
  usage:
    "profile [@member] [headline <text>] [status searching|employed|paused] [until <date>] [timezone <tz>] [matches on|off] [nudges on|off] [keep-in-touch <days>] | profile link [code] | profile unlink <slack|discord>",
  examples: ["profile", "profile @bob", "profile headline Data engineer", "profile status paused until next friday", "profile timezone Europe/Berlin", "profile link", "profile link K7PM-3QXR", "profile unlink discord"],
  parseText: parseProfile,
  readOnlyWhen: ({ member: _member, ...rest }) => Object.values(rest).every((v) => v === undefined),
  args: z.object({
    member: arg.mention({ optional: true, label: "member", description: "A member whose profile to see (default: yours)" }),
    headline: arg.text({ max: 150, optional: true, label: "headline", description: "The role you are looking for" }),
    status: arg.choice(memberStatuses, { optional: true, label: "status", description: "searching, employed or paused" }),
    until: arg.text({ max: 40, optional: true, label: "until", description: "When a pause ends: 2026-12-31, Dec 5, next friday, 14 (days)" }),
    timezone: arg.word({ max: 64, optional: true, label: "timezone", description: "Your IANA timezone, e.g. Europe/Berlin" }),
    matches: arg.choice(["on", "off"], { optional: true, label: "matches", description: "Weekly match suggestions on or off" }),
    nudges: arg.choice(["on", "off"], { optional: true, label: "nudges", description: "Goal prompts and check-ins on or off" }),
    "keep-in-touch": arg.int({ min: 7, max: 365, optional: true, label: "keep-in-touch", description: "Days before a quiet contact is listed in the check-in" }),
    link: arg.word({ max: 20, optional: true, label: "link", description: "Link your accounts: the code from your other platform, or new to get one" }),
    unlink: arg.choice(LINKABLE_PLATFORMS, { optional: true, label: "unlink", description: "Which platform's account to separate from your profile again" }),
  }),
  async run(ctx, { member: mention, link, unlink, ...args }) {
    const now = ctx.clock.now();
    const changes = Object.values(args).some((v) => v !== undefined);
    if (link !== undefined || unlink !== undefined) {
      if (mention || changes || (link !== undefined && unlink !== undefined)) {
        throw new UserError("PROFILE.LINK_ALONE", "`profile link` and `profile unlink` go on their own.", "profile link [code] | profile unlink <slack|discord>");
      }
      if (unlink) return unlinkAccount(ctx, unlink);
      return link!.toLowerCase() === NEW_CODE ? createMemberCode(ctx) : redeemMemberCode(ctx, link!);
    }
    if (mention) {
      const member = await memberByMention(ctx, mention);
      if (changes) {
        throw new UserError("PROFILE.OTHER", `\`profile @${member.displayName}\` only shows their profile. To change yours, leave out the @name.`, profile.usage);
      }
      return otherProfile(ctx, member);
    }
    if (!changes) {
      return profileReply(ctx, ctx.me, "Your profile. The club sees your name, headline, status, targets and network; the rest is yours alone.");
    }
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
      if (args.until) checkPauseEnd(args.until, until, now, "profile status paused until <date>");
      Object.assign(patch, pausePatch(ctx.me, until ?? null));
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
  examples: ["snooze 14", "snooze 2 weeks", "snooze Dec 5", "snooze until next friday", "snooze 2026-12-31"],
  args: z.object({
    until: arg.text({ max: 40, label: "days or date", description: "Days (14, 2 weeks) or a date (Dec 5, next friday, 2026-12-31)" }),
  }),
  async run(ctx, { until }) {
    const now = ctx.clock.now();
    const tz = timezoneOf(ctx, ctx.me);
    const end = parseUntil(until, now, tz);
    checkPauseEnd(until, end, now, "snooze <days|date>");
    await ctx.store.members.update(ctx.me.id, pausePatch(ctx.me, end), now);
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
