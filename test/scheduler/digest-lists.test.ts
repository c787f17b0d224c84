import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { backends } from "../support/databases.js";
import { CLUB_B, createHarness, type Harness } from "../support/harness.js";
import type { Database } from "../../src/db/client.js";
import type { Reply } from "../../src/core/types.js";

// Issue 9: the digest lists every item or says "+N more" where it stops; goals are the club's total.

const FRIDAY = new Date("2026-11-20T16:00:00Z"); // week 47, UTC clubs
const COMPANIES = ["Alpha", "Bravo", "Charlie", "Delta", "Echo", "Foxtrot", "Golf", "Hotel", "India", "Juliett", "Kilo", "Lima"];
/** Discord's limit for one embed field, the smallest any platform gives a digest section. */
const FIELD_LIMIT = 1024;

const fieldsOf = (reply: Reply) => Object.fromEntries((reply.fields ?? []).map((f) => [f.label, f.value]));

let runs = 0;
/** This week's digest, from a run at its own slot (a slot runs once) on the Friday afternoon. */
async function digestOf(h: Harness, club?: typeof CLUB_B): Promise<Record<string, string>> {
  h.port.deliveries.length = 0;
  const slot = new Date(FRIDAY.getTime() + ++runs * 60_000);
  h.clock.set(slot.toISOString());
  await h.runJob("digest", { slot, ...(club ? { club } : {}) });
  const posts = h.port.deliveries.filter((d) => d.kind === "channel");
  expect(posts).toHaveLength(1);
  return fieldsOf(posts[0]!.reply);
}

describe.each(backends)("the digest's lists ($name)", (backend) => {
  let database: Database;
  let h: Harness;
  beforeAll(async () => {
    database = await backend.open();
    h = createHarness(database);
    h.clock.set("2026-11-16T09:00:00Z");
    for (const [i, company] of COMPANIES.entries()) {
      const member = `m${String(i + 1).padStart(2, "0")}`;
      await h.run(member, `target add ${company}`);
      await h.run(member, `win Win number ${i + 1}`);
    }
    for (const helper of ["h1", "h2", "h3", "h4", "h5"]) await h.run(helper, "join");
    const thanked = ["h1", "h1", "h1", "h2", "h2", "h3", "h4", "h5"];
    for (const [i, helper] of thanked.entries()) await h.run(`m${String(i + 1).padStart(2, "0")}`, `thanks @${helper}`);
    await h.run("m01", "goal add Send two messages");
    await h.run("m02", "goal add Call Alpha");
    // Club B: few wins, each as long as a win may be.
    for (let i = 0; i < 10; i++) await h.run(`long${i}`, `win ${String(i).repeat(500)}`, CLUB_B);
    // And targets nobody needs a path to any more: an offer in hand, a member who found a job.
    await h.run("long0", "target add Oscar", CLUB_B);
    await h.run("long1", "target add Mike", CLUB_B);
    await h.run("long1", "target stage Mike offer", CLUB_B);
    await h.run("long2", "target add November", CLUB_B);
    await h.run("long2", "profile status employed", CLUB_B);
  });
  afterAll(async () => {
    await database?.close();
  });

  it("shows ten wins, new targets and open asks, then how many more there are", async () => {
    const fields = await digestOf(h);
    const wins = fields["🎉 Wins"]!.split("\n");
    expect(wins.slice(0, 10)).toEqual(Array.from({ length: 10 }, (_, i) => `• m${String(i + 1).padStart(2, "0")}: Win number ${i + 1}`));
    expect(wins.slice(10)).toEqual(["+2 more"]);
    expect(fields["🏢 New target companies"]).toBe(`${COMPANIES.slice(0, 10).join(", ")} +2 more`);
    const asks = fields["🙋 Who knows someone at…?"]!.split("\n");
    expect(asks.slice(0, 11)).toEqual([...COMPANIES.slice(0, 10).map((c) => `• ${c}`), "+2 more"]);
  });

  it("names the three most generous helpers and counts the others", async () => {
    const fields = await digestOf(h);
    expect(fields["💛 Most generous helpers"]).toBe("• h1 (3)\n• h2 (2)\n• h3 (1)\n+2 more");
  });

  it("keeps each section within what every platform shows, saying how many wins it left out", async () => {
    const fields = await digestOf(h, CLUB_B);
    const wins = fields["🎉 Wins"]!;
    expect(wins.length).toBeLessThanOrEqual(FIELD_LIMIT);
    const lines = wins.split("\n");
    const shown = lines.filter((l) => l.startsWith("• long"));
    const more = /^\+(\d+) more$/.exec(lines.at(-1)!);
    expect(more).not.toBeNull();
    expect(shown.length).toBeGreaterThan(0);
    expect(shown.length + Number(more![1])).toBe(10);
    expect(shown[0]).toMatch(/^• long0: 0{20,}…$/);
  });

  it("asks the club for paths only where a member still needs one", async () => {
    const fields = await digestOf(h, CLUB_B);
    expect(fields["🙋 Who knows someone at…?"]).toBe("• Oscar\nIf you do: `network add <company> knows`");
  });

  it("shows goals as the club's total, never a member's, and without a 0% when none is done yet", async () => {
    let fields = await digestOf(h);
    expect(fields["🎯 Goals"]).toBe("2 goals set this week. Here's to ticking off the first!");
    await h.run("m02", "goal done 1");
    fields = await digestOf(h);
    expect(fields["🎯 Goals"]).toBe("1 of 2 goals met (50%)");
    expect(fields["🎯 Goals"]).not.toMatch(/m0\d/);
  });
});
