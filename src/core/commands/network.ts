import { z } from "zod";
import { arg } from "../args.js";
import { defineCommand } from "../command.js";
import { plural, privateReply, successReply } from "../reply.js";
import { UserError } from "../errors.js";
import { tieRelations } from "../vocabulary.js";
import { knownCompany } from "../services/companies.js";
import { OWN_RELATION_PHRASES, askButtons, describePaths, endSentence } from "../services/intros.js";
import { isPaused, nameWithHeadline } from "../services/members.js";
import { argFields, readTextArgs } from "../args.js";
import type { Token } from "../tokenize.js";

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
  readOnly: true,
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

const whoCompany = z.object({ company: company() });

/**
 * `who Acme` or `who targets Acme`: a leading unquoted "targets" (or "paths") picks the list; quote
 * a company of that name: `who "Targets"`.
 */
function parseWho(tokens: Token[]): Record<string, string | undefined> {
  const [first, ...rest] = tokens;
  if (first && !first.quoted && WHO_LISTS.includes(first.value.toLowerCase() as (typeof WHO_LISTS)[number])) {
    return { show: first.value, ...readTextArgs(argFields(whoCompany), rest) };
  }
  return readTextArgs(argFields(whoCompany), tokens);
}

const WHO_LISTS = ["paths", "targets"] as const;

export const who = defineCommand({
  name: "who",
  createsMember: false,
  readOnly: true,
  summary: "Who has a warm path to a company (strongest first), or who else targets it",
  usage: "who [targets] <company>",
  examples: ["who Acme", "who targets Acme"],
  parseText: parseWho,
  args: whoCompany.extend({
    show: arg.choice(WHO_LISTS, { optional: true, label: "show", description: "paths: who knows someone there (default); targets: who else aims for it" }),
  }),
  async run(ctx, args) {
    const found = await ctx.store.companies.find(args.company);
    const name = found?.name ?? args.company;
    const me = ctx.member;
    // Sequential: a transaction's queries share one connection.
    const ownTie = found && me ? await ctx.store.network.tieOf(me.id, found.id) : undefined;
    const ownTarget = found && me ? await ctx.store.plans.targetOf(me.id, found.id) : undefined;
    // Someone with a tie there is a path, not a seeker; someone already aiming for it needs no second offer.
    const targetButton = ownTarget || ownTie ? [] : [{ label: `Target ${name}`.slice(0, 75), command: `target add ${name}` }].filter((b) => b.command.length <= 100);
    const yours = ownTarget ? ` It's on your targets (${ownTarget.stage}).` : "";
    const mine = ownTie ? endSentence(`You ${OWN_RELATION_PHRASES[ownTie.relation]} ${name} yourself`) : "";

    if (args.show === "targets") {
      const others = found ? (await ctx.store.plans.targetersOf(found.id, 1000)).filter((t) => t.memberId !== me?.id) : [];
      if (others.length === 0) {
        const invite = ownTarget || ownTie ? "" : " Add it to your targets and whoever adds it next can team up with you.";
        return privateReply(`Nobody else in the club targets ${name} yet.${yours}${invite}`, { buttons: targetButton });
      }
      const shown = others.slice(0, 25);
      const now = ctx.clock.now();
      const lines = shown.map((t, i) => `${i + 1}. ${nameWithHeadline(t)}: ${t.stage}${isPaused(t, now) ? " (taking a break)" : ""}`);
      const more = others.length > shown.length ? `\n+${others.length - shown.length} more.` : "";
      return privateReply(
        `${plural(others.length, "other member")} ${others.length === 1 ? "targets" : "target"} ${name}:\n${lines.join("\n")}${more}\n` +
          `Team up: compare notes, share what you hear and split the outreach.${yours}`,
        { title: `Who targets ${name}`.slice(0, 100), buttons: [...targetButton, { label: `Who knows ${name}?`.slice(0, 75), command: `who ${name}` }].filter((b) => b.command.length <= 100) },
      );
    }

    const paths = found ? await ctx.store.network.warmPaths(found.id, { now: ctx.clock.now(), ...(me ? { excludeMemberId: me.id } : {}), limit: 20 }) : [];
    if (paths.length === 0) {
      const text = ownTie
        ? `${mine} Nobody else in the club has a warm path there yet.${yours}`
        : `Nobody in the club has a warm path to ${name} yet.${ownTarget ? `${yours} The weekly digest asks around for it.` : " Add it to your targets and the weekly digest will ask around."}`;
      return privateReply(text, { buttons: targetButton });
    }
    return privateReply(`${mine ? `${mine}\n` : ""}${plural(paths.length, "warm path")} to ${name}:\n${describePaths(paths, name)}`, {
      title: `Who knows ${name}`,
      buttons: askButtons(paths, name),
    });
  },
});
