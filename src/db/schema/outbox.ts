import { bigint, index, integer, jsonb, pgTable, text, uniqueIndex } from "drizzle-orm/pg-core";
import { clubColumn } from "./clubs.js";
import { createdAt, tstz } from "./_helpers.js";

export const outboxStatuses = ["pending", "sending", "sent", "failed"] as const;
export type OutboxStatus = (typeof outboxStatuses)[number];

/**
 * Everything the bot must send, written in the transaction of the state change that causes it.
 * The dispatcher claims rows with FOR UPDATE SKIP LOCKED; a row stuck in 'sending' past its lease
 * (the process died mid-send) is claimed again.
 */
export const outbox = pgTable(
  "outbox",
  {
    id: bigint("id", { mode: "number" }).primaryKey().generatedAlwaysAsIdentity(),
    clubId: clubColumn(),
    /** The message: recipients (member ids) and the platform-neutral reply. Cleared once sent. */
    payload: jsonb("payload"),
    /** Every member whose data the message carries, so forget-me can find it. */
    memberIds: integer("member_ids").array().notNull(),
    /** Makes an enqueue idempotent: a second accept finds the room message already there. */
    dedupeKey: text("dedupe_key"),
    status: text("status", { enum: outboxStatuses }).notNull().default("pending"),
    attempts: integer("attempts").notNull().default(0),
    nextAttemptAt: tstz("next_attempt_at").notNull(),
    leaseUntil: tstz("lease_until"),
    lastError: text("last_error"),
    createdAt: createdAt(),
    sentAt: tstz("sent_at"),
  },
  (t) => [
    uniqueIndex("outbox_club_dedupe").on(t.clubId, t.dedupeKey),
    index("outbox_due").on(t.status, t.nextAttemptAt),
    index("outbox_member_ids").using("gin", t.memberIds),
  ],
);
