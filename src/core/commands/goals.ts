import { z } from "zod";
import { arg } from "../args.js";
import { defineCommand, type CommandContext } from "../command.js";
import { plural, privateReply, successReply } from "../reply.js";
import { UserError } from "../errors.js";
import { isoWeek } from "../dates.js";
import { timezoneOf } from "../services/members.js";
import type { Button } from "../types.js";

const MAX_GOALS_PER_WEEK = 20;

function thisWeek(ctx: CommandContext): string {
  return isoWeek(ctx.clock.now(), timezoneOf(ctx, ctx.me));
}

export const goalAdd = defineCommand({
  name: "goal add",
  summary: "Set a goal for this week",
  usage: "goal add <text>",
  examples: ["goal add Reach out to 3 people at fintechs"],
  args: z.object({ text: arg.text({ max: 500, label: "goal", description: "What you want to get done this week" }) }),
  async run(ctx, { text }) {
    const week = thisWeek(ctx);
    // Two adds at once must not both see 19 goals: the member's lock makes the count and insert atomic.
    await ctx.store.members.lock(ctx.me.id);
    const existing = await ctx.store.plans.goalsOfWeek(ctx.me.id, week);
    if (existing.length >= MAX_GOALS_PER_WEEK) throw new UserError("GOAL.TOO_MANY", `You already have ${MAX_GOALS_PER_WEEK} goals this week. Finish some first!`);
    await ctx.store.plans.addGoal(ctx.me.id, text, week, ctx.clock.now());
    return successReply(`Goal ${existing.length + 1} for ${week} set: ${text}`, { buttons: [{ label: "My goals", command: "goal list" }] });
  },
});

export const goalList = defineCommand({
  name: "goal list",
  createsMember: false,
  summary: "Your goals this week",
  usage: "goal list",
  args: z.object({}),
  async run(ctx) {
    const week = thisWeek(ctx);
    const goals = await ctx.store.plans.goalsOfWeek(ctx.me.id, week);
    if (goals.length === 0) return privateReply(`No goals for ${week} yet. Set one with \`goal add <text>\`.`, { title: `Goals for ${week}` });
    const lines = goals.map((g, i) => `${i + 1}. ${g.done ? "✅" : "⬜"} ${g.text}`);
    const done = goals.filter((g) => g.done).length;
    const buttons: Button[] = goals
      .map((g, i) => ({ g, n: i + 1 }))
      .filter(({ g }) => !g.done)
      .slice(0, 5)
      .map(({ n }) => ({ label: `Done #${n}`, command: `goal done ${n} ${week}` }));
    return privateReply(`${lines.join("\n")}\n${done} of ${plural(goals.length, "goal")} done.`, { title: `Goals for ${week}`, buttons });
  },
});

export const goalCarry = defineCommand({
  name: "goal carry",
  summary: "Carry last week's open goals over to this week",
  usage: "goal carry",
  args: z.object({}),
  async run(ctx) {
    const now = ctx.clock.now();
    const tz = timezoneOf(ctx, ctx.me);
    const week = isoWeek(now, tz);
    const lastWeek = isoWeek(new Date(now.getTime() - 7 * 86_400_000), tz);
    await ctx.store.members.lock(ctx.me.id);
    const open = (await ctx.store.plans.goalsOfWeek(ctx.me.id, lastWeek)).filter((g) => !g.done);
    const current = new Set((await ctx.store.plans.goalsOfWeek(ctx.me.id, week)).map((g) => g.text));
    const carried = open.filter((g) => !current.has(g.text)).slice(0, MAX_GOALS_PER_WEEK - current.size);
    for (const goal of carried) await ctx.store.plans.addGoal(ctx.me.id, goal.text, week, now);
    if (carried.length === 0) return privateReply(`Nothing to carry over from ${lastWeek}. Set a new goal with \`goal add <text>\`.`);
    return successReply(`Carried ${plural(carried.length, "goal")} over to ${week}:\n${carried.map((g) => `• ${g.text}`).join("\n")}`, {
      buttons: [{ label: "My goals", command: "goal list" }],
    });
  },
});

export const goalDone = defineCommand({
  name: "goal done",
  summary: "Mark this week's goal number n as done",
  usage: "goal done <n> [week]",
  examples: ["goal done 2", "goal done 1 2026-W47"],
  args: z.object({
    n: arg.int({ min: 1, max: MAX_GOALS_PER_WEEK, label: "goal number", description: "The goal's number in `goal list`" }),
    // Buttons name their week, so a Friday "Done #2" clicked on Monday still means Friday's goal 2.
    week: arg.word({ max: 8, optional: true, label: "week", description: "The ISO week, e.g. 2026-W47 (default: this week)" }),
  }),
  async run(ctx, { n, week: givenWeek }) {
    if (givenWeek !== undefined && !/^\d{4}-W\d{2}$/i.test(givenWeek)) throw new UserError("GOAL.WEEK", `“${givenWeek}” is not an ISO week like 2026-W47.`, "goal done <n> [week]");
    const week = givenWeek?.toUpperCase() ?? thisWeek(ctx);
    const goals = await ctx.store.plans.goalsOfWeek(ctx.me.id, week);
    const goal = goals[n - 1];
    if (!goal) {
      throw new UserError("GOAL.NOT_FOUND", goals.length ? `You have ${plural(goals.length, "goal")} this week; there is no goal ${n}. \`goal list\` shows them.` : "You have no goals this week yet.");
    }
    if (goal.done) return privateReply(`Goal ${n} was already done: ${goal.text}`);
    await ctx.store.plans.markGoalDone(goal.id, ctx.clock.now());
    const left = goals.filter((g) => !g.done).length - 1;
    return successReply(`✅ Done: ${goal.text}${left === 0 ? "\nThat's every goal this week. Brilliant!" : `\n${plural(left, "goal")} to go.`}`);
  },
});
