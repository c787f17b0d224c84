import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { sql } from "drizzle-orm";
import { backends } from "../support/databases.js";
import { CLUB_A, CLUB_B, createHarness, type Harness } from "../support/harness.js";
import { queryRows, type Database } from "../../src/db/client.js";
import { findClub } from "../../src/db/store/clubs.js";
import { createClubStore } from "../../src/db/store/club-store.js";
import { createDispatcher } from "../../src/outbox/dispatcher.js";
import type { MessengerPort } from "../../src/outbox/port.js";
import { expandFanouts } from "../../src/db/store/fanouts.js";
import { linkStore } from "../../src/db/store/linking.js";
import { createJobRunner } from "../../src/scheduler/runner.js";
import { silentLogger } from "../../src/util/logger.js";

// Issue 10: the weekly matches job queues its DMs as one fan-out row in its transaction; the
// dispatcher writes them out into the outbox afterwards. Nothing may be lost, doubled, or name a
// member who has since asked to be forgotten.

const TUESDAY = "2026-11-17T10:00:00Z";
const SEEKERS = ["s1", "s2", "s3", "s4", "s5"];
const WEEK = 7 * 86_400_000;

const count = async (database: Database, query: ReturnType<typeof sql>) => Number((await queryRows<{ n: number }>(database.db, query))[0]!.n);
const matchDms = (h: Harness) => h.port.deliveries.filter((d) => d.kind === "direct" && d.reply.title === "Your matches this week");

describe.each(backends)("the weekly matches as a fan-out ($name)", (backend) => {
  let database: Database;
  let h: Harness;
  let week = 0;
  /** Runs the matches job without delivering anything (the harness's runJob drains at once). */
  async function runMatchesOnly(): Promise<number> {
    h.clock.set(new Date(new Date(TUESDAY).getTime() + week++ * 13 * WEEK).toISOString());
    // Everyone answered lately, so everyone is prompted.
    for (const user of [...SEEKERS, "wes", "ola"]) await h.run(user, "goal list");
    h.port.deliveries.length = 0;
    const club = await findClub(database.db, CLUB_A);
    const runner = createJobRunner({ db: database.db, clock: h.clock, logger: silentLogger });
    const run = await runner.run(club!.id, "matches", h.clock.now());
    if (!run.ran) throw new Error(`did not run: ${run.reason}`);
    return run.sent;
  }

  beforeAll(async () => {
    database = await backend.open();
    h = createHarness(database);
    h.clock.set("2026-11-16T08:00:00Z");
    await h.run("wes", "network add Acme works");
    await h.run("ola", "network add Acme knows");
    for (const user of SEEKERS) await h.run(user, "target add Acme");
  });
  beforeEach(async () => {
    await h.dispatcher.drain();
    h.port.deliveries.length = 0;
  });
  afterAll(async () => {
    await database?.close();
  });

  it("commits one row, not a row per DM; two processes writing it out at once queue each DM once", async () => {
    expect(await runMatchesOnly()).toBe(SEEKERS.length);
    expect(await count(database, sql`select count(*)::int as n from outbox_fanouts`)).toBe(1);
    expect(await count(database, sql`select count(*)::int as n from outbox where dedupe_key like 'matches:%'`)).toBe(0);

    // Two at a time, two members per transaction, until nothing waits.
    const now = h.clock.now();
    for (;;) {
      const handled = await Promise.all([expandFanouts(database.db, now, 2), expandFanouts(database.db, now, 2)]);
      if (handled.every((n) => n === 0)) break;
    }
    const rows = await queryRows<{ to: number; n: number }>(
      database.db,
      sql`select (payload->>'to')::int as to, count(*)::int as n from outbox where dedupe_key like 'matches:%' group by 1`,
    );
    expect(rows).toHaveLength(SEEKERS.length);
    expect(rows.every((r) => Number(r.n) === 1)).toBe(true);
    expect(await count(database, sql`select count(*)::int as n from outbox_fanouts`)).toBe(0);

    await h.dispatcher.drain();
    const dms = matchDms(h);
    expect(dms.map((d) => d.kind === "direct" && d.userId).sort()).toEqual(SEEKERS);
    // Rendered from the suggestions recorded: both paths, best first, with an Ask button each.
    // Rendered from the suggestions recorded: wes (the stronger tie) for three (his weekly cap), ola for the others.
    const helpers = dms.map((d) => /• (\w+) (?:works at|knows someone at) Acme$/.exec(d.reply.text)?.[1]);
    expect(helpers.filter((x) => x === "wes")).toHaveLength(3);
    expect(helpers.filter((x) => x === "ola")).toHaveLength(2);
    for (const dm of dms) {
      const helper = /• (\w+)/.exec(dm.reply.text)![1];
      expect(dm.reply.text).toBe(`Hi ${dm.kind === "direct" && dm.userId}!\nWarm paths to your targets this week:\n• ${helper} ${helper === "wes" ? "works at" : "knows someone at"} Acme`);
      expect(dm.reply.buttons?.map((b) => b.label)).toEqual([`Ask ${helper} about Acme`]);
    }
  });

  it("a dispatcher started after the run (the one that ran it stopped) delivers them, each once", async () => {
    await runMatchesOnly();
    const later = createHarness(database);
    await later.dispatcher.drain();
    await later.dispatcher.drain();
    const to = later.port.deliveries.filter((d) => d.kind === "direct" && d.reply.title === "Your matches this week").map((d) => d.kind === "direct" && d.userId);
    expect(to.sort()).toEqual(SEEKERS);
  });

  it("forget-me before they are written out: no DM to the member, and none names them", async () => {
    // Commands straight to the core: the harness's run() would deliver the fan-out after each.
    const quietly = (user: string, text: string) => h.core.handle({ club: CLUB_A, actor: { platformUserId: user, displayName: user }, channelId: "general", via: "text", text });
    await runMatchesOnly();
    const suggested = await queryRows<{ member: string; helper: string }>(
      database.db,
      sql`select m.display_name as member, x.display_name as helper from match_suggestions s join members m on m.id = s.member_id join members x on x.id = s.helper_id
          where s.created_at = ${h.clock.now()}`,
    );
    expect(suggested.map((r) => r.helper).sort()).toEqual(["ola", "ola", "wes", "wes", "wes"]);
    const exported = JSON.parse((await quietly("s5", "export")).attachment!.content) as { outbox: Array<{ status: string; payload: { to: number; matches?: unknown } }> };
    expect(exported.outbox.filter((m) => m.status === "pending" && m.payload.matches !== undefined)).toHaveLength(1);

    const [s5] = await queryRows<{ id: number }>(database.db, sql`select id from members where display_name = 's5'`);
    expect(await count(database, sql`select count(*)::int as n from outbox_fanouts where ${s5!.id} = any(recipients)`)).toBe(1);
    // s5 asks to be forgotten, and so does ola, a helper two DMs of this run name.
    for (const user of ["s5", "ola"]) {
      await quietly(user, "forget-me");
      await quietly(user, "forget-me confirm");
    }
    expect(await count(database, sql`select count(*)::int as n from outbox where dedupe_key like 'matches:%' and status = 'pending'`)).toBe(0);
    // Not even their id is left in the waiting fan-out.
    expect(await count(database, sql`select count(*)::int as n from outbox_fanouts where ${s5!.id} = any(recipients)`)).toBe(0);
    await h.dispatcher.drain();
    const dms = matchDms(h);
    // Those whose path was wes get it; those whose only path was ola have nothing left to hear.
    const expected = suggested.filter((r) => r.helper === "wes" && r.member !== "s5").map((r) => r.member);
    expect(dms.map((d) => d.kind === "direct" && d.userId).sort()).toEqual(expected.sort());
    for (const dm of dms) expect(dm.reply.text).not.toContain("ola");
    // A DM written out counts as a prompt not answered yet (everyone answered just before the run);
    // a member left with nothing to hear got no DM, so no prompt is counted for them.
    const counted = await queryRows<{ name: string; n: number }>(
      database.db,
      sql`select display_name as name, unanswered_prompts as n from members where display_name like 's%' order by display_name`,
    );
    expect(counted).toEqual(["s1", "s2", "s3", "s4"].map((name) => ({ name, n: expected.includes(name) ? 1 : 0 })));
  });

  it("two records of one person merged before the writing-out: one DM, to the record kept, with both records' paths", async () => {
    await runMatchesOnly();
    const club = (await findClub(database.db, CLUB_A))!;
    const ids = new Map((await queryRows<{ id: number; name: string }>(database.db, sql`select id, display_name as name from members`)).map((r) => [r.name, Number(r.id)]));
    const recipientsNow = async () => (await queryRows<{ recipients: number[] }>(database.db, sql`select recipients from outbox_fanouts`))[0]!.recipients.map(Number);
    const before = await recipientsNow();
    const suggested = async (member: number) => count(database, sql`select count(*)::int as n from match_suggestions where member_id = ${member} and created_at = ${h.clock.now()}`);
    const [s1, s2] = [ids.get("s1")!, ids.get("s2")!];
    const paths = (await suggested(s1)) + (await suggested(s2));
    expect(before).toContain(s2);
    await database.db.transaction((tx) => linkStore(tx, club.id).mergeMembers(s1, s2, h.clock.now()));
    const after = await recipientsNow();
    expect(after.sort()).toEqual([...new Set(before.map((id) => (id === s2 ? s1 : id)))].sort());
    await h.dispatcher.drain();
    const dms = matchDms(h);
    expect(dms).toHaveLength(after.length);
    const kept = dms.filter((d) => d.reply.text.startsWith("Hi s1!"));
    expect(kept).toHaveLength(1);
    expect(kept[0]!.reply.text.split("\n").filter((line) => line.startsWith("• "))).toHaveLength(paths);
  });

  it("a fan-out is written out and delivered while another club's long queue on the same lane still waits", async () => {
    // Club B (same platform, so the same lane) has 60 DMs waiting for one member.
    await h.run("bea", "join", CLUB_B);
    const clubB = (await findClub(database.db, CLUB_B))!;
    const [bea] = await queryRows<{ id: number }>(database.db, sql`select id from members where club_id = ${clubB.id} and display_name = 'bea'`);
    const backlog = Array.from({ length: 60 }, (_, i) => ({ kind: "direct" as const, to: Number(bea!.id), reply: { text: `news ${i}`, visibility: "private" as const } }));
    await runMatchesOnly();
    await createClubStore(database.db, clubB.id).outbox.enqueueMany(backlog, h.clock.now());

    // A platform that takes a few milliseconds a message, as real ones do: the lane has a queue.
    const slow: MessengerPort = {
      ...h.port,
      sendDirect: async (club, userId, reply) => {
        await new Promise((resolve) => setTimeout(resolve, 3));
        await h.port.sendDirect(club, userId, reply);
      },
    };
    const dispatcher = createDispatcher({ db: database.db, ports: [slow], logger: silentLogger, clock: h.clock, batchSize: 10 });
    await dispatcher.drain();
    const order = h.port.deliveries.map((d) => (d.kind === "direct" && d.reply.title === "Your matches this week" ? "A" : d.kind === "direct" && d.userId === "bea" ? "B" : "?"));
    expect(order.filter((x) => x === "B")).toHaveLength(60);
    expect(order.filter((x) => x === "A").length).toBeGreaterThan(0);
    // Club A's DMs went out among B's, not after all of them.
    expect(order.lastIndexOf("A")).toBeLessThan(order.lastIndexOf("B"));
  });
});
