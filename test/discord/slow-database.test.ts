import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sql } from "drizzle-orm";
import { backends } from "../support/databases.js";
import { queryRows, type Database } from "../../src/db/client.js";
import { CALLBACK, type FakeInteraction, type FinalAnswer } from "./fake-discord.js";
import { MODES, startWorld, textOf, type AnyWorld } from "./world.js";

/**
 * Another transaction holds an exclusive lock on `clubs` while a member runs a command, and lets go
 * only once the member has seen the deferred "thinking…": the command can't even find its club until
 * then. The fake Discord drops interactions not acknowledged within 3 s, as Discord does, so an
 * acknowledgement that arrives while the database is still held is one the adapter sent in time,
 * without waiting for the database.
 */
const cases = backends.flatMap((backend) => MODES.map((mode) => ({ backend, mode, name: `${backend.name}, ${mode}` })));

describe.each(cases)("a slow database on $name", ({ backend, mode }) => {
  let database: Database;
  let w: AnyWorld;

  beforeAll(async () => {
    database = await backend.open();
    w = await startWorld(database, { mode });
    await w.run(w.ana, "join");
  });
  afterAll(async () => {
    await w?.stop();
    await database?.close();
  });

  /** Holds the clubs table until `release()`; the test always releases it, also when it fails. */
  async function holdClubs(): Promise<{ release(): Promise<void> }> {
    let locked!: () => void;
    let letGo!: () => void;
    const isLocked = new Promise<void>((resolve) => (locked = resolve));
    const letGoNow = new Promise<void>((resolve) => (letGo = resolve));
    const released = database.db.transaction(async (tx) => {
      await tx.execute(sql`lock table clubs in access exclusive mode`);
      locked();
      await letGoNow;
    });
    await isLocked;
    return {
      async release() {
        letGo();
        await released;
      },
    };
  }

  /** The interaction's acknowledgement (the first callback), once Discord has accepted it. */
  const acknowledgement = (interaction: FakeInteraction) =>
    w.fake.waitFor(() => interaction.answers.find((a) => a.kind === "callback"), `the acknowledgement of interaction ${interaction.id}`);

  /** On Postgres, that the command's transaction is queued behind the held lock (PGlite: behind its one connection). */
  async function expectWaitingOnTheLock(): Promise<void> {
    if (database.driver !== "postgres") return;
    const waiting = async () => {
      const [row] = await queryRows<{ n: number }>(database.db, sql`select count(*)::int as n from pg_locks where relation = 'clubs'::regclass and not granted`);
      return Number(row!.n);
    };
    await expect.poll(waiting, { timeout: 10_000 }).toBeGreaterThanOrEqual(1);
  }

  it("defers the answer within Discord's window, then edits in the reply", async () => {
    const hold = await holdClubs();
    let answer: FinalAnswer;
    try {
      const interaction = w.fake.command(w.guild, w.ana, "goal add", { text: "Apply to Globex" });
      // Deferred while the database is still held: the command has not got past finding its club.
      expect(await acknowledgement(interaction)).toMatchObject({ type: CALLBACK.deferredReply });
      await expectWaitingOnTheLock();
      expect(w.core.inFlight()).toBe(1);
      expect(interaction.answers.map((a) => a.kind)).toEqual(["callback"]);
      await hold.release();
      answer = await w.fake.answer(interaction);
    } finally {
      await hold.release();
    }

    expect(answer.sequence).toEqual([CALLBACK.deferredReply, "edit"]);
    expect(answer.deferred).toBe(true);
    // The "thinking…" is as private as the reply it stands for.
    expect(answer.ephemeral).toBe(true);
    expect(textOf(answer)).toMatch(/Goal 1 for \d{4}-W\d{2} set: Apply to Globex/);
    expect(w.logs.some((l) => l.includes("expired"))).toBe(false);
  });

  it("defers a button's answer the same way", async () => {
    const hold = await holdClubs();
    let list: FinalAnswer;
    let clicked: FinalAnswer;
    try {
      const listed = w.fake.command(w.guild, w.ana, "help");
      const click = w.fake.clickOnAnswer(w.guild, w.ana, listed, "goal list");
      expect(await acknowledgement(listed)).toMatchObject({ type: CALLBACK.deferredReply });
      expect(await acknowledgement(click)).toMatchObject({ type: CALLBACK.deferredReply });
      await expectWaitingOnTheLock();
      expect(w.core.inFlight()).toBe(2);
      await hold.release();
      [list, clicked] = await Promise.all([w.fake.answer(listed), w.fake.answer(click)]);
    } finally {
      await hold.release();
    }

    expect(clicked.sequence).toEqual([CALLBACK.deferredReply, "edit"]);
    expect(textOf(clicked)).toContain("1. ⬜ Apply to Globex");
    expect(list.deferred).toBe(true);
  });
});
