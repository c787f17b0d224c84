import type { ClubStore, IntroRow, MemberRow, WarmPath } from "../../db/store/club-store.js";
import type { CommandContext } from "../command.js";
import { UserError } from "../errors.js";
import type { Button, Reply } from "../types.js";
import { nameWithHeadline } from "./members.js";
import { memberRef } from "../mentions.js";

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
 * Who else could help a requester with a company: warm paths minus the requester, the helper who
 * just said no, and anyone who already declined them for it.
 */
export async function nextBestHelpers(store: ClubStore, now: Date, intro: IntroRow, limit = 3): Promise<WarmPath[]> {
  const exclude = new Set([intro.requesterId, intro.helperId, ...(await store.intros.turnedDown(intro.requesterId, intro.companyId))]);
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
