import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { backends } from "../support/databases.js";
import { CLUB_A, CLUB_B, createHarness, type Harness } from "../support/harness.js";
import type { Database } from "../../src/db/client.js";
import { findClub, findClubAndMember, findClubMemberAndGoals } from "../../src/db/store/clubs.js";
import { createClubStore } from "../../src/db/store/club-store.js";
import { isoWeeksAnywhere } from "../../src/core/dates.js";

/**
 * `goal list` reads the club, the member and their goals of the week in one statement, the goals
 * as one JSON array: they must come out exactly as the plain goals query reads them (every field,
 * Dates to the millisecond, in the order they were set), and only the member's own, of those weeks.
 */
describe.each(backends)("the club, member and week's goals in one statement on $name", (backend) => {
  let database: Database;
  let h: Harness;
  const texts = ['Say "hi" to Ana', "Back\\slash, tab\tand new\nline", "Ünïcødé ✅ 🚀 <@U123> &amp;", "'; drop table goals; --"];

  beforeAll(async () => {
    database = await backend.open();
    h = createHarness(database);
    // Sunday 20:00 UTC: Monday of the next ISO week in Auckland, so the two weeks differ.
    h.clock.set("2026-11-22T20:00:00.123Z");
    for (const user of ["ana", "bo"]) await h.run(user, "join");
    await h.run("bo", "join", CLUB_B);
    // Through the store: the command line would fold the tab and the new line into spaces.
    const ana = (await findClubAndMember(database.db, CLUB_A, "ana"))!;
    for (const text of texts) await createClubStore(database.db, ana.club.id).plans.addGoal(ana.member!.id, text, "2026-W47", h.clock.now());
    await h.run("bo", "goal add Bo's own goal");
    await h.run("ana", "goal add Another club's goal", CLUB_B);
    h.clock.set("2026-11-22T21:30:00.456Z");
    await h.run("ana", "goal done 2");
    // Set at the same instant: the order falls back to the id, as in the plain query.
    h.clock.set("2026-11-22T20:00:00.123Z");
    await h.run("ana", "goal add Same instant as the first");
    // Next week in Auckland (W48) and a week before (W46): only W48 is one of the two weeks here.
    h.clock.set("2026-11-23T08:00:00.999Z");
    await h.run("ana", "goal add A goal of week 48");
    h.clock.set("2026-11-13T12:00:00Z");
    await h.run("ana", "goal add A goal of week 46");
    h.clock.set("2026-11-22T20:00:00Z");
  });
  afterAll(async () => {
    await database?.close();
  });

  it("gives the goals of both weeks exactly as the plain query reads them", async () => {
    const weeks = isoWeeksAnywhere(h.clock.now());
    expect(weeks).toEqual(["2026-W47", "2026-W48"]);
    const found = await findClubMemberAndGoals(database.db, CLUB_A, "ana", weeks);
    const plain = await findClubAndMember(database.db, CLUB_A, "ana");
    expect(found?.club).toEqual(plain?.club);
    expect(found?.member).toEqual(plain?.member);
    const store = createClubStore(database.db, plain!.club.id);
    const expected = [...(await store.plans.goalsOfWeek(plain!.member!.id, weeks[0])), ...(await store.plans.goalsOfWeek(plain!.member!.id, weeks[1]))].sort(
      (a, b) => a.createdAt.getTime() - b.createdAt.getTime() || a.id - b.id,
    );
    expect(expected.map((g) => g.text)).toEqual([texts[0], texts[1], texts[2], texts[3], "Same instant as the first", "A goal of week 48"]);
    expect(found?.goals?.rows).toEqual(expected);
    expect(found?.goals?.memberId).toBe(plain!.member!.id);
    const done = found!.goals!.rows[1]!;
    expect(done.done).toBe(true);
    expect(done.doneAt).toEqual(new Date("2026-11-22T21:30:00.456Z"));
    expect(found!.goals!.rows[5]!.createdAt).toEqual(new Date("2026-11-23T08:00:00.999Z"));
  });

  it("gives no goals for a member without any, and no member for an account that is none", async () => {
    const weeks: [string, string] = ["2026-W50", "2026-W50"];
    const ana = await findClubMemberAndGoals(database.db, CLUB_A, "ana", weeks);
    expect(ana?.goals?.rows).toEqual([]);
    const stranger = await findClubMemberAndGoals(database.db, CLUB_A, "nobody", weeks);
    expect(stranger?.club).toEqual(await findClub(database.db, CLUB_A));
    expect(stranger?.member).toBeUndefined();
    expect(stranger?.goals).toBeUndefined();
    expect(await findClubMemberAndGoals(database.db, { platform: "console", externalId: "no-such-club" }, "ana", weeks)).toBeUndefined();
  });

  it("answers goal list from it", async () => {
    const reply = await h.run("ana", "goal list");
    expect(reply.text).toContain(`1. ⬜ ${texts[0]}`);
    expect(reply.text).toContain("5. ⬜ Same instant as the first");
    expect(reply.text).not.toContain("week 48");
    expect(reply.text).not.toContain("Bo's own goal");
    expect(reply.text).not.toContain("Another club's goal");
  });
});
