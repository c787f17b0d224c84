import { z } from "zod";
import { arg } from "../args.js";
import { defineCommand, type CommandContext } from "../command.js";
import { plural, privateReply, successReply } from "../reply.js";
import { UserError } from "../errors.js";
import { isoWeek, isoWeekShifted, parseWeek } from "../dates.js";
import { timezoneOf } from "../services/members.js";
import { endSentence } from "../services/intros.js";
import type { Token } from "../tokenize.js";
import type { Button } from "../types.js";
import type { GoalRow } from "../../db/store/plans.js";

const MAX_GOALS_PER_WEEK = 20;

function thisWeek(ctx: CommandContext): string {
  return isoWeek(ctx.clock.now(), timezoneOf(ctx, ctx.me));
}

const goalNumber = () => arg.int({ min: 1, max: MAX_GOALS_PER_WEEK, label: "goal number", description: "The goal's number in `goal list`" });
// Buttons name their week, so a Friday "Done #2" clicked on Monday still means Friday's goal 2.
const weekArg = () => arg.word({ max: 12, optional: true, label: "week", description: "An ISO week like 2026-W47, or last (default: this week)" });

/** The week a goal command is about: the one given (ISO, `last`, `this`), else this week. */
function chosenWeek(ctx: CommandContext, given: string | undefined, usage: string): { week: string; current: boolean } {
  const current = thisWeek(ctx);
  if (given === undefined) return { week: current, current: true };
  const week = parseWeek(given, ctx.clock.now(), timezoneOf(ctx, ctx.me));
  if (!week) throw new UserError("GOAL.WEEK", `“${given}” is not a week I can read: use an ISO week like ${current}, or \`last\`.`, usage);
  return { week, current: week === current };
}

/** "this week" or "in 2026-W47": goals of another week are never called this week's. */
const inWeek = (w: { week: string; current: boolean }) => (w.current ? "this week" : `in ${w.week}`);

/** The goal numbered n in a week's list, or a clear refusal that says which week. */
async function goalAt(ctx: CommandContext, n: number, w: { week: string; current: boolean }): Promise<{ goal: GoalRow; goals: GoalRow[] }> {
  const goals = await ctx.store.plans.goalsOfWeek(ctx.me.id, w.week);
  const goal = goals[n - 1];
  if (!goal) {
    const list = w.current ? "`goal list`" : `\`goal list ${w.week}\``;
    throw new UserError(
      "GOAL.NOT_FOUND",
      goals.length ? `You have ${plural(goals.length, "goal")} ${inWeek(w)}; there is no goal ${n}. ${list} shows them.` : `You have no goals ${inWeek(w)}.`,
    );
  }
  return { goal, goals };
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
  readOnly: true,
  readsWeekGoals: true,
  summary: "Your goals this week, or another week's",
  usage: "goal list [week]",
  examples: ["goal list", "goal list last", "goal list 2026-W47"],
  args: z.object({ week: weekArg() }),
  async run(ctx, args) {
    const w = chosenWeek(ctx, args.week, "goal list [week]");
    const { week } = w;
    const goals = await ctx.store.plans.goalsOfWeek(ctx.me.id, week);
    if (goals.length === 0) {
      return privateReply(w.current ? `No goals for ${week} yet. Set one with \`goal add <text>\`.` : `You had no goals in ${week}.`, { title: `Goals for ${week}` });
    }
    const lines = goals.map((g, i) => `${i + 1}. ${g.done ? "✅" : "⬜"} ${g.text}`);
    const done = goals.filter((g) => g.done).length;
    const buttons: Button[] = goals
      .map((g, i) => ({ g, n: i + 1 }))
      .filter(({ g }) => !g.done)
      .slice(0, 5)
      .map(({ n }) => ({ label: `Done #${n}`, command: `goal done ${n} ${week}` }));
    const hint = w.current ? "\n`goal edit <n> <text>`, `goal remove <n>` and `goal undo <n>` fix a goal." : "";
    return privateReply(`${lines.join("\n")}\n${done} of ${plural(goals.length, "goal")} done.${hint}`, { title: `Goals for ${week}`, buttons });
  },
});

export const goalDone = defineCommand({
  name: "goal done",
  summary: "Mark goal number n as done (this week's unless you name the week)",
  usage: "goal done <n> [week]",
  examples: ["goal done 2", "goal done 1 2026-W47", "goal done 3 last"],
  args: z.object({ n: goalNumber(), week: weekArg() }),
  async run(ctx, { n, week: given }) {
    const w = chosenWeek(ctx, given, "goal done <n> [week]");
    const { goal, goals } = await goalAt(ctx, n, w);
    const alreadyDone = () => privateReply(`Goal ${n} ${inWeek(w)} was already done: ${goal.text}`);
    if (goal.done || !(await ctx.store.plans.setGoalDone(goal.id, true, ctx.clock.now()))) return alreadyDone();
    const left = goals.filter((g) => !g.done).length - 1;
    const cheer = left === 0 ? `\nThat's every goal ${w.current ? "this week" : `for ${w.week}`}. Brilliant!` : `\n${plural(left, "goal")} to go${w.current ? "" : ` in ${w.week}`}.`;
    return successReply(`✅ Done: ${goal.text}${cheer}`);
  },
});

export const goalUndo = defineCommand({
  name: "goal undo",
  summary: "Mark a done goal as not done again",
  usage: "goal undo <n> [week]",
  examples: ["goal undo 2", "goal undo 1 last"],
  args: z.object({ n: goalNumber(), week: weekArg() }),
  async run(ctx, { n, week: given }) {
    const w = chosenWeek(ctx, given, "goal undo <n> [week]");
    const { goal } = await goalAt(ctx, n, w);
    const notDone = () => privateReply(`Goal ${n} ${inWeek(w)} isn't marked done: ${goal.text}`);
    if (!goal.done || !(await ctx.store.plans.setGoalDone(goal.id, false, ctx.clock.now()))) return notDone();
    return successReply(`⬜ Goal ${n} ${inWeek(w)} is open again: ${goal.text}`, { buttons: [{ label: "My goals", command: w.current ? "goal list" : `goal list ${w.week}` }] });
  },
});

/** `goal edit 2 New text`, or `goal edit 2 2026-W47 New text`: a week only in ISO form, so text may start with any word. */
function parseGoalEdit(tokens: Token[]): Record<string, string | undefined> {
  const [n, ...words] = tokens;
  const raw: Record<string, string | undefined> = { n: n?.value };
  const first = words[0];
  if (first && !first.quoted && /^\d{4}-w\d{1,2}$/i.test(first.value)) raw.week = words.shift()!.value;
  raw.text = words.map((t) => t.value).join(" ") || undefined;
  return raw;
}

export const goalEdit = defineCommand({
  name: "goal edit",
  summary: "Reword goal number n",
  usage: "goal edit <n> [week] <text>",
  examples: ["goal edit 2 Reach out to 5 people at fintechs"],
  parseText: parseGoalEdit,
  args: z.object({
    n: goalNumber(),
    text: arg.text({ max: 500, label: "goal", description: "The goal's new wording" }),
    week: arg.word({ max: 8, optional: true, label: "week", description: "An ISO week like 2026-W47 (default: this week)" }),
  }),
  async run(ctx, { n, text, week: given }) {
    const w = chosenWeek(ctx, given, "goal edit <n> [week] <text>");
    const { goal } = await goalAt(ctx, n, w);
    if (goal.text === text) return privateReply(`Goal ${n} ${inWeek(w)} already says that: ${text}`);
    await ctx.store.plans.setGoalText(goal.id, text);
    return successReply(`Goal ${n} ${inWeek(w)} now reads: ${text}\n(It was: ${goal.text})`, { buttons: [{ label: "My goals", command: w.current ? "goal list" : `goal list ${w.week}` }] });
  },
});

export const goalRemove = defineCommand({
  name: "goal remove",
  summary: "Delete goal number n",
  usage: "goal remove <n> [week]",
  examples: ["goal remove 3"],
  args: z.object({ n: goalNumber(), week: weekArg() }),
  async run(ctx, { n, week: given }) {
    const w = chosenWeek(ctx, given, "goal remove <n> [week]");
    const { goal, goals } = await goalAt(ctx, n, w);
    await ctx.store.plans.removeGoal(goal.id);
    const renumbered = n < goals.length ? " The goals after it moved up one number." : "";
    return successReply(`Removed goal ${n} ${inWeek(w)}: ${endSentence(goal.text)}${renumbered}`, {
      buttons: [{ label: "My goals", command: w.current ? "goal list" : `goal list ${w.week}` }],
    });
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
    const lastWeek = isoWeekShifted(now, tz, -1);
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
