import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sql } from "drizzle-orm";
import { backends } from "../support/databases.js";
import { CLUB_A, CLUB_B, createHarness, type Harness } from "../support/harness.js";
import { queryRows, type Database } from "../../src/db/client.js";

/** Two clubs on one database, with the same people names and the same companies. */
describe.each(backends)("tenant isolation on $name", (backend) => {
  let database: Database;
  let h: Harness;
  beforeAll(async () => {
    database = await backend.open();
    h = createHarness(database);
    await h.run("ana", "join Designer", CLUB_A);
    await h.run("bob", "network add Acme works", CLUB_A);
    await h.run("zed", "network add Acme Corp works", CLUB_B);
    await h.run("zed", "network add Secretco knows", CLUB_B);
    await h.run("ana", "target add Initech", CLUB_A);
  });
  afterAll(async () => {
    await database?.close();
  });

  it("who finds only this club's members", async () => {
    const a = await h.run("ana", "who acme", CLUB_A);
    expect(a.text).toContain("bob works at Acme");
    expect(a.text).not.toContain("zed");
    const b = await h.run("yan", "who acme", CLUB_B);
    expect(b.text).toContain("zed works at Acme Corp");
    expect(b.text).not.toContain("bob");
    expect((await h.run("ana", "who Secretco", CLUB_A)).text).toContain("Nobody in the club");
  });

  it("companies are per club: each keeps its own first spelling", async () => {
    const rows = await queryRows<{ club: string; name: string }>(
      database.db,
      sql`select l.external_id as club, c.name from companies c join club_links l on l.club_id = c.club_id where c.normalized_name = 'acme' order by 1`,
    );
    expect(rows).toEqual([
      { club: "club-a", name: "Acme" },
      { club: "club-b", name: "Acme Corp" },
    ]);
  });

  it("a member of one club cannot be mentioned from another", async () => {
    const reply = await h.run("ana", "intro @zed Acme", CLUB_A);
    expect(reply.text).toContain("don't know that member");
    expect((await h.run("ana", "thanks @zed", CLUB_A)).tone).toBe("error");
  });

  it("intro numbers and buttons only reach the club they were made in", async () => {
    await h.run("ana", "intro @bob Acme", CLUB_A);
    const dm = h.port.deliveries.at(-1)!;
    expect(dm.club.externalId).toBe("club-a");
    const button = dm.reply.buttons![0]!.command;
    h.port.deliveries.length = 0;
    // The same user id in another club presses the same button: a different member, no such intro.
    const replay = await h.invoke({ club: CLUB_B, actor: { platformUserId: "bob", displayName: "bob" }, via: "button", text: button });
    expect(replay.text).toContain("There is no intro #1 in this club");
    const [intro] = await queryRows<{ status: string }>(database.db, sql`select status from intros where number = 1`);
    expect(intro!.status).toBe("requested");
    expect(h.port.deliveries).toHaveLength(0);
  });

  it("each club numbers its own intros from 1", async () => {
    await h.run("yan", "intro @zed Acme", CLUB_B);
    const numbers = await queryRows<{ club: string; number: number }>(
      database.db,
      sql`select l.external_id as club, i.number from intros i join club_links l on l.club_id = i.club_id order by 1, 2`,
    );
    expect(numbers).toEqual([
      { club: "club-a", number: 1 },
      { club: "club-b", number: 1 },
    ]);
  });

  it("lists and exports show only the member's own club", async () => {
    await h.run("ana", "goal add Club A goal", CLUB_A);
    await h.run("ana", "goal add Club B goal", CLUB_B);
    const list = await h.run("ana", "goal list", CLUB_A);
    expect(list.text).toContain("Club A goal");
    expect(list.text).not.toContain("Club B goal");
    const exported = JSON.parse((await h.run("ana", "export", CLUB_B)).attachment!.content) as { goals: Array<{ text: string }>; targets: unknown[] };
    expect(exported.goals.map((g) => g.text)).toEqual(["Club B goal"]);
    expect(exported.targets).toEqual([]);
  });

  it("autocomplete offers only this club's companies", async () => {
    expect(await h.core.completeCompanies(CLUB_A, "")).toEqual(["Acme", "Initech"]);
    expect(await h.core.completeCompanies(CLUB_B, "se")).toEqual(["Secretco"]);
    expect(await h.core.completeCompanies(CLUB_A, "se")).toEqual([]);
    expect(await h.core.completeCompanies({ platform: "console", externalId: "no-such-club" }, "a")).toEqual([]);
  });

  it("a bot-written member reference (<@#id>) names nobody outside its club", async () => {
    // cat is a member of club A only, and on a break there: nothing about her may show in club B.
    await h.run("cat", "join Recruiter", CLUB_A);
    expect((await h.run("cat", "snooze 14", CLUB_A)).tone).toBe("success");
    const [cat] = await queryRows<{ id: number }>(
      database.db,
      sql`select m.id from members m join platform_users p on p.club_id = m.club_id and p.member_id = m.id join club_links l on l.club_id = m.club_id where l.external_id = 'club-a' and p.platform_user_id = 'cat'`,
    );
    // Buttons write members as <@#id>; here club B's members type club A's id by hand.
    const ref = `<@#${cat!.id}>`;
    h.port.deliveries.length = 0;

    const intro = await h.run("yan", `intro ${ref} Acme: could you introduce me?`, CLUB_B);
    expect(intro.text).toContain("don't know that member");
    expect(intro.text).not.toContain("cat");
    const thanks = await h.run("yan", `thanks ${ref} for the tip`, CLUB_B);
    expect(thanks.text).toContain("don't know that member");
    const organisers = await h.admin("zed", `config organisers ${ref}`, CLUB_B);
    expect(organisers.text).toContain("hasn't used Warmpath in this club yet");

    // Nothing reached cat, and nothing in club B points at her.
    expect(h.port.deliveries).toEqual([]);
    const [pointers] = await queryRows<{ n: number }>(
      database.db,
      sql`select (select count(*) from intros where helper_id = ${cat!.id} or requester_id = ${cat!.id})
        + (select count(*) from thanks where to_member_id = ${cat!.id} or from_member_id = ${cat!.id})
        + (select count(*) from club_organisers where member_id = ${cat!.id}) as n`,
    );
    expect(Number(pointers!.n)).toBe(0);
  });

  it("every club-owned table carries a non-null club id", async () => {
    const tables = await queryRows<{ table_name: string }>(
      database.db,
      sql`select table_name from information_schema.tables where table_schema = 'public' and table_type = 'BASE TABLE' and table_name <> 'clubs'`,
    );
    // A Slack installation belongs to a workspace or a whole Enterprise Grid org (one org-wide install
    // serves the clubs of all its workspaces): it is found by team or enterprise id, never by club.
    const platformLevel = new Set(["slack_installations"]);
    expect(tables.length).toBeGreaterThan(10);
    for (const { table_name } of tables.filter((t) => !platformLevel.has(t.table_name))) {
      const columns = await queryRows<{ column_name: string; is_nullable: string }>(
        database.db,
        sql`select column_name, is_nullable from information_schema.columns where table_schema = 'public' and table_name = ${table_name} and column_name = 'club_id'`,
      );
      expect(columns, table_name).toEqual([{ column_name: "club_id", is_nullable: "NO" }]);
    }
  });
});
