import { z } from "zod";
import { arg } from "../args.js";
import { defineCommand, type CommandContext } from "../command.js";
import { privateReply } from "../reply.js";
import { UserError } from "../errors.js";
import { isValidTimezone } from "../dates.js";
import { memberIdOfRef, parseChannelMention, parseMention } from "../mentions.js";
import { scheduledJobs, type ScheduledJob } from "../vocabulary.js";
import { requireOrganiser } from "../services/organisers.js";
import { buildDigest } from "../services/digest.js";
import { tokenize } from "../tokenize.js";
import { describeSchedule, parseSchedule, scheduleOf } from "../schedule-spec.js";
import type { ClubLinkRow } from "../../db/store/linking.js";
import { createClubCode, PLATFORM_NAMES, redeemClubCode, unlinkPlatform } from "../services/linking.js";

/** What clears the organiser list. */
const CLEAR_WORDS = new Set(["none", "nobody", "clear", "-", "off"]);

const SETTINGS = ["timezone", ...scheduledJobs, "digest-channel", "nudges", "organisers", "link", "unlink"] as const;
const JOB_LABELS: Record<ScheduledJob, string> = {
  "goals-prompt": "Monday goals prompt",
  "check-in": "Friday check-in",
  digest: "Weekly digest",
  matches: "Match suggestions",
  "follow-ups": "Intro follow-ups",
};

async function showConfig(ctx: CommandContext, heading: string) {
  const club = ctx.club;
  const organisers = await ctx.store.scheduling.organisers();
  const links = await ctx.store.links.links();
  const fields = [
    { label: "Timezone", value: club.timezone },
    ...scheduledJobs.map((job) => ({ label: JOB_LABELS[job], value: describeSchedule(scheduleOf(club.schedules, job)) })),
    { label: "Digest channel", value: digestChannels(ctx, links) },
    { label: "Nudges", value: club.nudgesEnabled ? "on" : "off" },
    { label: "Organisers", value: organisers.length ? organisers.map((o) => o.displayName).join(", ") : "workspace admins only" },
    ...(links.length > 1 ? [{ label: "Linked", value: `one club on ${links.map((l) => PLATFORM_NAMES[l.platform]).join(" and ")} (\`config unlink <platform>\` separates them)` }] : []),
  ];
  return privateReply(`${heading}\n${fields.map((f) => `${f.label}: ${f.value}`).join("\n")}`, { title: "Club configuration", fields });
}

/** The digest channel of each platform the club is on: a channel is written as its own platform shows it. */
function digestChannels(ctx: CommandContext, links: ClubLinkRow[]): string {
  const unset = "not set (`config digest-channel #channel`; Slack needs one)";
  const shown = (link: ClubLinkRow) => (link.digestChannelId ? (link.platform === ctx.platform ? `<#${link.digestChannelId}>` : `#${link.digestChannelId}`) : unset);
  if (links.length <= 1) return links[0] ? shown(links[0]) : unset;
  return links.map((link) => `${PLATFORM_NAMES[link.platform]}: ${shown(link)}`).join("; ");
}

export const config = defineCommand({
  name: "config",
  summary: "Show or change the club's timezone, schedules, digest channel, nudges and organisers (organisers)",
  usage: `config [timezone <tz> | ${scheduledJobs.join("|")} <day hh:mm|cron|off|on> | digest-channel <#channel|here> | nudges on|off | organisers @a @b|none | link [code] | unlink <slack|discord>]`,
  examples: [
    "config",
    "config timezone Europe/Berlin",
    "config digest mon 09:00",
    "config matches off",
    "config matches on",
    "config digest-channel #job-club",
    "config nudges off",
    "config organisers @ana @bob",
    "config organisers none",
    "config link",
    "config link K7PM-3QXR",
    "config unlink discord",
  ],
  changesSchedule: true,
  readOnlyWhen: ({ setting }) => setting === undefined,
  args: z.object({
    setting: arg.choice(SETTINGS, { optional: true, label: "setting", description: "What to change" }),
    value: arg.text({ max: 300, optional: true, label: "value", description: "The new value: Europe/Berlin, mon 09:00, off, on, here, @a @b, none, a link code, discord" }),
  }),
  async run(ctx, { setting, value }) {
    if (!setting) return showConfig(ctx, "Here is how the club is set up.");
    await requireOrganiser(ctx);
    // Linking answers on its own: a code to type elsewhere, or what the link or unlink did.
    if (setting === "link") return value ? redeemClubCode(ctx, value) : createClubCode(ctx);
    if (setting === "unlink") return unlinkPlatform(ctx, value);
    const now = ctx.clock.now();
    const s = ctx.store.scheduling;
    const need = () => {
      if (!value) throw new UserError("CONFIG.VALUE", `\`config ${setting}\` needs a value.`, config.usage);
      return value;
    };
    switch (setting) {
      case "timezone": {
        const tz = need();
        if (!isValidTimezone(tz)) throw new UserError("CONFIG.TIMEZONE", `“${tz}” is not a timezone I know. Use a name like Europe/Berlin.`);
        await s.updateSettings({ timezone: tz }, now);
        ctx.club.timezone = tz;
        break;
      }
      case "digest-channel": {
        const raw = need();
        const channel = raw.toLowerCase() === "here" ? ctx.channelId : parseChannelMention(raw);
        if (!channel) throw new UserError("CONFIG.CHANNEL", "Give the channel as a mention (#job-club) or `here`.", "config digest-channel <#channel|here>");
        await ctx.store.links.setDigestChannel(ctx.platform, channel);
        break;
      }
      case "nudges": {
        const on = need().toLowerCase();
        if (on !== "on" && on !== "off") throw new UserError("CONFIG.NUDGES", "Nudges are `on` or `off`.", "config nudges on|off");
        await s.updateSettings({ nudgesEnabled: on === "on" }, now);
        ctx.club.nudgesEnabled = on === "on";
        break;
      }
      case "organisers": {
        const ids: number[] = [];
        const list = need();
        // `config organisers none` leaves it to the workspace/server admins again.
        if (CLEAR_WORDS.has(list.trim().toLowerCase())) {
          await s.setOrganisers([], now);
          break;
        }
        for (const token of tokenize(list)) {
          const mention = parseMention(token.value);
          if (!mention) throw new UserError("CONFIG.ORGANISERS", `“${token.value}” is not a member mention. Name organisers as @a @b, or clear the list with \`config organisers none\`.`, "config organisers @a @b | none");
          const ref = memberIdOfRef(mention);
          const member = ref === undefined ? await ctx.store.members.findByPlatformUser(ctx.platform, mention) : await ctx.store.members.get(ref);
          if (!member) throw new UserError("CONFIG.ORGANISERS", `${token.value} hasn't used Warmpath in this club yet.`);
          ids.push(member.id);
        }
        await s.setOrganisers([...new Set(ids)], now);
        break;
      }
      default: {
        const typed = need();
        // `on` brings back a job that was turned off, on its default schedule; one that runs stays as it is.
        if (typed.trim().toLowerCase() === "on") {
          if (scheduleOf(ctx.club.schedules, setting) !== null) break;
          const { [setting]: _off, ...schedules } = ctx.club.schedules;
          await s.updateSettings({ schedules }, now);
          ctx.club.schedules = schedules;
          break;
        }
        const parsed = parseSchedule(typed);
        if (!parsed.ok) throw new UserError("CONFIG.SCHEDULE", parsed.error, `config ${setting} <day hh:mm|cron|off|on>`);
        const schedules = { ...ctx.club.schedules, [setting]: parsed.cron };
        await s.updateSettings({ schedules }, now);
        ctx.club.schedules = schedules;
      }
    }
    const shown = await showConfig(ctx, "Saved.");
    return { ...shown, tone: "success" };
  },
});

export const digestPreview = defineCommand({
  name: "digest preview",
  summary: "See this week's digest so far, privately (organisers)",
  usage: "digest preview",
  args: z.object({}),
  async run(ctx) {
    await requireOrganiser(ctx);
    const { about: _about, ...digest } = await buildDigest(ctx.store, ctx.club, ctx.clock.now());
    return { ...digest, visibility: "private" };
  },
});

