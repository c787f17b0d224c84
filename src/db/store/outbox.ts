import type { Db } from "../client.js";
import { outbox } from "../schema/index.js";
import { membersOf, type OutboundMessage } from "../../core/outbound.js";

export function outboxStore(db: Db, clubId: number) {
  return {
    /**
     * Queues a message in the caller's transaction. With a dedupe key, a second enqueue of the same
     * message is a no-op (returns false).
     */
    async enqueue(message: OutboundMessage, now: Date): Promise<boolean> {
      const { dedupeKey, ...payload } = message;
      const rows = await db
        .insert(outbox)
        .values({
          clubId,
          payload,
          memberIds: membersOf(message),
          dedupeKey: dedupeKey ?? null,
          nextAttemptAt: now,
          createdAt: now,
        })
        .onConflictDoNothing()
        .returning({ id: outbox.id });
      return rows.length > 0;
    },
  };
}
