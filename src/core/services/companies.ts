import type { CommandContext } from "../command.js";
import { UserError } from "../errors.js";
import { normalizeCompanyName } from "../company-name.js";

/** A company the club already knows, or a friendly error naming what was typed. */
export async function knownCompany(ctx: CommandContext, name: string) {
  const company = await ctx.store.companies.find(name);
  if (!company) {
    throw new UserError("COMPANY.UNKNOWN", `Nobody in this club has mentioned “${name}” yet. Check the spelling, or add it with \`target add ${name}\`.`);
  }
  return company;
}

/**
 * Splits "Acme Corp could you introduce me" at the longest known company name, for an intro typed
 * without a colon. Returns undefined when no known company starts the text.
 */
export async function splitAtKnownCompany(ctx: CommandContext, text: string): Promise<{ company: string; rest: string } | undefined> {
  const words = text.split(/\s+/);
  const known = new Set((await ctx.store.companies.allNames()).map((c) => c.normalizedName));
  if (known.has(normalizeCompanyName(text))) return undefined;
  for (let i = words.length - 1; i >= 1; i--) {
    const head = words.slice(0, i).join(" ");
    if (known.has(normalizeCompanyName(head))) return { company: head, rest: words.slice(i).join(" ") };
  }
  return undefined;
}
