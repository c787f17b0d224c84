import type { Db } from "../client.js";
import { outbox } from "../schema/index.js";
import { membersOf, type OutboundMessage } from "../../core/outbound.js";
import type { ClubRef } from "../../core/types.js";
import { ensureClub } from "./clubs.js";

export function outboxStore(db: Db, clubId: number) {
  return {
    /**
     * Queues a message in the caller's transaction. With a dedupe key, a second enqueue of the same
     * message is a no-op (returns false).
     */
    async enqueue(message: OutboundMessage, now: Date): Promise<boolean> {
      return (await this.enqueueMany([message], now)) > 0;
    },

    /** Queues many messages in few statements (a 10,000-member fan-out); returns how many were new. */
    async enqueueMany(messages: OutboundMessage[], now: Date): Promise<number> {
      let queued = 0;
      for (let i = 0; i < messages.length; i += 500) {
        const rows = await db
          .insert(outbox)
          .values(
            messages.slice(i, i + 500).map((message) => {
              const { dedupeKey, ...payload } = message;
              return { clubId, payload, memberIds: membersOf(message), dedupeKey: dedupeKey ?? null, nextAttemptAt: now, createdAt: now };
            }),
          )
          .onConflictDoNothing()
          .returning({ id: outbox.id });
        queued += rows.length;
      }
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
