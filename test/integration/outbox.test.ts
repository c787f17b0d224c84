import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { sql } from "drizzle-orm";
import { backends } from "../support/databases.js";
import { createHarness, recordingPort, type Harness } from "../support/harness.js";
import { queryRows, type Database } from "../../src/db/client.js";
import { createDispatcher } from "../../src/outbox/dispatcher.js";
import { DeliveryError } from "../../src/outbox/port.js";
import { silentLogger } from "../../src/util/logger.js";

type OutboxRow = { id: number; status: string; attempts: number; last_error: string | null; payload: unknown };
const rows = (database: Database) => queryRows<OutboxRow>(database.db, sql`select id, status, attempts, last_error, payload from outbox order by id`);

describe.each(backends)("the outbox on $name", (backend) => {
  let database: Database;
  let h: Harness;
  beforeAll(async () => {
    database = await backend.open();
    h = createHarness(database);
    await h.run("ana", "join");
    await h.run("bob", "join");
  });
  beforeEach(async () => {
    await database.db.execute(sql`delete from outbox`);
    h.port.deliveries.length = 0;
    // A day later for each test: every member's thank-you budget (10 an hour, 30 a day) is fresh.
    h.clock.advance(86_400_000);
  });
  afterAll(async () => {
    await database?.close();
  });

  it("a delivered message is marked sent and its content dropped", async () => {
    await h.run("ana", "thanks @bob");
    const [row] = await rows(database);
    expect(row).toMatchObject({ status: "sent", attempts: 1, payload: null });
    expect(h.port.deliveries).toHaveLength(1);
  });

  it("a rate-limited message waits for Retry-After, then is delivered exactly once", async () => {
    h.port.failNext(new DeliveryError("ratelimited", { permanent: false, retryAfterMs: 60_000 }));
    await h.run("ana", "thanks @bob");
    expect(h.port.deliveries).toHaveLength(0);
    expect((await rows(database))[0]).toMatchObject({ status: "pending", attempts: 0, last_error: "ratelimited" });
    // Not due yet: another pass sends nothing.
    await h.dispatcher.drain();
    expect(h.port.deliveries).toHaveLength(0);
    h.clock.advance(61_000);
    await h.dispatcher.drain();
    await h.dispatcher.drain();
    expect(h.port.deliveries).toHaveLength(1);
    // Waiting out a rate limit costs no attempt.
    expect((await rows(database))[0]).toMatchObject({ status: "sent", attempts: 1 });
  });

  it("a rate limit pauses the platform: the rest of the batch waits without being sent or charged", async () => {
    const port = recordingPort();
    const dispatcher = createDispatcher({ db: database.db, ports: [port], logger: silentLogger, clock: h.clock });
    for (let i = 0; i < 3; i++) {
      await h.core.handle({ club: { platform: "console", externalId: "club-a" }, actor: { platformUserId: "ana", displayName: "ana" }, via: "text", text: `thanks @bob ${i}` });
    }
    port.failNext(new DeliveryError("ratelimited", { permanent: false, retryAfterMs: 0 }));
    await dispatcher.drain();
    expect(port.deliveries).toHaveLength(0);
    expect((await rows(database)).map((r) => [r.status, r.attempts])).toEqual([
      ["pending", 0],
      ["pending", 0],
      ["pending", 0],
    ]);
    // Retry-After: 0 still waits a second, rather than spinning.
    h.clock.advance(999);
    await dispatcher.drain();
    expect(port.deliveries).toHaveLength(0);
    h.clock.advance(1);
    await dispatcher.drain();
    expect(port.deliveries.map((d) => d.reply.text)).toEqual(["💛 ana thanked you: “0”", "💛 ana thanked you: “1”", "💛 ana thanked you: “2”"]);
  });

  it("a process whose lease ran out cannot undo the delivery another process made", async () => {
    const port = recordingPort();
    let resume: () => void = () => undefined;
    const gate = new Promise<void>((r) => (resume = r));
    let inFlight: () => void = () => undefined;
    const sending = new Promise<void>((r) => (inFlight = r));
    const slow = {
      ...port,
      platform: "console" as const,
      sendDirect: async (...args: Parameters<typeof port.sendDirect>) => {
        inFlight();
        await gate;
        return port.sendDirect(...args);
      },
    };
    const stale = createDispatcher({ db: database.db, ports: [slow], logger: silentLogger, clock: h.clock, leaseMs: 1000 });
    const fresh = createDispatcher({ db: database.db, ports: [port], logger: silentLogger, clock: h.clock, leaseMs: 1000 });
    await h.core.handle({ club: { platform: "console", externalId: "club-a" }, actor: { platformUserId: "ana", displayName: "ana" }, via: "text", text: "thanks @bob once" });
    const stuck = stale.drain();
    // The stale process has claimed the row and is in the middle of sending it.
    await sending;
    expect((await rows(database))[0]).toMatchObject({ status: "sending", attempts: 1 });
    // Its lease runs out, on the database's clock that every lease is kept by.
    await database.db.execute(sql`update outbox set lease_until = clock_timestamp() - interval '1 second' where status = 'sending'`);
    await fresh.drain();
    resume();
    await stuck;
    // The stale process did send (the one message in flight), but could not mark the row back.
    expect((await rows(database))[0]).toMatchObject({ status: "sent", attempts: 2 });
    expect(port.deliveries).toHaveLength(2);
  });

  it("a permanent failure stops at once, says why, and keeps no content", async () => {
    h.port.failNext(new DeliveryError("channel_not_found", { permanent: true }));
    await h.run("ana", "win Offer!");
    expect((await rows(database))[0]).toMatchObject({ status: "failed", attempts: 1, last_error: "channel_not_found", payload: null });
    expect(h.logs.some((l) => l.includes("failed for good") && l.includes("channel_not_found"))).toBe(true);
  });

  it("unknown errors are retried with backoff and given up after the last attempt", async () => {
    const port = recordingPort();
    const dispatcher = createDispatcher({ db: database.db, ports: [port], logger: silentLogger, clock: h.clock, maxAttempts: 3 });
    for (let i = 0; i < 3; i++) port.failNext(new Error("socket hang up"));
    await h.core.handle({ club: { platform: "console", externalId: "club-a" }, actor: { platformUserId: "ana", displayName: "ana" }, via: "text", text: "thanks @bob" });
    await dispatcher.drain();
    h.clock.advance(2_000);
    await dispatcher.drain();
    h.clock.advance(4_000);
    await dispatcher.drain();
    expect(port.deliveries).toHaveLength(0);
    expect((await rows(database))[0]).toMatchObject({ status: "failed", attempts: 3, last_error: "socket hang up" });
  });

  it("a row left 'sending' by a crashed process is delivered after its lease runs out", async () => {
    await h.core.handle({ club: { platform: "console", externalId: "club-a" }, actor: { platformUserId: "ana", displayName: "ana" }, via: "text", text: "thanks @bob" });
    // Simulate a process that claimed the row (a 60 s lease on the database's clock) and died before sending.
    await database.db.execute(sql`update outbox set status = 'sending', attempts = 1, lease_until = clock_timestamp() + interval '60 seconds'`);
    await h.dispatcher.drain();
    expect(h.port.deliveries).toHaveLength(0);
    // This process's clock running ahead does not end the lease: only the database's time does.
    h.clock.advance(61_000);
    await h.dispatcher.drain();
    expect(h.port.deliveries).toHaveLength(0);
    await database.db.execute(sql`update outbox set lease_until = clock_timestamp() - interval '1 second' where status = 'sending'`);
    await h.dispatcher.drain();
    expect(h.port.deliveries).toHaveLength(1);
    expect((await rows(database))[0]).toMatchObject({ status: "sent", attempts: 2 });
  });

  it("two dispatchers on one database deliver each message once", async () => {
    const port = recordingPort();
    const one = createDispatcher({ db: database.db, ports: [port], logger: silentLogger, clock: h.clock, batchSize: 3 });
    const two = createDispatcher({ db: database.db, ports: [port], logger: silentLogger, clock: h.clock, batchSize: 3 });
    // Ana and Bob thank each other ten times each: within the hourly budget of thank-you notes.
    for (let i = 0; i < 20; i++) {
      const [from, to] = i % 2 ? ["bob", "ana"] : ["ana", "bob"];
      await h.core.handle({ club: { platform: "console", externalId: "club-a" }, actor: { platformUserId: from, displayName: from }, via: "text", text: `thanks @${to} note ${i}` });
    }
    await Promise.all([one.drain(), two.drain(), one.drain(), two.drain()]);
    const texts = port.deliveries.map((d) => d.reply.text);
    expect(texts).toHaveLength(20);
    expect(new Set(texts).size).toBe(20);
  });

  it("a message whose recipient has no account on a running platform fails visibly", async () => {
    const slackOnly = recordingPort("slack");
    const dispatcher = createDispatcher({ db: database.db, ports: [slackOnly], logger: silentLogger, clock: h.clock });
    await h.core.handle({ club: { platform: "console", externalId: "club-a" }, actor: { platformUserId: "ana", displayName: "ana" }, via: "text", text: "thanks @bob" });
    await dispatcher.drain();
    expect((await rows(database))[0]).toMatchObject({ status: "failed", last_error: expect.stringContaining("no account on a running platform") });
  });

  it("a delivery that had to take another route tells the requester", async () => {
    const port = recordingPort();
    const original = port.sendDirect.bind(port);
    let first = true;
    port.sendDirect = async (club, userId, reply) => {
      await original(club, userId, reply);
      if (first) {
        first = false;
        return { fallback: "a private thread in #job-club" };
      }
    };
    const dispatcher = createDispatcher({ db: database.db, ports: [port], logger: silentLogger, clock: h.clock });
    await h.run("bob", "network add Acme works");
    await h.core.handle({ club: { platform: "console", externalId: "club-a" }, actor: { platformUserId: "ana", displayName: "ana" }, via: "text", text: "intro @bob Acme" });
    await dispatcher.drain();
    expect(port.deliveries.map((d) => (d.kind === "direct" ? d.userId : ""))).toEqual(["bob", "ana"]);
    expect(port.deliveries[1]!.reply.text).toContain("went to a private thread in #job-club instead");
  });
});
