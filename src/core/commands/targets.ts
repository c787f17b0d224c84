import { z } from "zod";
import { arg } from "../args.js";
import { defineCommand } from "../command.js";
import { plural, privateReply, successReply } from "../reply.js";
import { UserError } from "../errors.js";
import { targetStages } from "../vocabulary.js";
import { knownCompany } from "../services/companies.js";

const company = () => arg.company();
const stageArg = <O extends boolean>(optional: O) =>
  arg.choice(targetStages, { optional, position: "end", label: "stage", description: "researching, contacting, applied, interviewing or offer" });

export const targetAdd = defineCommand({
  name: "target add",
  summary: "Add a company you want to work at, with your stage",
  usage: `target add <company> [${targetStages.join("|")}]`,
  examples: ["target add Acme Corp", "target add Globex applied"],
  args: z.object({ company: company(), stage: stageArg(true) }),
  async run(ctx, args) {
    const now = ctx.clock.now();
    const found = await ctx.store.companies.resolve(args.company, now);
    const { created, stage } = await ctx.store.plans.upsertTarget(ctx.me.id, found.id, args.stage, now);
    const paths = await ctx.store.network.warmPaths(found.id, { now: ctx.clock.now(), excludeMemberId: ctx.me.id, limit: 50 });
    const warm = paths.length
      ? `${plural(paths.length, "member")} of the club ${paths.length === 1 ? "has" : "have"} a warm path there.`
      : "Nobody in the club has a warm path there yet.";
    return successReply(`${created ? "Added" : "Updated"} ${found.name} (${stage}). ${warm}`, {
      buttons: paths.length ? [{ label: `Who knows ${found.name}?`.slice(0, 75), command: `who ${found.name}` }] : [],
    });
  },
});

export const targetList = defineCommand({
  name: "target list",
  createsMember: false,
  readOnly: true,
  summary: "Your target companies and stages",
  usage: "target list",
  args: z.object({}),
  async run(ctx) {
    const targets = await ctx.store.plans.targetsOf(ctx.me.id);
    if (targets.length === 0) return privateReply("No target companies yet. Add one with `target add <company>`.", { title: "Your targets" });
    const fields = targets.map((t) => ({ label: t.company, value: t.stage }));
    return privateReply(`${targets.map((t) => `• ${t.company}: ${t.stage}`).join("\n")}`, { title: `Your targets (${targets.length})`, fields });
  },
});

export const targetStage = defineCommand({
  name: "target stage",
  summary: "Move a target company to another stage",
  usage: `target stage <company> <${targetStages.join("|")}>`,
  examples: ["target stage Acme interviewing"],
  args: z.object({ company: company(), stage: stageArg(false) }),
  async run(ctx, args) {
    const found = await knownCompany(ctx, args.company);
    const moved = await ctx.store.plans.setTargetStage(ctx.me.id, found.id, args.stage, ctx.clock.now());
    if (!moved) throw new UserError("TARGET.NOT_FOUND", `${found.name} is not on your target list. Add it with \`target add ${found.name} ${args.stage}\`.`);
    const cheer = args.stage === "offer" ? " 🎉 Congratulations! Share it with `win <text>`." : args.stage === "interviewing" ? " Good luck!" : "";
    return successReply(`${found.name} is now at ${args.stage}.${cheer}`);
  },
});

export const targetRemove = defineCommand({
  name: "target remove",
  summary: "Take a company off your target list",
  usage: "target remove <company>",
  args: z.object({ company: company() }),
  async run(ctx, args) {
    const found = await knownCompany(ctx, args.company);
    if (!(await ctx.store.plans.removeTarget(ctx.me.id, found.id))) throw new UserError("TARGET.NOT_FOUND", `${found.name} is not on your target list.`);
    return successReply(`Removed ${found.name} from your targets.`);
  },
});
