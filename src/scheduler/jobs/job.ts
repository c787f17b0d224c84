import type { ClubRow, ClubStore, MemberRow } from "../../db/store/club-store.js";
import type { DirectContent, OutboundMessage } from "../../core/outbound.js";
import type { Reply } from "../../core/types.js";
import type { FanoutRequest } from "../../db/store/fanouts.js";

/** What a scheduled job gets: one club, its store inside the run's transaction, and the time. */
export interface JobContext {
  club: ClubRow;
  store: ClubStore;
  /** The scheduled time this run stands for. */
  slot: Date;
  /** The injected clock's time now (a catch-up runs later than its slot). */
  now: Date;
  send(message: OutboundMessage): Promise<void>;
  /** Queues many at once: the prompts reach thousands of members. */
  sendMany(messages: OutboundMessage[]): Promise<void>;
  /** Queues one message per recipient as a single row, written out by the dispatcher after the run commits (see outbox_fanouts). */
  fanOut(request: FanoutRequest): Promise<void>;
}

/** A job: a plain async function of the club and the time; returns how many messages it queued. */
export type Job = (ctx: JobContext) => Promise<number>;

/** After this many ignored prompts in a row a member is asked once whether to continue. */
export const IGNORED_PROMPTS_LIMIT = 3;

const stillWanted: Reply = {
  title: "Still want these?",
  text: "I've sent you a few nudges lately without hearing back, so I'll stop unless you want them. No hard feelings either way!",
  visibility: "private",
  tone: "info",
  buttons: [
    { label: "Yes, keep them coming", command: "profile nudges on", style: "primary" },
    { label: "No thanks", command: "profile nudges off" },
  ],
};

/**
 * What a prompt job sends a member: the prompt itself, the one "still want these?" question (after
 * three ignored prompts in a row), or nothing (prompts off, or the question not answered yet).
 */
export function promptFate(member: Pick<MemberRow, "nudges" | "unansweredPrompts">): "prompt" | "ask" | "none" {
  if (member.nudges !== "on") return "none";
  return member.unansweredPrompts >= IGNORED_PROMPTS_LIMIT ? "ask" : "prompt";
}

/**
 * Sends a prompt to each member, respecting their answer history: after three ignored prompts in a
 * row a member gets one "still want these?" instead, and nothing more until they answer. Returns
 * how many messages were queued and who got the prompt itself.
 */
export async function sendPrompts<M extends Pick<MemberRow, "id" | "nudges" | "unansweredPrompts">>(
  ctx: JobContext,
  members: M[],
  build: (member: M) => DirectContent | undefined,
  key: string,
  /** Other members a member's message names (so forget-me finds it). */
  aboutOf: (member: M) => number[] = () => [],
): Promise<{ queued: number; prompted: number[] }> {
  const messages: OutboundMessage[] = [];
  const prompted: number[] = [];
  const asked: number[] = [];
  for (const member of members) {
    const fate = promptFate(member);
    if (fate === "none") continue;
    if (fate === "ask") {
      messages.push({ kind: "direct", to: member.id, reply: stillWanted, dedupeKey: `${key}:${member.id}:still-wanted` });
      asked.push(member.id);
      continue;
    }
    const content = build(member);
    if (!content) continue;
    messages.push({ kind: "direct", to: member.id, ...content, dedupeKey: `${key}:${member.id}`, about: aboutOf(member) });
    prompted.push(member.id);
  }
  await ctx.sendMany(messages);
  await ctx.store.scheduling.countPrompts(prompted);
  await ctx.store.scheduling.countPrompts(asked, "asked");
  return { queued: messages.length, prompted };
}

/** Rows grouped by member, so a fan-out to thousands reads each member's rows without rescanning all. */
export function byMember<T extends { memberId: number }>(rows: T[]): Map<number, T[]> {
  const grouped = new Map<number, T[]>();
  for (const row of rows) {
    const list = grouped.get(row.memberId);
    if (list) list.push(row);
    else grouped.set(row.memberId, [row]);
  }
  return grouped;
}
