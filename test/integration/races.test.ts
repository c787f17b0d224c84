import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { backends } from "../support/databases.js";
import { CLUB_B, createHarness, type Harness } from "../support/harness.js";
import { queryRows, type Database } from "../../src/db/client.js";

/**
 * The same member's commands at the same moment (two tabs, a double click, a retried request), and
 * rows that must stay in their club whatever a query gets wrong. On Postgres the commands truly run
 * at once; PGlite has one connection and runs them one after another.
 */
describe.each(backends)("concurrent commands and club keys on $name", (backend) => {
  let database: Database;
  let h: Harness;
  beforeAll(async () => {
    database = await backend.open();
    h = createHarness(database);
  });
  afterAll(async () => {
    await database?.close();
  });

  const count = async (query: ReturnType<typeof sql>) => Number((await queryRows<{ n: number }>(database.db, query))[0]!.n);

  it("the same network tie and target added at once make one row each, and nobody hears an apology", async () => {
    const replies = await Promise.all([
      ...Array.from({ length: 6 }, () => h.run("ana", "network add Initech works")),
      ...Array.from({ length: 6 }, (_, i) => h.run("ana", `target add Initech ${i % 2 ? "applied" : ""}`.trim())),
    ]);
    for (const reply of replies) expect(reply.tone, reply.text).not.toBe("error");
    expect(await count(sql`select count(*)::int as n from network_ties t join platform_users p on p.member_id = t.member_id where p.platform_user_id = 'ana'`)).toBe(1);
    expect(await count(sql`select count(*)::int as n from targets t join platform_users p on p.member_id = t.member_id where p.platform_user_id = 'ana'`)).toBe(1);
    // A target added without a stage keeps the stage it has.
    await h.run("ana", "target stage Initech interviewing");
    await h.run("ana", "target add Initech");
    expect((await h.run("ana", "target list")).text).toMatch(/Initech.*interviewing/);
  });

  it("goals added all at once stop at the weekly cap of 20", async () => {
    await h.run("bob", "join");
    const replies = await Promise.all(Array.from({ length: 26 }, (_, i) => h.run("bob", `goal add Goal ${i}`)));
    const numbers = replies.filter((r) => r.tone === "success").map((r) => Number(/^Goal (\d+) for/.exec(r.text)?.[1]));
    expect(numbers.sort((x, y) => x - y)).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
    for (const reply of replies.filter((r) => r.tone !== "success")) expect(reply.text).toContain("You already have 20 goals this week");
    expect(await count(sql`select count(*)::int as n from goals g join platform_users p on p.member_id = g.member_id where p.platform_user_id = 'bob'`)).toBe(20);
  });

  it("the same goal marked done (or undone) at once changes once: one answer says it was done, the rest say already", async () => {
    await h.run("cleo", "join");
    await h.run("cleo", "goal add Apply to Initech");
    const done = await Promise.all(Array.from({ length: 4 }, () => h.run("cleo", "goal done 1")));
    expect(done.filter((r) => r.text.startsWith("✅ Done")).map((r) => r.text)).toHaveLength(1);
    expect(done.filter((r) => r.text.includes("was already done"))).toHaveLength(3);
    const undone = await Promise.all(Array.from({ length: 4 }, () => h.run("cleo", "goal undo 1")));
    expect(undone.filter((r) => r.text.includes("is open again"))).toHaveLength(1);
    expect(undone.filter((r) => r.text.includes("isn't marked done"))).toHaveLength(3);
  });

  it("first contacts of one person and one club at once make one member and one club", async () => {
    const newClub = { ...CLUB_B, externalId: "club-race" };
    const replies = await Promise.all(Array.from({ length: 8 }, () => h.run("newcomer", "join Designer", newClub)));
    for (const reply of replies) expect(reply.tone, reply.text).toBe("success");
    expect(await count(sql`select count(*)::int as n from club_links where external_id = 'club-race'`)).toBe(1);
    expect(await count(sql`select count(*)::int as n from clubs c where not exists (select 1 from club_links l where l.club_id = c.id)`)).toBe(0);
    expect(await count(sql`select count(*)::int as n from platform_users where platform_user_id = 'newcomer'`)).toBe(1);
    expect(await count(sql`select count(*)::int as n from members m where not exists (select 1 from platform_users p where p.member_id = m.id)`)).toBe(0);
  });

  it("no row can point at another club's member or company, whatever a query does", async () => {
    await h.run("yan", "network add Acme works", CLUB_B);
    const [a] = await queryRows<{ club: number; member: number }>(
      database.db,
      sql`select m.club_id as club, m.id as member from members m join platform_users p on p.member_id = m.id where p.platform_user_id = 'ana' and p.club_id = m.club_id`,
    );
    const [b] = await queryRows<{ club: number; company: number }>(
      database.db,
      sql`select c.club_id as club, c.id as company from companies c join club_links l on l.club_id = c.club_id where l.external_id = ${CLUB_B.externalId}`,
    );
    expect(a!.club).not.toBe(b!.club);
    const attempts = [
      sql`insert into goals (club_id, member_id, text, iso_week, created_at) values (${b!.club}, ${a!.member}, 'x', '2026-W47', now())`,
      sql`insert into network_ties (club_id, member_id, company_id, relation, created_at, touched_at) values (${a!.club}, ${a!.member}, ${b!.company}, 'works', now(), now())`,
      sql`insert into thanks (club_id, from_member_id, to_member_id, created_at) values (${b!.club}, ${a!.member}, ${a!.member}, now())`,
    ];
    for (const attempt of attempts) {
      await expect(database.db.transaction((tx) => tx.execute(attempt))).rejects.toMatchObject({ cause: expect.objectContaining({ code: "23503" }) });
    }
  });
});
