import pg from "pg";
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createCore, type Core } from "../../src/core/core.js";
import { createReadCache, type ReadCache } from "../../src/core/read-cache.js";
import { changedClubs, openClubChangeFeed, type ClubChangeFeed } from "../../src/db/change-feed.js";
import { openPostgres, type Database } from "../../src/db/client.js";
import { createLogger } from "../../src/util/logger.js";
import { createScratchDatabase } from "../support/databases.js";
import { CLUB_A } from "../support/harness.js";

/** A feed this test drives by hand: the cache's rules on their own. */
function handFeed() {
  const handlers: Array<(clubs: number[] | "all") => void> = [];
  const feed = {
    listening: true,
    onChange: (handler: (clubs: number[] | "all") => void) => void handlers.push(handler),
    close: () => Promise.resolve(),
    tell: (clubs: number[] | "all") => handlers.forEach((handler) => handler(clubs)),
  };
  return feed;
}

describe("the read cache's rules", () => {
  const value = (clubId: number, text: string) => ({ club: { id: clubId }, text });

  it("keeps a read and serves it again, until its club changes", async () => {
    const feed = handFeed();
    const cache = createReadCache(feed);
    let loads = 0;
    const load = () => Promise.resolve(value(1, `load ${++loads}`));
    expect((await cache.read("k", load))!.text).toBe("load 1");
    expect((await cache.read("k", load))!.text).toBe("load 1");
    feed.tell([2]);
    expect((await cache.read("k", load))!.text).toBe("load 1");
    feed.tell([1]);
    expect((await cache.read("k", load))!.text).toBe("load 2");
    cache.forgetClub(1);
    expect((await cache.read("k", load))!.text).toBe("load 3");
    feed.tell("all");
    expect((await cache.read("k", load))!.text).toBe("load 4");
    expect(cache.stats()).toMatchObject({ hits: 2, misses: 4 });
  });

  it("does not keep a read during which a change was heard: it may predate the change", async () => {
    const feed = handFeed();
    const cache = createReadCache(feed);
    let release!: () => void;
    const slow = cache.read("k", () => new Promise<ReturnType<typeof value>>((resolve) => (release = () => resolve(value(1, "before the change")))));
    feed.tell([7]);
    release();
    expect((await slow)!.text).toBe("before the change");
    expect((await cache.read("k", () => Promise.resolve(value(1, "after"))))!.text).toBe("after");
  });

  it("serves and keeps nothing while the feed is not listening", async () => {
    const feed = handFeed();
    const cache = createReadCache(feed);
    feed.listening = false;
    let loads = 0;
    const load = () => Promise.resolve(value(1, `load ${++loads}`));
    await cache.read("k", load);
    expect((await cache.read("k", load))!.text).toBe("load 2");
    expect(cache.stats().entries).toBe(0);
  });

  it("hands out frozen values, expires them, and never keeps 'no club'", async () => {
    const feed = handFeed();
    let clock = 0;
    const cache = createReadCache(feed, { ttlMs: 1000, now: () => clock });
    const first = (await cache.read("k", () => Promise.resolve({ club: { id: 1 }, list: [1, 2] })))!;
    expect(() => first.list.push(3)).toThrow(TypeError);
    clock = 1001;
    expect((await cache.read("k", () => Promise.resolve({ club: { id: 1 }, list: [9] })))!.list).toEqual([9]);
    await cache.read("none", () => Promise.resolve(undefined));
    expect(cache.stats().entries).toBe(1);
  });

  it("reads a notice's payload", () => {
    expect(changedClubs("12,40")).toEqual([12, 40]);
    expect(changedClubs("*")).toBe("all");
    expect(changedClubs("12,x")).toBe("all");
  });
});

const baseUrl = process.env.TEST_DATABASE_URL;

/**
 * Two Warmpath processes (a pool, a change feed and a core each) on one Postgres: what one changes,
 * by command or by any statement, the other's cache lets go of.
 */
describe.runIf(baseUrl)("read caches of two processes on one Postgres", () => {
  let scratch: Awaited<ReturnType<typeof createScratchDatabase>>;
  const logger = createLogger({ level: "silent" });
  type Process = { database: Database; feed: ClubChangeFeed; cache: ReadCache; core: Core };
  let a: Process;
  let b: Process;

  async function start(): Promise<Process> {
    const database = await openPostgres(scratch.url, { poolSize: 5 });
    const feed = await openClubChangeFeed(scratch.url, logger, { retryMs: 50 });
    const cache = createReadCache(feed);
    return { database, feed, cache, core: createCore({ db: database.db, logger, readCache: cache }) };
  }
  const ask = (p: Process, user: string, text: string) => p.core.handle({ club: CLUB_A, actor: { platformUserId: user, displayName: user }, via: "text", text });
  const goalList = async (p: Process, user = "ana") => (await ask(p, user, "goal list")).text + JSON.stringify((await ask(p, user, "goal list")).fields ?? []);

  beforeAll(async () => {
    scratch = await createScratchDatabase(baseUrl!);
    a = await start();
    b = await start();
    await ask(a, "ana", "join");
    await ask(a, "ana", "goal add First");
  });
  afterAll(async () => {
    for (const p of [a, b]) {
      await p?.feed.close();
      await p?.database.close();
    }
    await scratch?.drop();
  });

  it("answers goal list again from the cache, and sees another process's new goal once its notice arrives", async () => {
    expect(await goalList(a)).toContain("First");
    const { hits } = a.cache.stats();
    expect(await goalList(a)).toContain("First");
    expect(a.cache.stats().hits).toBeGreaterThan(hits);
    expect((await ask(b, "ana", "goal add Second")).tone).toBe("success");
    await expect.poll(() => goalList(a), { timeout: 5_000, interval: 20 }).toContain("Second");
  });

  it("sees its own change at once, without waiting for the notice", async () => {
    expect(await goalList(a)).not.toContain("Third");
    expect((await ask(a, "ana", "goal add Third")).tone).toBe("success");
    expect(await goalList(a)).toContain("Third");
  });

  it("lets go of a club changed by any statement, not only by a command", async () => {
    expect(await goalList(a)).toContain("First");
    await b.database.db.execute(sql`update goals set text = 'First, renamed' where text = 'First'`);
    await expect.poll(() => goalList(a), { timeout: 5_000, interval: 20 }).toContain("First, renamed");
  });

  it("twelve goals added in another process while this one keeps listing: all of them show, none stale", async () => {
    const adds = Array.from({ length: 12 }, (_, i) => ask(b, "ana", `goal add Raced ${i}!`));
    const lists = Array.from({ length: 20 }, () => ask(a, "ana", "goal list"));
    for (const reply of await Promise.all(adds)) expect(reply.tone).toBe("success");
    await Promise.all(lists);
    await expect
      .poll(async () => {
        const text = await goalList(a);
        return Array.from({ length: 12 }, (_, i) => text.includes(`Raced ${i}!`)).every(Boolean);
      }, { timeout: 5_000, interval: 20 })
      .toBe(true);
  });

  it("while its feed's connection is lost, reads go to the database; the feed comes back by itself", async () => {
    const admin = new pg.Client({ connectionString: scratch.url });
    await admin.connect();
    try {
      expect(await goalList(a)).toContain("Second");
      await admin.query("select pg_terminate_backend(pid) from pg_stat_activity where datname = current_database() and application_name = 'warmpath-change-feed' ");
      await expect.poll(() => a.feed.listening || b.feed.listening, { timeout: 5_000, interval: 5 }).toBe(false);
      await admin.query("update goals set text = 'Second, while deaf' where text = 'Second'");
      // No notice reaches a process that isn't listening: it must not answer from its cache.
      if (!a.feed.listening) expect(await goalList(a)).toContain("Second, while deaf");
      await expect.poll(() => a.feed.listening && b.feed.listening, { timeout: 10_000, interval: 20 }).toBe(true);
      expect(await goalList(a)).toContain("Second, while deaf");
      await admin.query("update goals set text = 'Second, heard again' where text = 'Second, while deaf'");
      await expect.poll(() => goalList(a), { timeout: 5_000, interval: 20 }).toContain("Second, heard again");
    } finally {
      await admin.end();
    }
  });
});
