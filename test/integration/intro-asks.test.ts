import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sql } from "drizzle-orm";
import { backends } from "../support/databases.js";
import { createHarness, type Delivery, type Harness } from "../support/harness.js";
import { queryRows, type Database } from "../../src/db/client.js";
import type { Reply } from "../../src/core/types.js";

const DAY = 86_400_000;
const HOUR = 3_600_000;

const directTo = (h: Harness, user: string) => h.port.deliveries.filter((d): d is Extract<Delivery, { kind: "direct" }> => d.kind === "direct" && d.userId === user);

/**
 * Asking for an introduction: mistakes never become companies or requests, an unknown company or a
 * helper with no tie is confirmed first, a decline is respected for 12 weeks, and the requester can
 * withdraw, list and see their open asks.
 */
describe.each(backends)("asking for introductions on $name", (backend) => {
  let database: Database;
  let h: Harness;
  const ids = new Map<string, number>();
  beforeAll(async () => {
    database = await backend.open();
    h = createHarness(database);
    h.clock.set("2026-11-02T10:00:00Z");
    await h.run("ana", "join Data engineer");
    await h.run("bob", "network add Acme Corp works");
    await h.run("chen", "network add Acme knows");
    await h.run("dara", 'network add "Offer Labs" works');
    await h.run("eli", "network add Monzo works");
    await h.run("fay", "join Designer");
    await h.run("hal", "network add Acme worked");
    const rows = await queryRows<{ id: number; name: string }>(database.db, sql`select id, display_name as name from members`);
    for (const r of rows) ids.set(r.name, r.id);
  });
  afterAll(async () => {
    await database?.close();
  });

  const click = (user: string, command: string) =>
    h.invoke({ club: { platform: "console", externalId: "club-a" }, actor: { platformUserId: user, displayName: user }, via: "button", text: command });
  const companies = async () => (await queryRows<{ name: string }>(database.db, sql`select name from companies order by id`)).map((r) => r.name);
  const introCount = async () => (await queryRows<{ n: number }>(database.db, sql`select count(*)::int as n from intros`))[0]!.n;
  const ref = (name: string) => `<@#${ids.get(name)}>`;
  /** Stays under the per-member limit on requests (5 an hour) between tests. */
  const nextHour = () => h.clock.advance(HOUR);

  it("`intro @bob @chen Acme` asks one member at a time and makes no company “@chen Acme”", async () => {
    h.port.deliveries.length = 0;
    const reply = await h.run("ana", "intro @bob @chen Acme");
    expect(reply.tone).toBe("error");
    expect(reply.visibility).toBe("private");
    expect(reply.text).toContain("`intro` asks one member at a time, and “@chen Acme” isn't a company. Ask each of them about Acme on their own");
    expect(reply.text).toContain("Usage: intro @member");
    expect(reply.buttons?.map((b) => [b.label, b.command])).toEqual([
      ["Ask bob about Acme", `intro ${ref("bob")} Acme`],
      ["Ask chen about Acme", `intro ${ref("chen")} Acme`],
    ]);
    expect(await companies()).not.toContain("@chen Acme");
    expect(await introCount()).toBe(0);
    expect(h.port.deliveries).toHaveLength(0);
    expect((await click("ana", reply.buttons![0]!.command)).text).toContain("Asked bob for an introduction at Acme Corp (#1)");
  });

  it("a kind of help typed after the company is read as the kind, not part of the name", async () => {
    h.port.deliveries.length = 0;
    const reply = await h.run("ana", "intro @dara Offer Labs referral: could you refer me for the analyst role?");
    expect(reply.text).toContain("Asked dara for an introduction at Offer Labs (#2)");
    expect(reply.text).toContain("I read “referral” as the kind of help you'd like.");
    expect(await companies()).not.toContain("Offer Labs referral");
    const [request] = directTo(h, "dara");
    expect(request!.reply.text).toContain("would like your help with Offer Labs (referral)");
    expect(request!.reply.text).toContain("“could you refer me for the analyst role?”");
  });

  it("an unknown company is asked about, with the club's near match, and nothing is sent until confirmed", async () => {
    h.port.deliveries.length = 0;
    const reply = await h.run("ana", "intro @eli Monzo Bank: a word about payments?");
    expect(reply.visibility).toBe("private");
    expect(reply.text).toContain("I don't know Monzo Bank in this club. Did you mean Monzo?");
    expect(reply.text).toContain("I haven't sent anything to eli");
    expect(reply.buttons?.map((b) => [b.label, b.command])).toEqual([
      ["Ask about Monzo", `intro ${ref("eli")} Monzo: a word about payments?`],
      ["Yes, Monzo Bank is new", `intro ${ref("eli")} Monzo Bank: a word about payments? confirm`],
    ]);
    expect(await companies()).not.toContain("Monzo Bank");
    expect(await introCount()).toBe(2);
    expect(h.port.deliveries).toHaveLength(0);

    const asked = await click("ana", reply.buttons![0]!.command);
    expect(asked.text).toContain("Asked eli for an introduction at Monzo (#3)");
    expect(directTo(h, "eli")[0]!.reply.text).toContain("“a word about payments?”");
  });

  it("`intro … confirm` (or the button) sends it and adds the new company", async () => {
    nextHour();
    h.port.deliveries.length = 0;
    const reply = await h.run("ana", "intro @eli Monzo Bank: the savings team? confirm");
    expect(reply.text).toContain("Asked eli for an introduction at Monzo Bank (#4)");
    expect(await companies()).toContain("Monzo Bank");
    expect(directTo(h, "eli")[0]!.reply.text).toContain("“the savings team?”");
  });

  it("`intro bob acme` without the @ answers “Did you mean @bob?” with a button that asks", async () => {
    h.port.deliveries.length = 0;
    const reply = await h.run("fay", "intro bob acme: a chat about design there?");
    expect(reply.tone).toBe("error");
    expect(reply.text).toContain("“bob” isn't a member mention. Did you mean @bob?");
    expect(reply.buttons?.map((b) => b.command)).toEqual([`intro ${ref("bob")} acme: a chat about design there?`]);
    expect(h.port.deliveries).toHaveLength(0);
    expect((await click("fay", reply.buttons![0]!.command)).text).toContain("Asked bob for an introduction at Acme Corp");

    const nobody = await h.run("fay", "intro zoe acme");
    expect(nobody.tone).toBe("error");
    expect(nobody.text).toContain("no member of this club is called that");
    expect(nobody.text).toContain("Usage: intro @member");
  });

  it("a helper with no tie to the company: says who has one, and sends only when confirmed", async () => {
    h.port.deliveries.length = 0;
    const reply = await h.run("ana", "intro @fay Acme: anyone on the design team?");
    expect(reply.text).toContain("fay hasn't added Acme Corp to their network");
    // bob is already helping ana with Acme (#1): not offered again.
    expect(reply.text).toContain("1. hal used to work at Acme Corp\n2. chen knows someone at Acme Corp");
    expect(reply.text).not.toContain("bob");
    expect(reply.buttons?.map((b) => b.label)).toEqual(["Ask hal", "Ask chen", "Ask fay anyway"]);
    expect(await introCount()).toBe(5);
    expect(h.port.deliveries).toHaveLength(0);
    const anyway = await click("ana", reply.buttons![2]!.command);
    expect(anyway.text).toContain("Asked fay for an introduction at Acme Corp (#6)");
    expect(directTo(h, "fay")[0]!.reply.text).toContain("“anyone on the design team?”");
  });

  it("a re-ask of a helper who declined is refused for 12 weeks, with the date and the other paths", async () => {
    nextHour();
    await h.run("ana", "intro @chen Acme");
    await h.run("chen", "intro decline 7 Not the right time");
    h.port.deliveries.length = 0;
    const again = await h.run("ana", "intro @chen Acme: please?");
    expect(again.tone).toBe("error");
    expect(again.text).toContain("chen declined your ask about Acme Corp on Mon, 2 Nov 2026 (#7).");
    expect(again.text).toContain("within 12 weeks of a decline: you can ask chen about Acme Corp again from Mon, 25 Jan 2027.");
    expect(again.text).toContain("hal used to work at Acme Corp");
    expect(h.port.deliveries).toHaveLength(0);
    // Clicking an old "Ask chen" button is checked the same way.
    expect((await click("ana", `intro ${ref("chen")} Acme`)).tone).toBe("error");

    // Twelve weeks after the decline, the window is over.
    h.clock.advance(12 * 7 * DAY);
    expect((await h.run("ana", "intro @chen Acme: a new role there, would you?")).text).toContain("Asked chen for an introduction at Acme Corp");
  });
});

describe.each(backends)("next-best helpers, withdrawing and open asks on $name", (backend) => {
  let database: Database;
  let h: Harness;
  beforeAll(async () => {
    database = await backend.open();
    h = createHarness(database);
    h.clock.set("2026-11-02T10:00:00Z");
    await h.run("gus", "join Analyst");
    await h.run("bob", "network add Acme works");
    await h.run("chen", "network add Acme worked");
    await h.run("hal", "network add Acme knows");
    await h.run("ivy", "network add Globex works");
  });
  afterAll(async () => {
    await database?.close();
  });

  it("an expired request's next-best helpers leave out whoever is already helping on that company", async () => {
    await h.run("gus", "intro @bob Acme: data team?");
    await h.run("bob", "intro accept 1");
    await h.run("gus", "intro @chen Acme: platform team?");
    h.port.deliveries.length = 0;
    h.clock.set("2026-11-09T10:00:01Z");
    await h.runJob("follow-ups");
    const [note] = directTo(h, "gus").filter((d) => d.reply.title === "Intro #2: Acme");
    expect(note!.reply.text).toContain("chen hasn't answered your request about Acme in a week");
    expect(note!.reply.text).toContain("1. hal knows someone at Acme");
    expect(note!.reply.text).not.toContain("bob");
    expect(note!.reply.buttons?.map((b) => b.label)).toEqual(["Ask hal"]);
  });

  it("the requester can withdraw an unanswered ask: the helper is told kindly and the pair is free again", async () => {
    await h.run("gus", "intro @ivy Globex: a referral?");
    expect((await h.run("ivy", "intro withdraw 3")).text).toContain("Only gus, who asked for intro #3, can withdraw it");
    h.port.deliveries.length = 0;
    const reply = await h.run("gus", "intro withdraw 3");
    expect(reply.tone).toBe("success");
    expect(reply.text).toContain("Withdrawn #3. I've let ivy know kindly");
    const [told] = directTo(h, "ivy");
    expect(told!.reply.text).toBe("gus has withdrawn their request about Globex. Nothing more is needed from you: thanks for being someone the club can ask!");
    const [row] = await queryRows<{ status: string; withdrawn_at: Date | null }>(database.db, sql`select status, withdrawn_at from intros where number = 3`);
    expect(row).toMatchObject({ status: "withdrawn" });
    expect(row!.withdrawn_at).not.toBeNull();
    // The helper's old Accept button does nothing, kindly.
    expect((await h.run("ivy", "intro accept 3")).text).toContain("gus withdrew #3, so there's nothing to answer");
    expect((await h.run("gus", "intro withdraw 3")).text).toContain("already withdrew #3");
    // An accepted intro isn't withdrawn: the conversation is open.
    expect((await h.run("gus", "intro withdraw 1")).text).toContain("bob already accepted #1");
    // Asking ivy again is allowed straight away.
    expect((await h.run("gus", "intro @ivy Globex: a referral after all?")).text).toContain("Asked ivy for an introduction at Globex (#4)");
  });

  it("intro list shows each ask and how long ago it was made", async () => {
    h.clock.advance(3 * DAY);
    const list = await h.run("gus", "intro list");
    expect(list.text).toContain("#4 you asked ivy about Globex: requested · asked 3 days ago\n    “a referral after all?”");
    expect(list.text).toContain("#1 you asked bob about Acme: accepted · asked 10 days ago\n    “data team?”");
    expect(list.buttons?.map((b) => b.command)).toEqual(["intro list open"]);
  });

  it("intro list open shows what waits on the member and on others, with buttons", async () => {
    await h.run("ivy", "intro @gus Initech confirm");
    const open: Reply = await h.run("gus", "intro list open");
    expect(open.title).toBe("Your open asks");
    expect(open.text).toContain("Waiting on you to answer:\n• #5 ivy asked about Initech today");
    expect(open.text).toContain("Your asks, waiting on others:\n• #4 ivy about Globex, asked 3 days ago");
    expect(open.text).toContain("How did it go? Tell me when you've met:\n• #1 with bob about Acme, introduced 10 days ago");
    expect(open.text).not.toContain("#2");
    expect(open.text).not.toContain("#3");
    expect(open.buttons?.map((b) => b.command)).toEqual(["intro accept 5", "intro decline 5", "intro withdraw 4", "intro outcome 1 met"]);
    // Once met, the intro leaves the open asks.
    await h.run("bob", "intro outcome 1 met");
    expect((await h.run("gus", "intro list open")).text).not.toContain("#1");
    expect((await h.run("hal", "intro list open")).text).toContain("Nothing is waiting on you or on anyone else");
  });
});
