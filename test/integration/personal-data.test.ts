import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sql } from "drizzle-orm";
import { backends } from "../support/databases.js";
import { CLUB_A, createHarness, type Harness } from "../support/harness.js";
import { queryRows, type Database } from "../../src/db/client.js";
import { personalTables } from "../../src/db/store/personal-data.js";
import { createClubStore } from "../../src/db/store/club-store.js";

/** Columns that point at a member, found from the live schema's foreign keys. */
async function memberColumns(database: Database): Promise<Array<{ table: string; column: string }>> {
  return queryRows(
    database.db,
    sql`select kcu.table_name as "table", kcu.column_name as "column"
        from information_schema.table_constraints tc
        join information_schema.key_column_usage kcu on kcu.constraint_name = tc.constraint_name and kcu.table_schema = tc.table_schema
        join information_schema.constraint_column_usage ccu on ccu.constraint_name = tc.constraint_name and ccu.table_schema = tc.table_schema
        where tc.constraint_type = 'FOREIGN KEY' and tc.table_schema = 'public' and ccu.table_name = 'members'
          -- Member keys include the club (composite keys); the club column is not a member column.
          and kcu.column_name <> 'club_id'
        order by 1, 2`,
  );
}

async function memberId(database: Database, name: string): Promise<number> {
  const [row] = await queryRows<{ id: number }>(database.db, sql`select member_id as id from platform_users where platform_user_id = ${name}`);
  return Number(row!.id);
}

describe.each(backends)("export and forget-me on $name", (backend) => {
  let database: Database;
  let h: Harness;
  let ana: number;
  beforeAll(async () => {
    database = await backend.open();
    h = createHarness(database);
    // ana touches every table; bob and cy are the rest of the club.
    await h.run("ana", "join Product manager");
    await h.run("ana", "goal add Send 5 messages");
    await h.run("ana", "target add Acme interviewing");
    await h.run("ana", "network add Globex worked");
    await h.run("ana", "log coffee with a PM");
    await h.run("ana", "win Final round!");
    await h.run("bob", "network add Acme works");
    await h.run("bob", "goal add bob's private goal");
    await h.run("cy", "network add Acme knows");
    await h.run("ana", "intro @bob Acme: intro to the PM lead?");
    await h.run("bob", "intro accept 1");
    await h.run("cy", "intro @ana Globex");
    await h.run("ana", "thanks @bob referral");
    await h.run("cy", "thanks @ana information");
    await h.admin("boss", "config organisers @ana");
    await h.run("ana", "config link");
    await h.run("ana", "target add Initech");
    await h.run("cy", "network add Initech works");
    expect((await h.runJob("matches")).ran).toBe(true);
    // One message about ana still waiting in the outbox.
    h.port.failNext(new Error("network down"));
    await h.run("bob", "thanks @ana for the coffee");
    ana = await memberId(database, "ana");
    // ana signed in to the dashboard (over HTTP, in test/dashboard): her session row, as sign-in writes it.
    const [{ club_id: clubId }] = (await queryRows<{ club_id: number }>(database.db, sql`select club_id from members where id = ${ana}`)) as [{ club_id: number }];
    await createClubStore(database.db, clubId).dashboard.createSession({ memberId: ana, tokenHash: "0".repeat(64), viaAdmin: false, now: h.clock.now(), expiresAt: new Date(h.clock.now().getTime() + 3_600_000) });
  });
  afterAll(async () => {
    await database?.close();
  });

  it("the personal-data list covers every table that points at a member", async () => {
    const columns = await memberColumns(database);
    const covered = new Set(personalTables.flatMap((t) => t.memberColumns.map((c) => `${t.name}.${c.name}`)));
    for (const { table, column } of columns) expect(covered, `${table}.${column}`).toContain(`${table}.${column}`);
  });

  it("export holds every row about the member, in every table, and nothing of others' private data", async () => {
    const reply = await h.run("ana", "export");
    expect(reply.visibility).toBe("private");
    expect(reply.attachment?.contentType).toBe("application/json");
    const data = JSON.parse(reply.attachment!.content) as Record<string, unknown[]>;
    for (const entry of personalTables) {
      const where = entry.memberColumns.map((c) => `${c.name} = ${ana}`).join(" or ");
      const [count] = await queryRows<{ n: number }>(database.db, sql.raw(`select count(*)::int as n from ${entry.name} where ${where}`));
      expect(data[entry.name], entry.name).toHaveLength(Number(count!.n));
      expect(Number(count!.n), `${entry.name} has test data`).toBeGreaterThan(0);
    }
    expect(data.outbox!.length).toBeGreaterThan(0);
    // Only messages to ana: a waiting message to someone else that names her is their mail, not hers.
    expect(data.outbox!.every((row) => JSON.stringify(row).includes('"to":' + ana) || JSON.stringify(row).includes("members"))).toBe(true);
    expect(data.members).toEqual([expect.objectContaining({ displayName: "ana", headline: "Product manager" })]);
    // Another member's goals never appear.
    expect(JSON.stringify(data)).not.toContain("bob's private goal");
  });

  it("forget-me asks first and deletes nothing until confirmed", async () => {
    const ask = await h.run("ana", "forget-me");
    expect(ask.buttons).toContainEqual({ label: "Delete everything", command: "forget-me confirm", style: "danger" });
    const [members] = await queryRows<{ n: number }>(database.db, sql`select count(*)::int as n from members where id = ${ana}`);
    expect(Number(members!.n)).toBe(1);
  });

  it("forget-me confirm leaves no row about the member in any table", async () => {
    const reply = await h.run("ana", "forget-me confirm");
    expect(reply.tone).toBe("success");
    for (const { table, column } of await memberColumns(database)) {
      const [row] = await queryRows<{ n: number }>(database.db, sql.raw(`select count(*)::int as n from ${table} where ${column} = ${ana}`));
      expect(Number(row!.n), `${table}.${column}`).toBe(0);
    }
    const [queued] = await queryRows<{ n: number }>(database.db, sql`select count(*)::int as n from outbox where ${ana} = any(member_ids)`);
    expect(Number(queued!.n)).toBe(0);
    const [left] = await queryRows<{ n: number }>(database.db, sql`select count(*)::int as n from members`);
    expect(Number(left!.n)).toBe(3); // bob, cy and boss
    // The others keep their data and the club keeps working.
    expect((await h.run("cy", "who acme")).text).toContain("bob works at Acme");
  });

  it("after forget-me only an explicit join makes the person a member again, and they start fresh", async () => {
    const members = async () => Number((await queryRows<{ n: number }>(database.db, sql`select count(*)::int as n from platform_users where platform_user_id = 'ana'`))[0]!.n);
    // Reads, old buttons and other commands answer with how to join, and create nobody.
    for (const line of ["goal list", "intro list", "goal add Back at it", "profile headline Designer", "export"]) {
      const reply = await h.run("ana", line);
      expect(reply.text, line).toContain("forget you");
      expect(reply.buttons, line).toContainEqual(expect.objectContaining({ command: "join" }));
    }
    expect((await h.invoke({ club: CLUB_A, actor: { platformUserId: "ana", displayName: "ana" }, via: "button", text: "goal done 1" })).text).toContain("forget you");
    expect(await members()).toBe(0);
    // The forgotten account is kept only as a hash: the id itself is nowhere.
    const [kept] = await queryRows<{ hash: string }>(database.db, sql`select account_hash as hash from forgotten_accounts`);
    expect(kept!.hash).toMatch(/^[0-9a-f]{64}$/);
    expect(kept!.hash).not.toContain("ana");

    expect((await h.run("ana", "join Designer")).tone).toBe("success");
    expect(await members()).toBe(1);
    expect(await memberId(database, "ana")).not.toBe(ana);
    expect((await h.run("ana", "goal list")).text).toContain("No goals");
    expect(await queryRows(database.db, sql`select id from forgotten_accounts`)).toEqual([]);
  });

  it("the App Home's reads racing forget-me never bring the member back", async () => {
    await h.run("dee", "join Analyst");
    await h.run("dee", "goal add Apply to 3 roles");
    // What opening the Home runs, at the same moment as the confirmation.
    const replies = await Promise.all([
      h.run("dee", "forget-me confirm"),
      h.run("dee", "goal list"),
      h.run("dee", "target list"),
      h.run("dee", "intro list"),
    ]);
    expect(replies[0].tone).toBe("success");
    const [left] = await queryRows<{ n: number }>(database.db, sql`select count(*)::int as n from platform_users where platform_user_id = 'dee'`);
    expect(Number(left!.n)).toBe(0);
    expect((await h.run("dee", "goal list")).text).toContain("forget you");
  });

  it("a command racing forget-me either runs before it or is refused, and leaves nothing behind", async () => {
    await h.run("eve", "join Analyst");
    const replies = await Promise.all([h.run("eve", "forget-me confirm"), h.run("eve", "goal add One more"), h.run("eve", "network add Initech knows")]);
    expect(replies[0].tone).toBe("success");
    for (const reply of replies.slice(1)) expect(reply.text).not.toContain("Sorry");
    const [left] = await queryRows<{ n: number }>(database.db, sql`select count(*)::int as n from platform_users where platform_user_id = 'eve'`);
    expect(Number(left!.n)).toBe(0);
  });
});
