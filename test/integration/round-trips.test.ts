import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openScratchPostgres } from "../support/databases.js";
import { fakeClock } from "../support/harness.js";
import { startPgWireCounter } from "../support/pg-wire-counter.js";
import { openPostgres, type Database } from "../../src/db/client.js";
import { createCore, type Core } from "../../src/core/core.js";
import type { Invocation } from "../../src/core/types.js";
import { createLogger } from "../../src/util/logger.js";

const baseUrl = process.env.TEST_DATABASE_URL;

/**
 * What a command costs on the wire to Postgres, counted by a proxy that reads the protocol: the
 * commands people use most answer in as few round trips as their work needs.
 */
describe.skipIf(!baseUrl)("round trips to Postgres per command", () => {
  let scratch: Database & { url: string };
  let counted: Database;
  let counter: Awaited<ReturnType<typeof startPgWireCounter>>;
  let core: Core;
  // Sunday 20:00 UTC: already Monday (the next ISO week) in Auckland.
  const clock = fakeClock("2026-11-22T20:00:00Z");
  const club = { platform: "slack" as const, externalId: "T0WIRE", name: "Wire" };
  const as = (user: string, text: string): Invocation => ({ club, actor: { platformUserId: user, displayName: user }, via: "text", text });

  beforeAll(async () => {
    scratch = await openScratchPostgres(baseUrl!);
    const target = new URL(scratch.url);
    counter = await startPgWireCounter({ host: target.hostname, port: Number(target.port || 5432) });
    counted = await openPostgres(counter.url(scratch.url), { poolSize: 3 });
    core = createCore({ db: counted.db, logger: createLogger({ level: "silent" }), clock });
    for (const user of ["ana", "kiri"]) await core.handle(as(user, "join"));
    await core.handle(as("kiri", "profile timezone Pacific/Auckland"));
    for (const text of ["goal add Call Acme", "goal add Write to Bob"]) {
      await core.handle(as("ana", text));
      await core.handle(as("kiri", text));
    }
    // A goal of the week before, which `goal list` must not show.
    clock.set("2026-11-13T12:00:00Z");
    await core.handle(as("ana", "goal add Last week's goal"));
    clock.set("2026-11-22T20:00:00Z");
  });
  afterAll(async () => {
    await counted?.close();
    await counter?.close();
    await scratch?.close();
  });

  it("goal list is one round trip, with no transaction", async () => {
    counter.take();
    const reply = await core.handle(as("ana", "goal list"));
    const sent = counter.take();
    expect(reply.text).toContain("1. ⬜ Call Acme\n2. ⬜ Write to Bob");
    expect(reply.text).not.toContain("Last week");
    expect(reply.title).toBe("Goals for 2026-W47");
    expect(sent).toEqual({ roundTrips: 1, simpleQueries: [] });
  });

  it("a member whose timezone is already in the next week sees that week's goals, still in one round trip", async () => {
    counter.take();
    const reply = await core.handle(as("kiri", "goal list"));
    expect(reply.title).toBe("Goals for 2026-W48");
    expect(reply.text).toContain("1. ⬜ Call Acme\n2. ⬜ Write to Bob");
    expect(counter.take().roundTrips).toBe(1);
  });

  it("another week's list asks for that week's goals besides", async () => {
    counter.take();
    const reply = await core.handle(as("ana", "goal list last"));
    expect(reply.text).toContain("1. ⬜ Last week's goal");
    expect(counter.take().roundTrips).toBe(2);
  });

  it("profile, config and help that only show skip the transaction; a change takes one", async () => {
    for (const text of ["profile", "profile @kiri", "config", "help", "help goal"]) {
      counter.take();
      const reply = await core.handle(as("ana", text));
      expect(reply.tone, text).not.toBe("error");
      expect(counter.take().simpleQueries, text).toEqual([]);
    }
    counter.take();
    expect((await core.handle(as("ana", "profile headline Data engineer"))).text).toContain("Headline: Data engineer");
    expect(counter.take().simpleQueries.map((q) => q.toLowerCase())).toEqual(["begin", "commit"]);
  });

  it("a command that changes something runs in one transaction", async () => {
    counter.take();
    await core.handle(as("ana", "goal done 1"));
    const sent = counter.take();
    expect(sent.simpleQueries.map((q) => q.toLowerCase())).toEqual(["begin", "commit"]);
    expect((await core.handle(as("ana", "goal list"))).text).toContain("1. ✅ Call Acme");
  });
});
