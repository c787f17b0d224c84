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

/**
 * The company a free-text note talks about, among the given ones: any run of up to four words
 * that normalises to the company's key ("coffee with Ana from ACME Corp" names Acme).
 */
export function companyMentionedIn<T extends { normalizedName: string }>(note: string, companies: T[]): T | undefined {
  if (companies.length === 0) return undefined;
  const byKey = new Map(companies.map((c) => [c.normalizedName, c]));
  const words = note.split(/\s+/).filter(Boolean);
  for (let size = Math.min(4, words.length); size >= 1; size--) {
    for (let i = 0; i + size <= words.length; i++) {
      const found = byKey.get(normalizeCompanyName(words.slice(i, i + size).join(" ")));
      if (found) return found;
    }
  }
  return undefined;
}
