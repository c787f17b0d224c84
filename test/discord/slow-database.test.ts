import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sql } from "drizzle-orm";
import { backends } from "../support/databases.js";
import type { Database } from "../../src/db/client.js";
import { CALLBACK } from "./fake-discord.js";
import { startWorld, textOf, type World } from "./world.js";

/** How long the database is held up: well past Discord's 3-second window for an answer. */
const HOLD_SECONDS = 4;

/**
 * Another transaction holds an exclusive lock on `clubs` for 4 s while a member
 * runs a command: the command can't even find its club until the lock goes. The fake Discord drops
 * interactions not acknowledged within 3 s, as Discord does, so the answer arrives only if the
 * adapter deferred in time.
 */
describe.each(backends)("a slow database on $name", (backend) => {
  let database: Database;
  let w: World;

  beforeAll(async () => {
    database = await backend.open();
    w = await startWorld(database);
    await w.run(w.ana, "join");
  });
  afterAll(async () => {
    await w?.stop();
    await database?.close();
  });

  async function holdClubs(): Promise<{ released: Promise<void> }> {
    let locked!: () => void;
    const isLocked = new Promise<void>((resolve) => (locked = resolve));
    const released = database.db.transaction(async (tx) => {
      await tx.execute(sql`lock table clubs in access exclusive mode`);
      locked();
      // PGlite runs inside this process: pg_sleep there would stall Node itself, not just the
      // database. Holding its (single) connection in an open transaction is the same slowness.
      if (database.driver === "postgres") await tx.execute(sql.raw(`select pg_sleep(${HOLD_SECONDS})`));
      else await new Promise((resolve) => setTimeout(resolve, HOLD_SECONDS * 1000));
    });
    await isLocked;
    return { released };
  }

  it("defers the answer within Discord's window, then edits in the reply", async () => {
    const { released } = await holdClubs();
    const interaction = w.fake.command(w.guild, w.ana, "goal add", { text: "Apply to Globex" });
    const answer = await w.fake.answer(interaction);
    await released;

    expect(answer.sequence).toEqual([CALLBACK.deferredReply, "edit"]);
    expect(answer.deferred).toBe(true);
    // The "thinking…" is as private as the reply it stands for.
    expect(answer.ephemeral).toBe(true);
    expect(textOf(answer)).toMatch(/Goal 1 for \d{4}-W\d{2} set: Apply to Globex/);
    expect(w.logs.some((l) => l.includes("expired"))).toBe(false);
  });

  it("defers a button's answer the same way", async () => {
    const { released } = await holdClubs();
    const listed = w.fake.command(w.guild, w.ana, "help");
    const click = w.fake.clickOnAnswer(w.guild, w.ana, listed, "goal list");
    const [list, clicked] = await Promise.all([w.fake.answer(listed), w.fake.answer(click)]);
    await released;

    expect(clicked.sequence).toEqual([CALLBACK.deferredReply, "edit"]);
    expect(textOf(clicked)).toContain("1. ⬜ Apply to Globex");
    expect(list.deferred).toBe(true);
  });
});
