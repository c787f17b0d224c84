import http from "node:http";
import pg from "pg";
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openPostgres, queryRows, type Database } from "../../src/db/client.js";
import { createHealthCheck, startHealthServer } from "../../src/http/health.js";
import { createScratchDatabase } from "../support/databases.js";
import { CLUB_A, createHarness, recordingPort, type Harness } from "../support/harness.js";
import { startTcpProxy } from "../support/tcp-proxy.js";
import { createDispatcher } from "../../src/outbox/dispatcher.js";
import type { MessengerPort } from "../../src/outbox/port.js";
import { createLogger } from "../../src/util/logger.js";
import { createJobRunner } from "../../src/scheduler/runner.js";
import { createScheduler } from "../../src/scheduler/scheduler.js";

const baseUrl = process.env.TEST_DATABASE_URL;
const UNAVAILABLE = "I can't reach the club's database right now";

/** A command through the core alone, as the adapters call it (the harness would also deliver the outbox). */
function ask(h: Harness, user: string, text: string) {
  return h.core.handle({ club: CLUB_A, actor: { platformUserId: user, displayName: user }, via: "text", text });
}

async function goalCount(database: Database, text: string): Promise<number> {
  const [row] = await queryRows<{ n: number }>(database.db, sql`select count(*)::int as n from goals where text = ${text}`);
  return Number(row!.n);
}

function getHealth(port: number): Promise<{ status: number; body: Record<string, string> }> {
  return new Promise((resolve, reject) => {
    http
      .get({ host: "127.0.0.1", port, path: "/healthz" }, (res) => {
        let body = "";
        res.on("data", (chunk: Buffer) => (body += chunk.toString()));
        res.on("end", () => resolve({ status: res.statusCode ?? 0, body: JSON.parse(body) as Record<string, string> }));
      })
      .on("error", reject);
  });
}

/** Faults of a real Postgres server: its backends terminated, or the server gone and back. */
describe.runIf(baseUrl)("when Postgres goes away", () => {
  let scratch: Awaited<ReturnType<typeof createScratchDatabase>>;
  let admin: pg.Client;
  const terminateBackends = async () => {
    const name = new URL(scratch.url).pathname.slice(1);
    const { rows } = await admin.query<{ n: number }>(
      "select count(pg_terminate_backend(pid))::int as n from pg_stat_activity where datname = $1 and pid <> pg_backend_pid()",
      [name],
    );
    return rows[0]!.n;
  };

  beforeAll(async () => {
    scratch = await createScratchDatabase(baseUrl!);
    admin = new pg.Client({ connectionString: baseUrl });
    await admin.connect();
  });
  afterAll(async () => {
    await admin?.end();
    await scratch?.drop();
  });

  describe("its backends terminated", () => {
    let database: Database;
    let h: Harness;
    const lost: Error[] = [];
    beforeAll(async () => {
      database = await openPostgres(scratch.url, { poolSize: 5, onConnectionError: (error) => lost.push(error) });
      h = createHarness(database, { logger: createLogger({ level: "silent" }) });
    });
    afterAll(async () => {
      await database?.close();
    });

    it("a transaction whose connection is cut between statements fails alone, without ending the process", async () => {
      // A checked-out client, idle inside its transaction, when its backend goes: Node ends a process
      // on an 'error' event nobody listens to, and the pool listens to idle clients only.
      const held = database.db.transaction(async (tx) => {
        await tx.execute(sql`select 1`);
        expect(await terminateBackends()).toBeGreaterThan(0);
        await expect.poll(() => lost.length).toBeGreaterThan(0);
        await tx.execute(sql`select 1`);
      });
      await expect(held).rejects.toThrow();
      expect(lost[0]!.message).toMatch(/terminat/i);
      expect((await ask(h, "ana", "goal add After the cut")).tone).toBe("success");
    });

    it("commands in flight while backends are terminated each get an answer, and every one answered as done is stored", async () => {
      const users = ["bob", "cy", "dee", "eli", "fay", "gus"];
      const lines = users.flatMap((user) => Array.from({ length: 10 }, (_, i) => ({ user, text: `Load ${user} ${i}` })));
      let settled = 0;
      const cuts = new Set([8, 25, 42]);
      const replies = await Promise.all(
        lines.map(async ({ user, text }) => {
          const reply = await ask(h, user, `goal add ${text}`);
          settled++;
          if (cuts.has(settled)) await terminateBackends();
          return { text, reply };
        }),
      );
      const done = replies.filter((r) => r.reply.tone === "success");
      const refused = replies.filter((r) => r.reply.tone !== "success");
      // Each answer is either done or a clear "try again": never silence, never a generic apology.
      for (const { reply } of refused) expect(reply.text).toContain(UNAVAILABLE);
      expect(refused.length).toBeGreaterThan(0);
      expect(done.length).toBeGreaterThan(0);
      for (const { text } of done) expect(await goalCount(database, text), text).toBe(1);
      // And the pool is whole again for what comes next.
      expect((await ask(h, "bob", "goal list")).tone).not.toBe("error");
    });
  });

  describe("the server unreachable, then back", () => {
    let proxy: Awaited<ReturnType<typeof startTcpProxy>>;
    let database: Database;
    let h: Harness;
    let health: Awaited<ReturnType<typeof startHealthServer>>;
    beforeAll(async () => {
      const target = new URL(scratch.url);
      proxy = await startTcpProxy({ host: target.hostname, port: Number(target.port || 5432) });
      const viaProxy = new URL(scratch.url);
      viaProxy.hostname = "127.0.0.1";
      viaProxy.port = String(proxy.port);
      const logger = createLogger({ level: "silent" });
      // A small pool: a client the pool lost track of in the outage would leave no room for what comes after.
      database = await openPostgres(viaProxy.toString(), { poolSize: 2, timeouts: { connectMs: 1_000 }, onConnectionError: () => undefined });
      h = createHarness(database, { logger });
      health = await startHealthServer({ port: 0, check: createHealthCheck(database.db, []), logger });
    });
    afterAll(async () => {
      await health?.close();
      await database?.close();
      await proxy?.close();
    });

    it("commands answer 'try again', /healthz says 503, and both recover by themselves", async () => {
      const run = (text: string) => ask(h, "ana", text);
      // Both pool connections open and idle when the server goes.
      for (const reply of await Promise.all([run("goal add Before the outage"), run("target add Initech")])) expect(reply.tone).toBe("success");
      expect(await getHealth(health.port)).toEqual({ status: 200, body: { status: "ok", database: "up" } });

      proxy.down();
      const during = await Promise.all(["goal add During 1", "goal add During 2", "target add Acme", "goal list"].map(run));
      for (const reply of during) expect(reply.text).toContain(UNAVAILABLE);
      expect(await getHealth(health.port)).toEqual({ status: 503, body: { status: "unavailable", database: "down" } });

      proxy.up();
      await expect.poll(async () => (await getHealth(health.port)).status, { timeout: 10_000 }).toBe(200);
      const after = await Promise.all([run("goal add After the outage"), run("goal add And again"), run("target add Globex"), run("goal list")]);
      for (const reply of after) expect(reply.tone, reply.text).not.toBe("error");
      expect(await goalCount(database, "During 1")).toBe(0);
      expect(await goalCount(database, "Before the outage")).toBe(1);
      expect(await goalCount(database, "After the outage")).toBe(1);
    });

    it("an outbox pass whose database goes away mid-delivery reports it, and what it held goes out once it is back", async () => {
      const logger = createLogger({ level: "silent" });
      await ask(h, "bob", "join");
      const port = recordingPort();
      let release!: () => void;
      let entered!: () => void;
      const inFlight = new Promise<void>((resolve) => (entered = resolve));
      const gate = new Promise<void>((resolve) => (release = resolve));
      const held: MessengerPort = {
        ...port,
        async sendDirect(club, userId, reply) {
          entered();
          await gate;
          return port.sendDirect(club, userId, reply);
        },
      };
      const dispatcher = createDispatcher({ db: database.db, ports: [held], logger, clock: h.clock, leaseMs: 1_000 });
      for (const i of [1, 2, 3]) expect((await ask(h, "ana", `thanks @bob for tip ${i}`)).tone).toBe("success");
      const pass = dispatcher.runOnce();
      await inFlight;
      proxy.down();
      release();
      // The pass ends with the database's error (no rejection left unhandled), after the delivery in flight.
      await expect(pass).rejects.toThrow();
      proxy.up();
      await expect.poll(async () => (await getHealth(health.port)).status, { timeout: 10_000 }).toBe(200);
      // Once the leases run out, everything goes; only the message in flight at the outage may repeat.
      await expect
        .poll(async () => {
          await dispatcher.drain();
          return new Set(port.deliveries.map((d) => d.reply.text)).size;
        }, { timeout: 15_000, interval: 300 })
        .toBe(3);
      expect(port.deliveries.length).toBeLessThanOrEqual(4);
      const statuses = await queryRows<{ status: string }>(database.db, sql`select status from outbox where dedupe_key is null or dedupe_key not like 'digest:%'`);
      expect(statuses.every((r) => r.status === "sent")).toBe(true);
      await dispatcher.stop();
    });

    it("a scheduled run that falls due while the database is away runs once it is back", async () => {
      await ask(h, "ana", "join");
      const logger = createLogger({ level: "silent" });
      const runner = createJobRunner({ db: database.db, clock: h.clock, logger });
      const scheduler = createScheduler({ db: database.db, runner, logger, clock: h.clock, retryDelaysMs: [20, 20, 20, 20] });
      await scheduler.start();
      try {
        const [club] = await queryRows<{ id: number }>(database.db, sql`select club_id as id from club_links where external_id = ${CLUB_A.externalId}`);
        const slot = new Date(h.clock.now().getTime() - 60_000);
        const claimed = async () => (await queryRows(database.db, sql`select id from scheduled_runs where job = 'digest' and slot = ${slot}`)).length;

        proxy.down();
        await scheduler.fire(Number(club!.id), "digest", slot);
        proxy.up();
        await expect.poll(claimed, { timeout: 10_000 }).toBe(1);
        expect(await queryRows(database.db, sql`select id from outbox where dedupe_key like 'digest:%'`)).toHaveLength(1);
      } finally {
        await scheduler.stop();
      }
    });
  });
});
