import { PGlite, types } from "@electric-sql/pglite";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openTemplatePglite } from "../support/databases.js";
import { CLUB_A, createHarness, type Harness } from "../support/harness.js";
import type { Database } from "../../src/db/client.js";
import { findClubAndMember, findClubMemberAndGoals } from "../../src/db/store/clubs.js";
import { createClubStore } from "../../src/db/store/club-store.js";
import { withPreparedStatements } from "../../src/db/pglite-prepared.js";

/**
 * PGlite plans every statement its query() is given; the hot statements are prepared by name on
 * it instead (parsed and planned once, then bound and executed). They must answer exactly as the
 * unprepared query() does, fail as it does, and keep PGlite usable, alone or among other queries.
 */
describe("named prepared statements on PGlite", () => {
  let database: Database & { client?: PGlite };
  let client: PGlite;
  let h: Harness;
  /** PGlite's own query(), as it was before the hot statements were routed around it. */
  const unprepared = (text: string, params: unknown[], options?: Parameters<PGlite["query"]>[2]) => PGlite.prototype.query.call(client, text, params, options);

  beforeAll(async () => {
    database = await openTemplatePglite();
    client = (database as { client: PGlite }).client;
    h = createHarness(database);
    for (const user of ["ana", "bo"]) await h.run(user, "join");
    await h.run("ana", "goal add Call Acme");
    await h.run("ana", "goal add Write to Bo");
    await h.run("ana", "goal done 1");
  });
  afterAll(async () => {
    await database?.close();
  });

  it("prepares the hot statements by name, and answers from them as query() would", async () => {
    const weeks: [string, string] = ["2026-W47", "2026-W47"];
    const found = await findClubMemberAndGoals(database.db, CLUB_A, "ana", weeks);
    expect(found?.goals?.rows.map((g) => [g.text, g.done])).toEqual([
      ["Call Acme", true],
      ["Write to Bo", false],
    ]);
    const names = (await client.query<{ name: string; statement: string }>("select name, statement from pg_prepared_statements order by name")).rows;
    const goalsStatement = names.find((n) => n.statement.includes("json_agg"));
    expect(goalsStatement?.name).toMatch(/^warmpath_pglite_\d+$/);
    // The same text and values through PGlite's own query(), with drizzle's parsers.
    const options = { rowMode: "array" as const, parsers: { [types.TIMESTAMPTZ]: (value: string) => value } };
    const params = [weeks[0], weeks[1], CLUB_A.platform, "ana", CLUB_A.platform, CLUB_A.externalId, 1];
    const viaPrepared = await client.query(goalsStatement!.statement, params, options);
    const viaQuery = await unprepared(goalsStatement!.statement, params, options);
    expect(viaPrepared.rows).toEqual(viaQuery.rows);
    expect(viaPrepared.fields).toEqual(viaQuery.fields);
    expect(viaPrepared.rows).toHaveLength(1);
    // The other hot statements answer as before too.
    const plain = await findClubAndMember(database.db, CLUB_A, "bo");
    expect(plain?.member?.displayName).toBe("bo");
    const store = createClubStore(database.db, plain!.club.id);
    expect((await store.plans.goalsOfWeek(found!.member!.id, "2026-W47")).map((g) => g.text)).toEqual(["Call Acme", "Write to Bo"]);
  });

  it("alongside transactions and other queries, ten at a time, each answers its own", async () => {
    const weeks: [string, string] = ["2026-W47", "2026-W47"];
    const runs = Array.from({ length: 40 }, (_, i) =>
      i % 4 === 0
        ? h.run("bo", `goal add Goal ${i}`).then((r) => r.text)
        : i % 4 === 1
          ? h.run("ana", "goal list").then((r) => r.text)
          : findClubMemberAndGoals(database.db, CLUB_A, i % 2 ? "ana" : "bo", weeks).then((f) => f!.member!.displayName),
    );
    const answers = await Promise.all(runs);
    answers.forEach((answer, i) => {
      if (i % 4 === 0) expect(answer).toContain(`Goal ${i}`);
      else if (i % 4 === 1) expect(answer).toContain("1. ✅ Call Acme");
      else expect(answer).toBe(i % 2 ? "ana" : "bo");
    });
    const bo = await findClubMemberAndGoals(database.db, CLUB_A, "bo", weeks);
    expect(bo?.goals?.rows).toHaveLength(10);
  });

  it("on a PGlite without the internals it relies on (another version), leaves query() as it is", () => {
    const own = () => Promise.resolve({ rows: [], fields: [] });
    const other = { query: own, execProtocolStream: () => Promise.resolve([]) };
    withPreparedStatements(other as unknown as PGlite).prepare("select 1");
    expect(other.query).toBe(own);
  });

  it("fails as query() does, and leaves PGlite usable", async () => {
    const own = await PGlite.create();
    try {
      const prepared = withPreparedStatements(own);
      const text = "select 10 / $1::int as n";
      prepared.prepare(text);
      expect((await own.query<{ n: number }>(text, [2])).rows).toEqual([{ n: 5 }]);
      const failure = await own.query(text, [0]).catch((error: unknown) => error);
      const expected = await PGlite.prototype.query.call(own, text, [0]).catch((error: unknown) => error);
      expect((failure as { code?: string }).code).toBe("22012");
      expect((failure as Error).message).toBe((expected as Error).message);
      expect((await own.query<{ n: number }>(text, [5])).rows).toEqual([{ n: 2 }]);
      // A text that does not parse is not kept: it fails each time, as query() would.
      prepared.prepare("select from where");
      await expect(own.query("select from where")).rejects.toThrow(/syntax error/);
      await expect(own.query("select from where")).rejects.toThrow(/syntax error/);
      expect((await own.query<{ one: number }>("select 1 as one")).rows).toEqual([{ one: 1 }]);
      // Inside a transaction the same text goes through PGlite's transaction, as before.
      const inTx = await own.transaction(async (tx) => (await tx.query<{ n: number }>(text, [10])).rows);
      expect(inTx).toEqual([{ n: 1 }]);
    } finally {
      await own.close();
    }
  });
});
