import { and, eq, sql } from "drizzle-orm";
import { queryRows, type Db } from "../client.js";
import { outboxFanouts } from "../schema/index.js";
import type { OutboundMessage } from "../../core/outbound.js";
import { matchesGreeting, TIE_RELATIONS, type MatchesNote } from "../../core/services/matching.js";
import type { TieRelation } from "../../core/vocabulary.js";
import { intArray, textArray } from "./packed-rows.js";
import { outboxStore } from "./outbox.js";
import { schedulingStore } from "./scheduling.js";

type DirectMessage = Extract<OutboundMessage, { kind: "direct" }>;

/** Members written out per transaction: a few seconds of a platform's rate, a few hundred kilobytes of JSON. */
export const FANOUT_CHUNK = 1000;

export interface FanoutRequest {
  kind: "matches";
  recipients: number[];
  dedupePrefix: string;
  /** When the run recorded the suggestions the messages are rendered from. */
  suggestedAt: Date;
}

/** A club's fan-outs: queued by a job in its transaction, forgotten member by member. */
export function fanoutStore(db: Db, clubId: number) {
  return {
    async queue(request: FanoutRequest, now: Date): Promise<void> {
      if (request.recipients.length === 0) return;
      await db.insert(outboxFanouts).values({ clubId, ...request, createdAt: now });
    },

    /** forget-me: the member gets no message from a fan-out not yet written (others' messages no longer name them: their suggestions are gone). */
    async forget(memberId: number): Promise<number> {
      const rows = await db
        .update(outboxFanouts)
        .set({ recipients: sql`array_remove(${outboxFanouts.recipients}, ${memberId})` })
        .where(and(eq(outboxFanouts.clubId, clubId), sql`${memberId} = any(${outboxFanouts.recipients})`))
        .returning({ id: outboxFanouts.id });
      return rows.length;
    },

    /**
     * Recipients who became other records (see linkStore.remapWaiting): within this club, their
     * waiting message goes to the record they became; to another club, it goes there with them,
     * as a fan-out of that club rendered from the suggestions that moved along.
     */
    async remap(map: Map<number, number>, toClubId: number): Promise<void> {
      const waiting = await db
        .select()
        .from(outboxFanouts)
        .where(and(eq(outboxFanouts.clubId, clubId), sql`${outboxFanouts.recipients} && ${intArray([...map.keys()])}`));
      for (const fanout of waiting) {
        if (toClubId === clubId) {
          const recipients = [...new Set(fanout.recipients.map((id) => map.get(id) ?? id))];
          await db.update(outboxFanouts).set({ recipients }).where(eq(outboxFanouts.id, fanout.id));
          continue;
        }
        await db.update(outboxFanouts).set({ recipients: fanout.recipients.filter((id) => !map.has(id)) }).where(eq(outboxFanouts.id, fanout.id));
        const moving = [...new Set(fanout.recipients.filter((id) => map.has(id)).map((id) => map.get(id)!))];
        const { kind, dedupePrefix, suggestedAt, createdAt } = fanout;
        await db.insert(outboxFanouts).values({ clubId: toClubId, kind, recipients: moving, dedupePrefix, suggestedAt, createdAt });
      }
    },

    /** The messages a fan-out not yet written holds for the member, as they will be written (for export). */
    async waitingFor(memberId: number): Promise<Array<{ fanout: number; createdAt: Date; payload: OutboundMessage }>> {
      const rows = await db
        .select()
        .from(outboxFanouts)
        .where(and(eq(outboxFanouts.clubId, clubId), sql`${memberId} = any(${outboxFanouts.recipients})`));
      const found: Array<{ fanout: number; createdAt: Date; payload: OutboundMessage }> = [];
      for (const row of rows) {
        for (const payload of await renderMatches(db, clubId, row.suggestedAt, [memberId], row.dedupePrefix)) found.push({ fanout: row.id, createdAt: row.createdAt, payload });
      }
      return found;
    },
  };
}

/**
 * Each member's weekly matches message, rendered from the suggestions the run recorded for them
 * (best first, as recorded) with today's names. A path whose tie has gone since, or a member who
 * has gone, is left out; a member with nothing left gets no message.
 */
async function renderMatches(db: Db, clubId: number, suggestedAt: Date, memberIds: number[], dedupePrefix: string): Promise<DirectMessage[]> {
  // Per member through the primary key (club, time, member), in the order recorded; a subquery per
  // member (kept apart by its ORDER BY), so a plan made before the run's rows were analysed still
  // looks each member up rather than scanning the whole run for every chunk.
  const rows = await queryRows<{ member: number; name: string; helper: number; helper_name: string; company: string; team_up: boolean; relation: number | null }>(
    db,
    sql`select s.member_id as member, r.display_name as name, s.helper_id as helper, h.display_name as helper_name, co.name as company,
               s.kind = 'team-up' as team_up, array_position(${textArray(TIE_RELATIONS)}, t.relation) - 1 as relation
        from unnest(${intArray(memberIds)}) with ordinality as chunk(member_id, n)
        cross join lateral (
          select * from match_suggestions x
          where x.club_id = ${clubId} and x.created_at = ${suggestedAt} and x.member_id = chunk.member_id
          order by x.id) s
        join members r on r.club_id = s.club_id and r.id = s.member_id
        join members h on h.club_id = s.club_id and h.id = s.helper_id
        join companies co on co.club_id = s.club_id and co.id = s.company_id
        left join network_ties t on s.kind = 'path' and t.club_id = s.club_id and t.member_id = s.helper_id and t.company_id = s.company_id
        order by chunk.n, s.id`,
  );
  const notes = new Map<number, { name: string; note: MatchesNote; about: number[] }>();
  for (const row of rows) {
    const member = Number(row.member);
    let entry = notes.get(member);
    if (!entry) notes.set(member, (entry = { name: row.name, note: { paths: [], teamUps: [] }, about: [] }));
    const helper = Number(row.helper);
    if (row.team_up) entry.note.teamUps.push([row.helper_name, row.company]);
    else if (row.relation !== null) entry.note.paths.push([helper, row.helper_name, row.company, TIE_RELATIONS[Number(row.relation)] as TieRelation]);
    else continue;
    entry.about.push(helper);
  }
  const messages: DirectMessage[] = [];
  for (const member of memberIds) {
    const entry = notes.get(member);
    if (!entry || entry.about.length === 0) continue;
    messages.push({ kind: "direct", to: member, reply: matchesGreeting(entry.name), matches: entry.note, dedupeKey: `${dedupePrefix}:${member}`, about: entry.about });
  }
  return messages;
}

/**
 * Writes out up to `limit` members of one waiting fan-out (any club's, the oldest first) into
 * outbox rows, in one transaction: the rows, and the fan-out without those members (gone when
 * none are left). Processes share the work: a fan-out another is writing is skipped (SKIP
 * LOCKED). Returns how many members were handled, 0 when no fan-out waits.
 */
export async function expandFanouts(db: Db, now: Date, limit = FANOUT_CHUNK): Promise<number> {
  // Mostly none waits: one statement says so, without a transaction's three.
  if ((await db.select({ id: outboxFanouts.id }).from(outboxFanouts).limit(1)).length === 0) return 0;
  return db.transaction(async (tx) => {
    const [fanout] = await tx.select().from(outboxFanouts).orderBy(outboxFanouts.id).limit(1).for("update", { skipLocked: true });
    if (!fanout) return 0;
    const chunk = fanout.recipients.slice(0, limit);
    const messages = await renderMatches(tx, fanout.clubId, fanout.suggestedAt, chunk, fanout.dedupePrefix);
    await outboxStore(tx, fanout.clubId).enqueueMany(messages, now);
    // Each DM counts as a prompt not answered yet once it is queued, with it (see promptFate).
    await schedulingStore(tx, fanout.clubId).countPrompts(messages.map((m) => m.to));
    if (chunk.length >= fanout.recipients.length) await tx.delete(outboxFanouts).where(eq(outboxFanouts.id, fanout.id));
    else await tx.update(outboxFanouts).set({ recipients: sql`${outboxFanouts.recipients}[${chunk.length + 1}:]` }).where(eq(outboxFanouts.id, fanout.id));
    return Math.max(chunk.length, 1);
  });
}
