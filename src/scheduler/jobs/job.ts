import type { ClubRow, ClubStore, MemberRow } from "../../db/store/club-store.js";
import type { OutboundMessage } from "../../core/outbound.js";
import type { Reply } from "../../core/types.js";

/** What a scheduled job gets: one club, its store inside the run's transaction, and the time. */
export interface JobContext {
  club: ClubRow;
  store: ClubStore;
  /** The scheduled time this run stands for. */
  slot: Date;
  /** The injected clock's time now (a catch-up runs later than its slot). */
  now: Date;
  send(message: OutboundMessage): Promise<void>;
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
 * Sends a prompt to each member, respecting their answer history: after three ignored prompts in a
 * row a member gets one "still want these?" instead, and nothing more until they answer.
 */
export async function sendPrompts(ctx: JobContext, members: MemberRow[], build: (member: MemberRow) => Reply | undefined, key: string): Promise<number> {
  let sent = 0;
  const prompted: number[] = [];
  const asked: number[] = [];
  for (const member of members) {
    if (member.nudges !== "on") continue;
    if (member.unansweredPrompts >= IGNORED_PROMPTS_LIMIT) {
      await ctx.send({ kind: "direct", to: member.id, reply: stillWanted, dedupeKey: `${key}:${member.id}:still-wanted` });
      asked.push(member.id);
      sent++;
      continue;
    }
    const reply = build(member);
    if (!reply) continue;
    await ctx.send({ kind: "direct", to: member.id, reply, dedupeKey: `${key}:${member.id}` });
    prompted.push(member.id);
    sent++;
  }
  await ctx.store.scheduling.countPrompts(prompted);
  await ctx.store.scheduling.countPrompts(asked, "asked");
  return sent;
}
