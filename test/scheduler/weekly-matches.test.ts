import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sql } from "drizzle-orm";
import { backends } from "../support/databases.js";
import { createHarness, type Harness } from "../support/harness.js";
import { queryRows, type Database } from "../../src/db/client.js";

// Issue 9, items 2 and 3: what the weekly matches job suggests, records and repeats, over several weeks.

const TUESDAY = "2026-11-17T10:00:00Z"; // ISO week 47, UTC club
const WEEK = 7 * 86_400_000;
const tuesdayAfter = (weeks: number) => new Date(new Date(TUESDAY).getTime() + weeks * WEEK).toISOString();

const matchesFor = (h: Harness, user: string) =>
  h.port.deliveries.filter((d) => d.kind === "direct" && d.userId === user && d.reply.title === "Your matches this week");
const asksFor = (h: Harness, user: string) => matchesFor(h, user).flatMap((d) => d.reply.buttons ?? []).map((b) => b.label);
const titlesFor = (h: Harness, user: string) => h.port.deliveries.filter((d) => d.kind === "direct" && d.userId === user).map((d) => d.reply.title);

/** Runs the matches job at a Tuesday after the members named have answered (so they are prompted). */
async function matchesOn(h: Harness, iso: string, answering: string[]): Promise<void> {
  h.clock.set(iso);
  for (const user of answering) await h.run(user, "goal list");
  h.port.deliveries.length = 0;
  await h.runJob("matches");
}

describe.each(backends)("suggestions are recorded only for members who get them ($name)", (backend) => {
  let database: Database;
  let h: Harness;
  beforeAll(async () => {
    database = await backend.open();
    h = createHarness(database);
    h.clock.set("2026-11-16T08:00:00Z"); // Monday
    // Three members who will have ignored three prompts, joined before an active one: with one
    // helper capped at three suggestions a week, they come first in the ranking's turn order.
    for (const quiet of ["q1", "q2", "q3"]) await h.run(quiet, "target add Acme");
    await h.run("act", "target add Acme");
    await h.run("wes", "network add Acme works");
    for (const slot of ["2026-10-26T08:00:00Z", "2026-11-02T08:00:00Z", "2026-11-09T08:00:00Z"]) {
      await h.runJob("goals-prompt", { slot: new Date(slot) });
    }
  });
  afterAll(async () => {
    await database?.close();
  });

  it("a member who is asked 'still want these?' instead gets no suggestion recorded, and takes no helper's place", async () => {
    await matchesOn(h, TUESDAY, ["act", "wes"]);
    for (const quiet of ["q1", "q2", "q3"]) expect(titlesFor(h, quiet)).toEqual(["Still want these?"]);
    expect(asksFor(h, "act")).toEqual(["Ask wes about Acme"]);
    const recorded = await queryRows<{ name: string }>(
      database.db,
      sql`select m.display_name as name from match_suggestions s join members m on m.id = s.member_id order by m.display_name`,
    );
    expect(recorded.map((r) => r.name)).toEqual(["act"]);
  });

  it("once they answer, the suggestion they never got comes the next week; those still silent get nothing", async () => {
    await h.run("q1", "profile nudges on");
    await matchesOn(h, tuesdayAfter(1), ["act", "wes"]);
    expect(asksFor(h, "q1")).toEqual(["Ask wes about Acme"]);
    expect(titlesFor(h, "q2")).toEqual([]);
    expect(titlesFor(h, "act")).toEqual([]); // suggested last week: not again within 12 weeks
  });
});

describe.each(backends)("a pair is left alone per company, for 12 weeks, and for good once declined ($name)", (backend) => {
  let database: Database;
  let h: Harness;
  const everyone = ["s1", "s2", "wes"];
  beforeAll(async () => {
    database = await backend.open();
    h = createHarness(database);
    h.clock.set("2026-11-16T08:00:00Z");
    await h.run("wes", "network add Acme works");
    await h.run("s1", "target add Acme");
    await h.run("s2", "target add Acme");
    await h.run("s1", "intro @wes Acme: a word with the data team?");
    await h.run("wes", "intro accept 1");
    await h.run("s2", "intro @wes Acme");
    await h.run("wes", "intro decline 2");
    // Later both aim at another company where wes works too.
    await h.run("wes", "network add Globex works");
    await h.run("s1", "target add Globex");
    await h.run("s2", "target add Globex");
  });
  afterAll(async () => {
    await database?.close();
  });

  it("an intro about Acme doesn't stop the same helper being suggested for Globex", async () => {
    await matchesOn(h, TUESDAY, everyone);
    expect(asksFor(h, "s1")).toEqual(["Ask wes about Globex"]);
    expect(asksFor(h, "s2")).toEqual(["Ask wes about Globex"]);
  });

  it("after 12 weeks an answered intro's helper may be suggested again for that company; a declined one never", async () => {
    await matchesOn(h, tuesdayAfter(11), everyone);
    expect(asksFor(h, "s1")).toEqual([]);
    await matchesOn(h, tuesdayAfter(13), everyone);
    expect(asksFor(h, "s1")).toEqual(expect.arrayContaining(["Ask wes about Acme"]));
    expect(asksFor(h, "s2")).not.toContain("Ask wes about Acme");
    await matchesOn(h, tuesdayAfter(40), everyone);
    expect(asksFor(h, "s2")).not.toContain("Ask wes about Acme");
  });
});

describe.each(backends)("no suggestions for a company the member has an offer from ($name)", (backend) => {
  let database: Database;
  let h: Harness;
  beforeAll(async () => {
    database = await backend.open();
    h = createHarness(database);
    h.clock.set("2026-11-16T08:00:00Z");
    await h.run("wes", "network add Acme works");
    await h.run("gil", "network add Globex works");
    await h.run("ana", "target add Acme");
    await h.run("ana", "target add Globex");
    await h.run("ana", "target stage Acme offer");
    await h.run("ana", "target add Nowhere");
    await h.run("ana", "target stage Nowhere offer");
    await h.run("lone", "target add Nowhere");
    await h.run("lone2", "target add Nowhere");
  });
  afterAll(async () => {
    await database?.close();
  });

  it("suggests paths to the other targets only, and doesn't offer the member as a team-up for it", async () => {
    await matchesOn(h, TUESDAY, ["ana", "lone", "lone2"]);
    expect(asksFor(h, "ana")).toEqual(["Ask gil about Globex"]);
    const [lone] = matchesFor(h, "lone");
    expect(lone!.reply.text).toContain("lone2: Nowhere");
    expect(lone!.reply.text).not.toContain("• ana:");
  });
});

describe.each(backends)("a team-up suggestion is made once, not every week ($name)", (backend) => {
  let database: Database;
  let h: Harness;
  const loners = ["lone", "lone2", "lone3"];
  beforeAll(async () => {
    database = await backend.open();
    h = createHarness(database);
    h.clock.set("2026-11-16T08:00:00Z");
    await h.run("lone", "target add Nowhere");
    await h.run("lone2", "target add Nowhere");
  });
  afterAll(async () => {
    await database?.close();
  });

  it("names the others aiming at a company nobody has a path to", async () => {
    await matchesOn(h, TUESDAY, ["lone", "lone2"]);
    expect(matchesFor(h, "lone")[0]!.reply.text).toContain("• lone2: Nowhere");
    expect(matchesFor(h, "lone2")[0]!.reply.text).toContain("• lone: Nowhere");
  });

  it("doesn't send the same team-up the next week", async () => {
    await matchesOn(h, tuesdayAfter(1), ["lone", "lone2"]);
    expect(matchesFor(h, "lone")).toEqual([]);
    expect(matchesFor(h, "lone2")).toEqual([]);
  });

  it("names only the newcomer when someone else starts aiming at it", async () => {
    await h.run("lone3", "target add Nowhere");
    await matchesOn(h, tuesdayAfter(2), loners);
    const [lone] = matchesFor(h, "lone");
    expect(lone!.reply.text).toContain("• lone3: Nowhere");
    expect(lone!.reply.text).not.toContain("lone2");
    expect(matchesFor(h, "lone3")[0]!.reply.text).toContain("• lone: Nowhere\n• lone2: Nowhere");
  });

  it("may repeat it after 12 weeks, like a warm path", async () => {
    await matchesOn(h, tuesdayAfter(13), loners);
    expect(matchesFor(h, "lone")[0]!.reply.text).toContain("• lone2: Nowhere");
  });
});

describe.each(backends)("suggestions hold no foreign keys to members or companies, and nothing dangles ($name)", (backend) => {
  let database: Database;
  let h: Harness;
  const suggestionsNaming = async (user: string) => {
    const [row] = await queryRows<{ n: number }>(
      database.db,
      sql`select count(*)::int as n from match_suggestions s join platform_users p on p.member_id in (s.member_id, s.helper_id) where p.platform_user_id = ${user}`,
    );
    return Number(row!.n);
  };
  const idOf = async (user: string) => Number((await queryRows<{ id: number }>(database.db, sql`select member_id as id from platform_users where platform_user_id = ${user}`))[0]!.id);
  beforeAll(async () => {
    database = await backend.open();
    h = createHarness(database);
    h.clock.set("2026-11-16T08:00:00Z");
    await h.run("wes", "network add Acme works");
    await h.run("ola", "network add Acme worked");
    await h.run("ana", "target add Acme");
    await h.run("bob", "target add Acme");
    await h.run("lone", "target add Nowhere");
    await h.run("lone2", "target add Nowhere");
  });
  afterAll(async () => {
    await database?.close();
  });

  it("forget-me deletes every suggestion naming the member, as the one matched and as the helper or buddy", async () => {
    await matchesOn(h, TUESDAY, ["ana", "bob", "lone", "lone2", "wes", "ola"]);
    expect(asksFor(h, "ana")).toEqual(["Ask wes about Acme"]);
    const wesBefore = await suggestionsNaming("wes");
    const loneBefore = await suggestionsNaming("lone2");
    expect(wesBefore).toBeGreaterThan(0);
    expect(loneBefore).toBe(2); // lone2's team-up with lone, and lone's with lone2
    const [wes, lone2] = [await idOf("wes"), await idOf("lone2")];
    await h.run("wes", "forget-me confirm");
    await h.run("lone2", "forget-me confirm");
    const [left] = await queryRows<{ n: number }>(
      database.db,
      sql`select count(*)::int as n from match_suggestions where member_id in (${wes}, ${lone2}) or helper_id in (${wes}, ${lone2})`,
    );
    expect(Number(left!.n)).toBe(0);
  });

  it("suggestions whose member or company is gone without forget-me break neither the next run nor an export", async () => {
    // With wes gone, ola is the path to Acme.
    await matchesOn(h, tuesdayAfter(1), ["ana", "bob", "lone", "ola"]);
    expect(asksFor(h, "ana")).toEqual(["Ask ola about Acme"]);
    // Removed by hand (an operator's DELETE): nothing cascades to the suggestions any more.
    const ola = await idOf("ola");
    await database.db.execute(sql`delete from members where id = ${ola}`);
    await database.db.execute(sql`delete from companies where normalized_name = 'nowhere'`);
    const [dangling] = await queryRows<{ n: number }>(database.db, sql`select count(*)::int as n from match_suggestions where helper_id = ${ola} or member_id = ${ola}`);
    expect(Number(dangling!.n)).toBeGreaterThan(0);
    await h.run("ola2", "network add Acme works");
    await matchesOn(h, tuesdayAfter(2), ["ana", "bob", "lone", "ola2"]);
    expect([...asksFor(h, "ana"), ...asksFor(h, "bob")]).toContain("Ask ola2 about Acme");
    const exported = await h.run("ana", "export");
    expect(exported.attachment?.content).toContain("match_suggestions");
  });
});
