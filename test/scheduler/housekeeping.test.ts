import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { sql } from "drizzle-orm";
import { backends } from "../support/databases.js";
import { CLUB_A, CLUB_B, createHarness, type Harness } from "../support/harness.js";
import { queryRows, type Database } from "../../src/db/client.js";
import { outbox, scheduledRuns } from "../../src/db/schema/index.js";
import { findClub } from "../../src/db/store/clubs.js";
import { retentionStore } from "../../src/db/store/retention.js";
import type { OutboxStatus } from "../../src/db/schema/outbox.js";
import { createJobRunner } from "../../src/scheduler/runner.js";
import { createScheduler } from "../../src/scheduler/scheduler.js";
import { silentLogger } from "../../src/util/logger.js";

const DAY = 86_400_000;
/** Thursday 19 Nov 2026, 03:30 UTC: the clubs' (UTC) housekeeping slot. */
const SLOT = new Date("2026-11-19T03:30:00Z");

describe.each(backends)("daily housekeeping on $name", (backend) => {
  let database: Database;
  let h: Harness;
  let clubA: number;
  let clubB: number;

  const daysAgo = (days: number) => new Date(h.clock.now().getTime() - days * DAY);

  /** An outbox row as the dispatcher leaves it: `label` in the dedupe key says which one it is. */
  async function message(clubId: number, label: string, status: OutboxStatus, ageDays: number) {
    const at = daysAgo(ageDays);
    await database.db.insert(outbox).values({
      clubId,
      payload: status === "sent" || status === "failed" ? null : { kind: "channel", channelId: null, reply: { text: label, visibility: "public" } },
      memberIds: [],
      dedupeKey: label,
      status,
      attempts: status === "pending" ? 0 : 1,
      nextAttemptAt: at,
      createdAt: at,
      sentAt: status === "sent" ? at : null,
      leaseUntil: status === "sending" ? new Date(Date.now() + 60_000) : null,
      lastError: status === "failed" ? "channel_not_found" : null,
    });
  }

  /** The claim of a digest run `ageDays` ago. */
  async function claim(clubId: number, ageDays: number) {
    await database.db.insert(scheduledRuns).values({ clubId, job: "digest", slot: daysAgo(ageDays), runner: "earlier", createdAt: daysAgo(ageDays) });
  }

  const outboxLeft = async (clubId: number) =>
    (await queryRows<{ dedupe_key: string }>(database.db, sql`select dedupe_key from outbox where club_id = ${clubId} order by dedupe_key`)).map((r) => r.dedupe_key);
  const runsLeft = async (clubId: number) =>
    (await queryRows<{ slot: Date }>(database.db, sql`select slot from scheduled_runs where club_id = ${clubId} and job = 'digest' order by slot`)).map((r) =>
      Math.round((h.clock.now().getTime() - new Date(r.slot).getTime()) / DAY),
    );

  /** The same history in a club: old and recent sent and failed messages, waiting ones, run claims. */
  async function history(clubId: number) {
    await message(clubId, "sent-31d", "sent", 31);
    await message(clubId, "sent-29d", "sent", 29);
    await message(clubId, "failed-91d", "failed", 91);
    await message(clubId, "failed-60d", "failed", 60);
    await message(clubId, "pending-400d", "pending", 400);
    await message(clubId, "sending-400d", "sending", 400);
    await claim(clubId, 120);
    await claim(clubId, 91);
    await claim(clubId, 89);
  }

  beforeAll(async () => {
    database = await backend.open();
    h = createHarness(database);
    await h.run("ana", "join", CLUB_A);
    await h.run("ben", "join", CLUB_B);
    clubA = (await findClub(database.db, CLUB_A))!.id;
    clubB = (await findClub(database.db, CLUB_B))!.id;
  });
  beforeEach(async () => {
    h.clock.set(SLOT.toISOString());
    await database.db.execute(sql`delete from outbox`);
    await database.db.execute(sql`delete from scheduled_runs`);
    await history(clubA);
    await history(clubB);
  });
  afterAll(async () => {
    await database?.close();
  });

  it("deletes the club's old sent and failed messages and old run claims; keeps recent, waiting and other clubs' rows", async () => {
    const runner = createJobRunner({ db: database.db, clock: h.clock, logger: silentLogger });
    expect(await runner.run(clubA, "housekeeping", SLOT)).toEqual({ ran: true, sent: 0 });
    expect(await outboxLeft(clubA)).toEqual(["failed-60d", "pending-400d", "sending-400d", "sent-29d"]);
    expect(await runsLeft(clubA)).toEqual([89]);
    // Club B's rows are untouched, however old.
    expect(await outboxLeft(clubB)).toEqual(["failed-60d", "failed-91d", "pending-400d", "sending-400d", "sent-29d", "sent-31d"]);
    expect(await runsLeft(clubB)).toEqual([120, 91, 89]);
  });

  it("keeps for as long as the retention settings say", async () => {
    const runner = createJobRunner({ db: database.db, clock: h.clock, logger: silentLogger, retention: { sentOutboxDays: 10, failedOutboxDays: 61, scheduledRunsDays: 100 } });
    await runner.run(clubA, "housekeeping", SLOT);
    expect(await outboxLeft(clubA)).toEqual(["failed-60d", "pending-400d", "sending-400d"]);
    expect(await runsLeft(clubA)).toEqual([91, 89]);
  });

  it("runs once per club and day, however many runners fire the same slot", async () => {
    const runners = [1, 2, 3].map((i) => createJobRunner({ db: database.db, clock: h.clock, logger: silentLogger, runnerId: `process-${i}` }));
    const results = await Promise.all(runners.map((r) => r.run(clubA, "housekeeping", SLOT)));
    expect(results.filter((r) => r.ran)).toHaveLength(1);
    expect(results.filter((r) => !r.ran)).toEqual([
      { ran: false, reason: "claimed" },
      { ran: false, reason: "claimed" },
    ]);
    expect(await outboxLeft(clubA)).toEqual(["failed-60d", "pending-400d", "sending-400d", "sent-29d"]);
    // A row that grew old since is left for the next day's run: this slot has run.
    await message(clubA, "sent-45d", "sent", 45);
    expect(await runners[1]!.run(clubA, "housekeeping", SLOT)).toEqual({ ran: false, reason: "claimed" });
    expect(await outboxLeft(clubA)).toContain("sent-45d");
    h.clock.advance(DAY);
    expect((await runners[2]!.run(clubA, "housekeeping", new Date(SLOT.getTime() + DAY))).ran).toBe(true);
    expect(await outboxLeft(clubA)).not.toContain("sent-45d");
  });

  it("deletes in bounded batches until nothing old is left", async () => {
    for (let i = 0; i < 7; i++) await message(clubA, `sent-old-${i}`, "sent", 40 + i);
    const pruned = await retentionStore(database.db, clubA, 2).pruneOutbox({ sentBefore: daysAgo(30), failedBefore: daysAgo(90) });
    expect(pruned).toEqual({ sent: 8, failed: 1 });
    expect(await outboxLeft(clubA)).toEqual(["failed-60d", "pending-400d", "sending-400d", "sent-29d"]);
    expect(await outboxLeft(clubB)).toHaveLength(6);
  });

  it("the scheduler plans it daily for every club and catches up the last day's run once, even late in the day", async () => {
    const scheduler = () =>
      createScheduler({ db: database.db, runner: createJobRunner({ db: database.db, clock: h.clock, logger: silentLogger }), logger: silentLogger, clock: h.clock, catchUpWindowMs: 6 * 3_600_000 });
    // 16 hours after the slot: later than the catch-up window of the clubs' own jobs.
    h.clock.set("2026-11-19T19:30:00Z");
    const ran = (await scheduler().catchUp()).filter((r) => r.job === "housekeeping");
    expect(ran.map((r) => [r.clubId, r.slot.toISOString()]).sort()).toEqual([
      [clubA, SLOT.toISOString()],
      [clubB, SLOT.toISOString()],
    ]);
    expect(await outboxLeft(clubA)).not.toContain("sent-31d");
    expect(await outboxLeft(clubB)).not.toContain("sent-31d");
    expect((await scheduler().catchUp()).filter((r) => r.job === "housekeeping")).toEqual([]);
  });
});
