import type { ClubStore, IntroRow, MemberRow, WarmPath } from "../../db/store/club-store.js";
import type { CommandContext } from "../command.js";
import { UserError } from "../errors.js";
import type { Button, Reply } from "../types.js";
import { nameWithHeadline } from "./members.js";
import { memberRef } from "../mentions.js";
import { normalizeCompanyName } from "../company-name.js";
import { INTRO_OUTCOME_RANK, type IntroOutcome } from "../vocabulary.js";

const DAY = 86_400_000;

/**
 * After a decline, the same requester doesn't ask the same helper about the same company again for
 * this long: asks stay welcome. Said in the refusal, with the date it ends.
 */
export const DECLINE_WINDOW_WEEKS = 12;
export const DECLINE_WINDOW_MS = DECLINE_WINDOW_WEEKS * 7 * DAY;

/** How long ago, as people say it: "today", "yesterday", "10 days ago", "a week ago", "5 weeks ago". */
export function ago(then: Date, now: Date): string {
  const days = Math.floor((now.getTime() - then.getTime()) / DAY);
  if (days < 1) return "today";
  if (days === 1) return "yesterday";
  if (days === 7) return "a week ago";
  if (days < 14) return `${days} days ago`;
  if (days < 60) return `${Math.floor(days / 7)} weeks ago`;
  if (days < 365) return `${Math.floor(days / 30)} months ago`;
  return "over a year ago";
}

/** "a week ago" → "A week ago", to start a sentence. */
export function capitalise(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/**
 * One member's report after another: it only moves forward (not-yet < met/no-show < hired). A
 * report of the same rank replaces the earlier one (met corrects no-show and back).
 */
export function laterReport(previous: IntroOutcome | null, next: IntroOutcome): IntroOutcome {
  return previous && INTRO_OUTCOME_RANK[next] < INTRO_OUTCOME_RANK[previous] ? previous : next;
}

/**
 * The intro's outcome after a report: the furthest anyone has reported, never going back. When one
 * says they met and the other says no-show, the meeting counts.
 */
export function furthestOutcome(current: IntroOutcome | null, report: IntroOutcome): IntroOutcome {
  if (!current) return report;
  const [a, b] = [INTRO_OUTCOME_RANK[current], INTRO_OUTCOME_RANK[report]];
  if (b > a) return report;
  if (b < a) return current;
  return current === "met" || report === "met" ? "met" : report;
}

/** Edit distance between two keys: how many letters to change, add or drop. */
function editDistance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let previous = row[0]!;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const current = row[j]!;
      row[j] = Math.min(row[j]! + 1, row[j - 1]! + 1, previous + (a[i - 1] === b[j - 1] ? 0 : 1));
      previous = current;
    }
  }
  return row[b.length]!;
}

/**
 * The club's companies a name not known to it probably meant, closest first, compared by their
 * normalised keys: one key inside the other ("Monzo Bank" and "Monzo"), or a typo or two away
 * ("Globx" and "Globex").
 */
export function similarCompanies<T extends { name: string; normalizedName: string }>(typed: string, known: readonly T[], max = 2): T[] {
  const key = normalizeCompanyName(typed);
  if (!key) return [];
  const scored: Array<{ company: T; score: number }> = [];
  for (const company of known) {
    const other = company.normalizedName;
    if (!other || other === key) continue;
    const [shorter, longer] = key.length <= other.length ? [key, other] : [other, key];
    if (shorter.length >= 3 && longer.includes(shorter)) {
      scored.push({ company, score: longer.length - shorter.length });
      continue;
    }
    const length = Math.min(key.length, other.length);
    const allowed = length <= 2 ? 0 : length <= 4 ? 1 : length <= 8 ? 2 : 3;
    const distance = editDistance(key, other);
    if (distance <= allowed) scored.push({ company, score: distance });
  }
  return scored
    .sort((a, b) => a.score - b.score || a.company.name.localeCompare(b.company.name))
    .slice(0, max)
    .map((s) => s.company);
}

export const RELATION_PHRASES = { works: "works at", worked: "used to work at", knows: "knows someone at" } as const;
/** The same, said to the member themselves. */
export const OWN_RELATION_PHRASES = { works: "work at", worked: "used to work at", knows: "know someone at" } as const;

/** Ends a sentence without doubling a full stop that a name like "ACME, Inc." already has. */
export function endSentence(text: string): string {
  return /[.!?]$/.test(text) ? text : `${text}.`;
}

/** Buttons to ask the best paths to a company, as many as fit a button's command line. */
export function askButtons(paths: Array<Pick<WarmPath, "memberId" | "displayName">>, company: string, max = 3): Button[] {
  return paths
    .slice(0, max)
    .map((path) => ({ label: `Ask ${path.displayName}`.slice(0, 75), command: `intro ${memberRef(path.memberId)} ${company}` }))
    .filter((button) => button.command.length <= 100);
}

export function describePaths(paths: WarmPath[], company: string): string {
  return paths.map((p, i) => `${i + 1}. ${nameWithHeadline(p)} ${RELATION_PHRASES[p.relation]} ${company}`).join("\n");
}

/** The rest of a "not this time" message: the other warm paths, or that the digest will ask around. */
export function otherPathsText(next: WarmPath[], company: string): string {
  return next.length
    ? `\nOther warm paths to ${company}:\n${describePaths(next, company)}`
    : `\nNobody else in the club has a warm path to ${company} yet; the weekly digest will ask around.`;
}

/**
 * Who else could help a requester with a company: warm paths minus the requester, the helper this
 * is about, anyone who already declined them for it or let it expire, and anyone already helping
 * them with it (an open or accepted intro).
 */
export async function nextBestHelpers(
  store: ClubStore,
  now: Date,
  intro: Pick<IntroRow, "requesterId" | "helperId" | "companyId">,
  limit = 3,
): Promise<WarmPath[]> {
  // One after another: inside a transaction they share one connection.
  const turnedDown = await store.intros.turnedDown(intro.requesterId, intro.companyId);
  const helping = await store.intros.helpingWith(intro.requesterId, intro.companyId);
  const exclude = new Set([intro.requesterId, intro.helperId, ...turnedDown, ...helping]);
  const paths = await store.network.warmPaths(intro.companyId, { now, limit: limit + exclude.size });
  return paths.filter((p) => !exclude.has(p.memberId)).slice(0, limit);
}

/** Loads an intro of this club for a state change, or explains why not. */
export async function lockIntro(ctx: CommandContext, number: number): Promise<IntroRow> {
  const intro = await ctx.store.intros.lockByNumber(number);
  if (!intro) throw new UserError("INTRO.NOT_FOUND", `There is no intro #${number} in this club. \`intro list\` shows yours.`);
  return intro;
}

export async function introParties(ctx: CommandContext, intro: IntroRow): Promise<{ requester: MemberRow; helper: MemberRow }> {
  // Sequential: a transaction's queries share one connection.
  const requester = await ctx.store.members.get(intro.requesterId);
  const helper = await ctx.store.members.get(intro.helperId);
  return { requester: requester!, helper: helper! };
}

export function helperRequestMessage(intro: IntroRow, requester: MemberRow, company: string): Reply {
  const ask = intro.ask ? `\nTheir ask: “${intro.ask}”` : "";
  return {
    title: `Intro request #${intro.number}: ${company}`,
    text:
      `${nameWithHeadline(requester)} would like your help with ${company} (${intro.kind}).${ask}\n` +
      `Accept and I'll open a conversation with you both; decline and I'll let them know kindly. ` +
      `You can also type \`intro accept ${intro.number}\` or \`intro decline ${intro.number} [reason]\`.`,
    visibility: "private",
    tone: "info",
    fields: [
      { label: "From", value: nameWithHeadline(requester) },
      { label: "Company", value: company },
      { label: "Kind of help", value: intro.kind },
      ...(intro.ask ? [{ label: "Ask", value: intro.ask }] : []),
    ],
    buttons: [
      { label: "Accept", command: `intro accept ${intro.number}`, style: "primary" },
      { label: "Decline", command: `intro decline ${intro.number}`, style: "danger" },
    ],
  };
}

export function roomMessage(intro: IntroRow, requester: MemberRow, helper: MemberRow, company: string, relation: string | undefined): Reply {
  const seeking = requester.headline ? ` is looking for a ${requester.headline} role and` : "";
  const ask = intro.ask ? `\nThe ask: “${intro.ask}”` : "";
  const how = relation ? ` ${endSentence(`${helper.displayName} ${relation} ${company}`)}` : "";
  return {
    title: `Introduction #${intro.number}: ${company}`,
    text:
      `👋 ${helper.displayName}, meet ${requester.displayName}. ${requester.displayName}${seeking} would love your help with ${company} (${intro.kind}).${how}${ask}\n` +
      `Over to you both! When you've talked, either of you can record it with \`intro outcome ${intro.number} met\`.`,
    visibility: "private",
    tone: "success",
  };
}

/** A company name as a command line can carry it back: quoted when it holds a colon (`intro`'s separator). */
export function companyInLine(name: string): string {
  return name.includes(":") && !name.includes('"') ? `"${name}"` : name;
}

/** The `intro` line that makes a request, for buttons that send (or confirm) one. */
export function requestLine(helperId: number, request: { kind?: string | undefined; company: string; ask?: string | undefined; confirm?: boolean }): string {
  const kind = request.kind ? `${request.kind} ` : "";
  const ask = request.ask ? `: ${request.ask}` : "";
  return `intro ${memberRef(helperId)} ${kind}${companyInLine(request.company)}${ask}${request.confirm ? " confirm" : ""}`;
}

/** The message to a helper whose introduction led to a hire. */
export function hireNoteForHelper(intro: IntroRow, requester: MemberRow, company: string): Reply {
  return {
    title: `🎉 Your introduction led to a hire`,
    text:
      `${requester.displayName} was hired at ${endSentence(company)} It started with your introduction (#${intro.number}). ` +
      `Thank you: this is exactly what the club is for.`,
    visibility: "private",
    tone: "success",
  };
}

/**
 * Congratulations to the member who was hired, with a button each for what usually comes next:
 * marking themselves employed, and staying on as the club's insider at their new company.
 */
export function hireOffersForRequester(company: string, options: { employed: boolean; insider: boolean }): { text: string; buttons: Button[] } {
  const offers: string[] = [];
  const buttons: Button[] = [];
  if (!options.employed) {
    offers.push("mark yourself employed (the search prompts stop)");
    buttons.push({ label: "I'm employed now", command: "profile status employed", style: "primary" });
  }
  if (!options.insider) {
    offers.push(`stay on as the club's insider at ${company}, so members targeting it can ask you`);
    const quoted = company.includes('"') ? company : `"${company}"`;
    buttons.push({ label: `I work at ${company} now`.slice(0, 75), command: `network add ${quoted} works` });
  }
  const text = offers.length ? `\nWhen you're ready: ${offers.join(", and ")}.` : "";
  return { text, buttons: buttons.filter((b) => b.command.length <= 100) };
}

/** A decline's reason, quoted as a sentence of its own: “Busy this month.” */
export function quotedReason(reason: string | null | undefined): string {
  return reason ? ` They said: “${endSentence(reason.trim())}”` : "";
}
