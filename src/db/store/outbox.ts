import { sql } from "drizzle-orm";
import { queryRows, started, type Db } from "../client.js";
import { outbox } from "../schema/index.js";
import { membersOf, type OutboundMessage } from "../../core/outbound.js";
import type { ClubRef } from "../../core/types.js";
import { ensureClub } from "./clubs.js";

/** Messages per enqueue statement: a few megabytes of JSON at most. */
const ENQUEUE_BATCH = 5000;

export function outboxStore(db: Db, clubId: number) {
  return {
    /**
     * Queues a message in the caller's transaction. With a dedupe key, a second enqueue of the same
     * message is a no-op (returns false).
     */
    async enqueue(message: OutboundMessage, now: Date): Promise<boolean> {
      return (await this.enqueueMany([message], now)) > 0;
    },

    /**
     * Queues many messages (a 100,000-member fan-out) in one statement per few thousand, in their
     * order; returns how many were new. The rows travel as one JSON parameter that the database
     * takes apart ([payload, member ids, dedupe key] each), instead of seven parameters a row built
     * by the query builder. Each statement's JSON is written while the last one's rows are inserted.
     */
    async enqueueMany(messages: OutboundMessage[], now: Date): Promise<number> {
      let queued = 0;
      let inserting: { answer: Promise<Array<{ n: number }>> } | undefined;
      for (let from = 0; from < messages.length; from += ENQUEUE_BATCH) {
        const rows = JSON.stringify(
          messages.slice(from, from + ENQUEUE_BATCH).map((message) => {
            const { dedupeKey, ...payload } = message;
            return [payload, `{${membersOf(message).join(",")}}`, dedupeKey ?? null];
          }),
        );
        if (inserting) queued += Number((await inserting.answer)[0]?.n ?? 0);
        const insert = queryRows<{ n: number }>(
          db,
          sql`with added as (
                insert into ${outbox} (club_id, payload, member_ids, dedupe_key, next_attempt_at, created_at)
                select ${clubId}, r.row -> 0, (r.row ->> 1)::int[], r.row ->> 2, ${now}, ${now}
                from jsonb_array_elements(${rows}::jsonb) with ordinality as r(row, n)
                order by r.n
                on conflict do nothing
                returning 1)
              select count(*)::int as n from added`,
        );
        inserting = from + ENQUEUE_BATCH < messages.length ? await started(insert) : { answer: insert };
      }
      if (inserting) queued += Number((await inserting.answer)[0]?.n ?? 0);
      return queued;
    },
  };
}

/**
 * Queues a message for a club a platform names, creating the club on first contact, in one
 * transaction: for side effects of platform events that no command runs, such as the welcome DM.
 * With a dedupe key, the same event delivered again (Slack retries) queues nothing (returns false).
 */
export async function enqueueForClub(db: Db, club: ClubRef, message: OutboundMessage, now: Date): Promise<boolean> {
  return db.transaction(async (tx) => {
    const found = await ensureClub(tx, club, now);
    return outboxStore(tx, found.id).enqueue(message, now);
  });
}
