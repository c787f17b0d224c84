import { z } from "zod";
import { arg } from "../args.js";
import { defineCommand } from "../command.js";
import { plural, privateReply, successReply } from "../reply.js";
import { UserError } from "../errors.js";
import { tieRelations } from "../vocabulary.js";
import { knownCompany } from "../services/companies.js";
import { OWN_RELATION_PHRASES, askButtons, describePaths, endSentence } from "../services/intros.js";

const company = () => arg.company();

export const networkAdd = defineCommand({
  name: "network add",
  summary: "Say you work, worked, or know someone at a company",
  usage: "network add <company> works|worked|knows",
  examples: ["network add Initech worked", "network add Acme Corp knows"],
  args: z.object({
    company: company(),
    relation: arg.choice(tieRelations, { position: "end", label: "relation", description: "works, worked or knows" }),
  }),
  async run(ctx, args) {
    const found = await ctx.store.companies.resolve(args.company, ctx.clock.now());
    const { created } = await ctx.store.network.upsertTie(ctx.me.id, found.id, args.relation, ctx.clock.now());
    return successReply(
      `${created ? "Added" : "Updated"}: ${endSentence(`you ${OWN_RELATION_PHRASES[args.relation]} ${found.name}`)} Club members targeting it can now find you with \`who ${found.name}\`.`,
    );
  },
});

export const networkList = defineCommand({
  name: "network list",
  createsMember: false,
  summary: "Companies where you have a warm path",
  usage: "network list",
  args: z.object({}),
  async run(ctx) {
    const ties = await ctx.store.network.tiesOf(ctx.me.id);
    if (ties.length === 0) return privateReply("Your network is empty. Add a company with `network add <company> works|worked|knows`.", { title: "Your network" });
    return privateReply(ties.map((t) => `• You ${OWN_RELATION_PHRASES[t.relation]} ${t.company}`).join("\n"), {
      title: `Your network (${ties.length})`,
      fields: ties.map((t) => ({ label: t.company, value: t.relation })),
    });
  },
});

export const networkRemove = defineCommand({
  name: "network remove",
  summary: "Remove a company from your network",
  usage: "network remove <company>",
  args: z.object({ company: company() }),
  async run(ctx, args) {
    const found = await knownCompany(ctx, args.company);
    if (!(await ctx.store.network.removeTie(ctx.me.id, found.id))) throw new UserError("NETWORK.NOT_FOUND", `${found.name} is not in your network.`);
    return successReply(`Removed ${found.name} from your network.`);
  },
});

export const who = defineCommand({
  name: "who",
  createsMember: false,
  summary: "Members with a warm path to a company, strongest tie first",
  usage: "who <company>",
  examples: ["who Acme"],
  args: z.object({ company: company() }),
  async run(ctx, args) {
    const found = await ctx.store.companies.find(args.company);
    const paths = found ? await ctx.store.network.warmPaths(found.id, { now: ctx.clock.now(), ...(ctx.member ? { excludeMemberId: ctx.member.id } : {}), limit: 20 }) : [];
    const name = found?.name ?? args.company;
    if (paths.length === 0) {
      return privateReply(`Nobody in the club has a warm path to ${name} yet. Add it to your targets and the weekly digest will ask around.`, {
        buttons: [{ label: `Target ${name}`.slice(0, 75), command: `target add ${name}` }].filter((b) => b.command.length <= 100),
      });
    }
    return privateReply(`${plural(paths.length, "warm path")} to ${name}:\n${describePaths(paths, name)}`, {
      title: `Who knows ${name}`,
      buttons: askButtons(paths, name),
    });
  },
});
