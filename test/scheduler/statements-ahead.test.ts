import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sql } from "drizzle-orm";
import { backends } from "../support/databases.js";
import { queryRows, started, type Database } from "../../src/db/client.js";
import { ensureClub } from "../../src/db/store/clubs.js";
import { outboxStore } from "../../src/db/store/outbox.js";
import type { OutboundMessage } from "../../src/core/outbound.js";

// A fan-out queues its DMs a few thousand per statement, each statement sent while the next one's
// JSON is written (started): every message once, in order, and a failure in a later statement fails
// the run where it is awaited, never as an unhandled rejection in between.

const NOW = new Date("2026-11-24T10:00:00Z");
const message = (i: number, to = i + 1, key = "fan-out"): OutboundMessage => ({
  kind: "direct",
  to,
  reply: { title: "Your matches this week", text: `Hi member${i}!`, visibility: "private", tone: "info" },
  dedupeKey: `${key}:${i}`,
  about: [100_000 + i, to],
});
const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe.each(backends)("statements sent ahead ($name)", (backend) => {
  let database: Database;
  let clubId: number;
  beforeAll(async () => {
    database = await backend.open();
    clubId = (await ensureClub(database.db, { platform: "console", externalId: "fan-out", name: "Fan-out" }, NOW)).id;
  }, 120_000);
  afterAll(async () => {
    await database?.close();
  });

  it("queues 12,001 messages over several statements, each once, in their order", async () => {
    const messages = Array.from({ length: 12_001 }, (_, i) => message(i));
    const queued = await database.db.transaction((tx) => outboxStore(tx, clubId).enqueueMany(messages, NOW));
    expect(queued).toBe(12_001);
    const rows = await queryRows<{ key: string; payload: OutboundMessage; member_ids: number[] }>(
      database.db,
      sql`select dedupe_key as key, payload, member_ids from outbox where club_id = ${clubId} order by id`,
    );
    expect(rows.map((r) => r.key)).toEqual(messages.map((m) => m.dedupeKey));
    const { dedupeKey: _key, ...payload } = messages[7_777]!;
    expect(rows[7_777]!.payload).toEqual(payload);
    expect(rows[7_777]!.member_ids).toEqual([7_778, 107_777]);

    // Again, with new messages on both sides of a statement's boundary: only those are added.
    const again = [...messages.slice(4_990, 5_010), message(20_000), ...messages.slice(9_995), message(20_001)];
    expect(await database.db.transaction((tx) => outboxStore(tx, clubId).enqueueMany(again, NOW))).toBe(2);
  }, 120_000);

  it("a later statement's failure fails the fan-out, and nothing of it is kept", async () => {
    // The 9,001st message names a member id the int[] column refuses: its statement (the second) fails.
    const messages = Array.from({ length: 12_000 }, (_, i) => message(i, i === 9_000 ? 1.5 : i + 1, "failing"));
    await expect(database.db.transaction((tx) => outboxStore(tx, clubId).enqueueMany(messages, NOW))).rejects.toThrow();
    const [left] = await queryRows<{ n: number }>(database.db, sql`select count(*)::int as n from outbox where club_id = ${clubId} and dedupe_key like 'failing:%'`);
    expect(Number(left!.n)).toBe(0);
  }, 120_000);

  it("a statement started ahead fails where its answer is awaited, after other work", async () => {
    const outcome = database.db.transaction(async (tx) => {
      const failing = await started(queryRows(tx, sql`select 1 / 0 as n`));
      await pause(50);
      return failing.answer;
    });
    const error = (await outcome.catch((e: unknown) => e)) as Error & { cause?: Error };
    expect(error.cause?.message ?? error.message).toMatch(/division by zero/);
  });
});
