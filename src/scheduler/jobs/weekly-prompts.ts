import { isoWeek } from "../../core/dates.js";
import { plural } from "../../core/reply.js";
import type { Button } from "../../core/types.js";
import { byMember, sendPrompts, type Job } from "./job.js";

const WEEK = 7 * 86_400_000;

/** Monday: last week's goals with done/open, and a one-click way to set this week's. */
export const goalsPrompt: Job = async (ctx) => {
  if (!ctx.club.nudgesEnabled) return 0;
  const members = await ctx.store.scheduling.promptable(ctx.now);
  const tzOf = (m: { timezone: string | null }) => m.timezone ?? ctx.club.timezone;
  const lastWeekOf = (m: { timezone: string | null }) => isoWeek(new Date(ctx.slot.getTime() - WEEK), tzOf(m));
  const weeks = [...new Set(members.map(lastWeekOf))];
  const goals = byMember(await ctx.store.scheduling.goalsOfWeeks(members.map((m) => m.id), weeks));
  const { queued } = await sendPrompts(
    ctx,
    members,
    (member) => {
      const week = lastWeekOf(member);
      const mine = (goals.get(member.id) ?? []).filter((g) => g.isoWeek === week);
      const open = mine.filter((g) => !g.done);
      const summary = mine.length
        ? `Last week (${week}) you met ${mine.length - open.length} of ${plural(mine.length, "goal")}:\n${mine.map((g) => `${g.done ? "✅" : "⬜"} ${g.text}`).join("\n")}`
        : "You didn't set goals last week; a small one is a great start.";
      const buttons: Button[] = open.length ? [{ label: `Carry over ${plural(open.length, "open goal")}`.slice(0, 75), command: "goal carry", style: "primary" }] : [];
      buttons.push({ label: "This week's goals", command: "goal list" });
      return {
        reply: {
          title: "New week, new goals",
          text: `Good morning, ${member.displayName}! ${summary}\nWhat will you do this week? Set a goal with \`goal add <text>\`.`,
          visibility: "private",
          tone: "info",
          buttons,
        },
      };
    },
    `goals-prompt:${ctx.slot.toISOString()}`,
  );
  return queued;
};

/** Friday: this week's goals with a Done button each, a prompt to log activity, and contacts to keep warm. */
export const checkIn: Job = async (ctx) => {
  if (!ctx.club.nudgesEnabled) return 0;
  const members = await ctx.store.scheduling.promptable(ctx.now);
  const weekOf = (m: { timezone: string | null }) => isoWeek(ctx.slot, m.timezone ?? ctx.club.timezone);
  const ids = members.map((m) => m.id);
  const goals = byMember(await ctx.store.scheduling.goalsOfWeeks(ids, [...new Set(members.map(weekOf))]));
  const stale = byMember(await ctx.store.scheduling.staleTies(ids, ctx.now));
  const { queued } = await sendPrompts(
    ctx,
    members,
    (member) => {
      const mine = (goals.get(member.id) ?? []).filter((g) => g.isoWeek === weekOf(member));
      const quiet = (stale.get(member.id) ?? []).slice(0, 5);
      const lines = [
        mine.length ? `This week's goals:\n${mine.map((g, i) => `${i + 1}. ${g.done ? "✅" : "⬜"} ${g.text}`).join("\n")}` : "No goals this week. That's fine: next week is a fresh start.",
        "Did you talk to anyone? Log it: `log outreach|coffee|informational|application|interview [note]`.",
      ];
      if (quiet.length) {
        const days = (d: Date) => Math.floor((ctx.now.getTime() - d.getTime()) / 86_400_000);
        lines.push(`Keep in touch: no activity logged with these for a while:\n${quiet.map((t) => `• ${t.company} (${t.relation}), ${days(t.touchedAt)} days`).join("\n")}\nA quick hello keeps a warm path warm; log it with the company's name in the note.`);
      }
      const buttons: Button[] = mine
        .map((g, i) => ({ g, n: i + 1 }))
        .filter(({ g }) => !g.done)
        .slice(0, 5)
        .map(({ n }) => ({ label: `Done #${n}`, command: `goal done ${n} ${weekOf(member)}` }));
      return { reply: { title: "Friday check-in", text: `Happy Friday, ${member.displayName}!\n${lines.join("\n\n")}`, visibility: "private", tone: "info", buttons } };
    },
    `check-in:${ctx.slot.toISOString()}`,
  );
  return queued;
};
