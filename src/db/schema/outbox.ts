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

/**
 * A fan-out queued in one row: the weekly matches for thousands of members. The job's transaction
 * records the suggestions and this row (one row, not one per DM); the dispatcher then writes it out
 * into outbox rows a chunk at a time, each chunk in its own transaction, rendering each member's
 * message from the suggestions recorded at `suggested_at` (so forget-me, which deletes those, also
 * takes a forgotten member out of messages not yet written).
 */
export const outboxFanouts = pgTable("outbox_fanouts", {
  id: bigint("id", { mode: "number" }).primaryKey().generatedAlwaysAsIdentity(),
  clubId: clubColumn(),
  kind: text("kind", { enum: ["matches"] }).notNull(),
  /** Members still to be written a message, in order. No foreign key: forget-me takes ids out. */
  recipients: integer("recipients").array().notNull(),
  /** Each message's dedupe key is this plus `:<member id>`, so a chunk written twice queues nothing twice. */
  dedupePrefix: text("dedupe_prefix").notNull(),
  /** The run the messages are rendered from: its suggestions were recorded at this time. */
  suggestedAt: tstz("suggested_at").notNull(),
  createdAt: createdAt(),
});
