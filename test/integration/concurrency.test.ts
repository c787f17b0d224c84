import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sql } from "drizzle-orm";
import { backends } from "../support/databases.js";
import { createHarness, type Harness } from "../support/harness.js";
import { queryRows, type Database } from "../../src/db/client.js";
import type { ClubRef, Invocation, Reply } from "../../src/core/types.js";

/**
 * Intro requests racing through the real core, started together with Promise.all. On PGlite (one
 * connection) the transactions take turns; on Postgres they run at once on a pool of five and really
 * race for the same rows.
 */
describe.each(backends)("concurrent intro requests on $name", (backend) => {
  let database: Database;
  let h: Harness;
  beforeAll(async () => {
    database = await backend.open();
    h = createHarness(database);
  });
  afterAll(async () => {
    await database?.close();
  });

  /** A club of its own per test, so its intro numbers start at 1. */
  const club = (name: string): ClubRef => ({ platform: "console", externalId: `race-${name}`, name: `Race ${name}` });

  const as = (clubRef: ClubRef, user: string, text: string, via: Invocation["via"] = "text"): Invocation => ({
    club: clubRef,
    actor: { platformUserId: user, displayName: user },
    channelId: "general",
    via,
    text,
  });

  /** Runs the invocations at the same time through the core, then delivers what they queued. */
  async function race(invocations: Invocation[]): Promise<Reply[]> {
    const replies = await Promise.all(invocations.map((invocation) => h.core.handle(invocation)));
    await h.dispatcher.drain();
    return replies;
  }

  async function introsOf(clubRef: ClubRef) {
    const rows = await queryRows<{ number: number; requester: string; helper: string; company: string }>(
      database.db,
      sql`select i.number, r.display_name as requester, hp.display_name as helper, c.name as company
          from intros i
          join club_links l on l.club_id = i.club_id
          join members r on r.id = i.requester_id
          join members hp on hp.id = i.helper_id
          join companies c on c.id = i.company_id
          where l.external_id = ${clubRef.externalId}
          order by i.number`,
    );
    return rows.map((r) => ({ ...r, number: Number(r.number) }));
  }

  const requestsTo = (clubRef: ClubRef, userId: string) =>
    h.port.deliveries.filter((d) => d.kind === "direct" && d.club.externalId === clubRef.externalId && d.userId === userId && (d.reply.title ?? "").startsWith("Intro request"));

  const numbersFrom1To = (n: number) => Array.from({ length: n }, (_, i) => i + 1);

  /**
   * Deadlocks Postgres broke up since the log had `mark` lines. The core runs a deadlock's victim
   * again, so its member never sees one; but each costs a second's wait (deadlock_timeout) and an
   * attempt, and the commands here have no reason to deadlock at all.
   */
  const deadlocksSince = (mark: number) => h.logs.slice(mark).filter((line) => line.includes("deadlock detected") || line.includes('"40P01"'));

  it("Ask clicked twice at once makes one intro; the other click hears it was already asked", async () => {
    const c = club("double-click");
    const REQUESTERS = 10;
    await h.run("hal", "network add Acme works", c);
    for (let i = 0; i < REQUESTERS; i++) await h.run(`req${i}`, "join", c);
    // The button the club's `who` offers each requester: the same command line, clicked twice.
    const asks: Invocation[] = [];
    for (let i = 0; i < REQUESTERS; i++) {
      const who = await h.run(`req${i}`, "who acme", c);
      const ask = who.buttons?.find((b) => b.label.startsWith("Ask"));
      expect(ask, "an Ask button").toBeDefined();
      asks.push(as(c, `req${i}`, ask!.command, "button"), as(c, `req${i}`, ask!.command, "button"));
    }
    h.port.deliveries.length = 0;
    const mark = h.logs.length;

    const replies = await race(asks);

    for (let i = 0; i < REQUESTERS; i++) {
      const pair = [replies[2 * i]!, replies[2 * i + 1]!];
      const texts = pair.map((r) => r.text);
      // Never an apology: one click asks, the other is told kindly that it already did.
      for (const text of texts) expect(text).not.toMatch(/sorry|went wrong|try again/i);
      const asked = pair.filter((r) => /^Asked hal for an introduction at Acme \(#\d+\)/.test(r.text));
      const already = pair.filter((r) => /^You already asked hal about Acme \(#\d+, requested\)/.test(r.text));
      expect({ asked: asked.length, already: already.length }, `req${i}: ${texts.join(" | ")}`).toEqual({ asked: 1, already: 1 });
      // Both name the same intro.
      expect(already[0]!.text).toContain(`(#${/#(\d+)\)/.exec(asked[0]!.text)![1]}, requested)`);
    }
    const intros = await introsOf(c);
    expect(intros.map((i) => i.number)).toEqual(numbersFrom1To(REQUESTERS));
    expect(intros.map((i) => i.requester).sort()).toEqual(Array.from({ length: REQUESTERS }, (_, i) => `req${i}`).sort());
    // hal is asked once per requester, not once per click.
    expect(requestsTo(c, "hal")).toHaveLength(REQUESTERS);
    expect(deadlocksSince(mark)).toEqual([]);
  });

  it("intro numbers stay unique and gap-free when different members ask at once", async () => {
    const c = club("numbers");
    const MEMBERS = 16;
    await h.run("hal", "network add Acme works", c);
    await h.run("ivy", "network add Acme knows", c);
    for (let i = 0; i < MEMBERS; i++) await h.run(`m${i}`, "join", c);
    h.port.deliveries.length = 0;
    const mark = h.logs.length;

    // Each member asks hal and ivy about Acme, all at the same time.
    const replies = await race(Array.from({ length: MEMBERS }, (_, i) => [as(c, `m${i}`, "intro @hal Acme: could you help?"), as(c, `m${i}`, "intro @ivy Acme: could you help?")]).flat());

    for (const reply of replies) expect(reply.text).toMatch(/^Asked (hal|ivy) for an introduction at Acme \(#\d+\)/);
    const numbers = replies.map((r) => Number(/\(#(\d+)\)/.exec(r.text)![1])).sort((a, b) => a - b);
    expect(numbers).toEqual(numbersFrom1To(2 * MEMBERS));
    expect((await introsOf(c)).map((i) => i.number)).toEqual(numbersFrom1To(2 * MEMBERS));
    expect(requestsTo(c, "hal")).toHaveLength(MEMBERS);
    expect(requestsTo(c, "ivy")).toHaveLength(MEMBERS);
    expect(deadlocksSince(mark)).toEqual([]);
  });

  it("two members asking at once about two companies the club has never seen both get their intro", async () => {
    const c = club("new-companies");
    const PAIRS = 20;
    await h.run("hal", "join", c);
    // Two new members per pair: each asks once, well within the per-member limit on requests.
    for (let i = 0; i < PAIRS; i++) {
      await h.run(`a${i}`, "join", c);
      await h.run(`b${i}`, "join", c);
    }
    h.port.deliveries.length = 0;
    const mark = h.logs.length;

    const failures: string[] = [];
    for (let i = 0; i < PAIRS; i++) {
      const [fromA, fromB] = await race([
        // New companies are sent once confirmed: `confirm` is what the "Yes, it's new" button adds.
        as(c, `a${i}`, `intro @hal Freshco ${i} Alpha: could you introduce me? confirm`),
        as(c, `b${i}`, `intro @hal Freshco ${i} Beta: could you introduce me? confirm`),
      ]);
      if (!new RegExp(`^Asked hal for an introduction at Freshco ${i} Alpha \\(#\\d+\\)`).test(fromA!.text)) failures.push(`pair ${i}, a${i}: ${fromA!.text}`);
      if (!new RegExp(`^Asked hal for an introduction at Freshco ${i} Beta \\(#\\d+\\)`).test(fromB!.text)) failures.push(`pair ${i}, b${i}: ${fromB!.text}`);
    }

    expect(failures).toEqual([]);
    const intros = await introsOf(c);
    expect(intros.map((i) => i.number)).toEqual(numbersFrom1To(2 * PAIRS));
    expect(new Set(intros.map((i) => i.company)).size).toBe(2 * PAIRS);
    expect(requestsTo(c, "hal")).toHaveLength(2 * PAIRS);
    // Each new company's row takes a KEY SHARE lock on the club; a numbering lock stronger than the
    // counter's own NO KEY UPDATE waits for the other request's, and the two deadlock.
    expect(deadlocksSince(mark).length, "deadlocks between the pairs").toBe(0);
  });
});
