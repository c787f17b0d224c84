import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { backends } from "../support/databases.js";
import { CLUB_A, createHarness, type Harness } from "../support/harness.js";
import type { Database } from "../../src/db/client.js";

/** What main's SIGTERM handler waits on before it closes the adapters and the database. */
describe.each(backends)("waiting for commands under way before shutting down, on $name", (backend) => {
  let database: Database;
  let h: Harness;
  beforeAll(async () => {
    database = await backend.open();
    h = createHarness(database);
    await h.run("ana", "join");
  });
  afterAll(async () => {
    await database?.close();
  });

  it("idle() resolves once the command running finishes, and says so when the grace time runs out first", async () => {
    expect(await h.core.idle(1_000)).toBe(true);
    // Another transaction holds ana's row, so her goal add waits on it (PGlite: on the one connection).
    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    let locked!: () => void;
    const isLocked = new Promise<void>((resolve) => (locked = resolve));
    const holder = database.db.transaction(async (tx) => {
      await tx.execute(sql`select id from members for update`);
      locked();
      await released;
    });
    await isLocked;
    const command = h.core.handle({ club: CLUB_A, actor: { platformUserId: "ana", displayName: "ana" }, via: "text", text: "goal add Finish before shutdown" });
    expect(h.core.inFlight()).toBe(1);
    expect(await h.core.idle(20)).toBe(false);

    const idle = h.core.idle(60_000);
    release();
    await holder;
    expect(await idle).toBe(true);
    expect((await command).tone).toBe("success");
    expect(h.core.inFlight()).toBe(0);
  });
});
