import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sql } from "drizzle-orm";
import { backends } from "../support/databases.js";
import { createHarness, type Delivery, type Harness } from "../support/harness.js";
import { queryRows, type Database } from "../../src/db/client.js";

const DAY = 86_400_000;

const directTo = (h: Harness, user: string) => h.port.deliveries.filter((d): d is Extract<Delivery, { kind: "direct" }> => d.kind === "direct" && d.userId === user);

/**
 * How an introduction went: outcomes only move forward (not-yet < met/no-show < hired), each
 * member's report is kept, the digest counts meetings and hires once, and a hire is celebrated
 * with both members.
 */
describe.each(backends)("intro outcomes on $name", (backend) => {
  let database: Database;
  let h: Harness;
  beforeAll(async () => {
    database = await backend.open();
    h = createHarness(database);
    h.clock.set("2026-11-16T09:00:00Z"); // Monday, week 47 (UTC club)
    await h.run("ana", "join Data engineer");
    await h.run("bob", "network add Acme Corp works");
    await h.run("cy", "network add Globex works");
    await h.run("dee", "network add Initech works");
    await h.run("ana", "intro @bob Acme: coffee?");
    await h.run("bob", "intro accept 1");
    await h.run("ana", "intro @cy Globex");
    await h.run("cy", "intro accept 2");
    await h.run("ana", "intro @dee Initech");
    await h.run("dee", "intro accept 3");
  });
  afterAll(async () => {
    await database?.close();
  });

  const row = async (number: number) =>
    (
      await queryRows<{ outcome: string | null; requester_outcome: string | null; helper_outcome: string | null; met_at: Date | null; hired_at: Date | null }>(
        database.db,
        sql`select outcome, requester_outcome, helper_outcome, met_at, hired_at from intros where number = ${number}`,
      )
    )[0]!;

  const introductions = async () => {
    const preview = await h.admin("org", "digest preview");
    return preview.fields?.find((f) => f.label === "🤝 Introductions")?.value;
  };

  it("the other member's 'not yet' after a 'met' keeps the meeting, and each report is kept", async () => {
    expect((await h.run("ana", "intro outcome 1 met")).text).toContain("Recorded: #1 met");
    const late = await h.run("bob", "intro outcome 1 not-yet");
    expect(late.text).toContain("ana already reported “met”, so that stays");
    expect(await row(1)).toMatchObject({ outcome: "met", requester_outcome: "met", helper_outcome: "not-yet" });
    // The same member can't go back either.
    expect((await h.run("ana", "intro outcome 1 not-yet")).text).toContain("You already reported “met” for #1");
    expect(await row(1)).toMatchObject({ outcome: "met", requester_outcome: "met" });
    // Moving forward is fine: bob met her after all.
    expect((await h.run("bob", "intro outcome 1 met")).tone).toBe("success");
    expect(await row(1)).toMatchObject({ outcome: "met", helper_outcome: "met" });
  });

  it("a hire tells the helper their introduction led to it and offers the hired member the next steps", async () => {
    h.port.deliveries.length = 0;
    const hired = await h.run("ana", "intro outcome 2 hired");
    expect(hired.tone).toBe("success");
    expect(hired.text).toContain("I've told cy their introduction led to it");
    expect(hired.buttons?.map((b) => b.command)).toEqual(["profile status employed", 'network add "Globex" works']);
    const note = directTo(h, "cy");
    expect(note).toHaveLength(1);
    expect(note[0]!.reply.title).toBe("🎉 Your introduction led to a hire");
    expect(note[0]!.reply.text).toContain("ana was hired at Globex. It started with your introduction (#2).");
    // The buttons do what they say.
    await h.invoke({ club: { platform: "console", externalId: "club-a" }, actor: { platformUserId: "ana", displayName: "ana" }, via: "button", text: hired.buttons![1]!.command });
    expect((await h.run("ana", "network list")).text).toContain("You work at Globex");
  });

  it("'met' after 'hired' keeps the hire, from either member, and tells nobody twice", async () => {
    h.port.deliveries.length = 0;
    expect((await h.run("cy", "intro outcome 2 met")).text).toContain("ana already reported “hired”, so that stays");
    expect((await h.run("ana", "intro outcome 2 met")).text).toContain("You already reported “hired” for #2");
    expect((await h.run("ana", "intro outcome 2 hired")).text).not.toContain("told cy");
    expect(await row(2)).toMatchObject({ outcome: "hired", requester_outcome: "hired", helper_outcome: "met" });
    expect(h.port.deliveries).toHaveLength(0);
  });

  it("a hire reported by the helper congratulates the hired member, with buttons for what comes next", async () => {
    h.port.deliveries.length = 0;
    const reply = await h.run("dee", "intro outcome 3 hired");
    expect(reply.text).toContain("I've congratulated ana");
    expect(directTo(h, "dee")).toHaveLength(0);
    const [congrats] = directTo(h, "ana");
    expect(congrats!.reply.text).toContain("dee recorded that intro #3 led to your hire at Initech. Congratulations!");
    expect(congrats!.reply.buttons?.map((b) => b.command)).toEqual(["profile status employed", 'network add "Initech" works']);
    expect(await row(3)).toMatchObject({ outcome: "hired", helper_outcome: "hired", requester_outcome: null });
  });

  it("the digest counts each intro with a met or hired report once, and the hires", async () => {
    // #1 met (by both), #2 hired, #3 hired: three meetings, two hires, whatever came later.
    expect(await introductions()).toBe("3 requested · 3 accepted · 3 meetings reported · 2 hires 🎉");
    h.clock.set("2026-11-24T09:00:00Z"); // the next week
    await h.run("bob", "intro outcome 1 met");
    await h.run("dee", "intro outcome 3 met");
    expect(await introductions()).toBe("0 requested · 0 accepted · 0 meetings reported");
  });
});

describe.each(backends)("intro follow-ups and declines say what happened, on $name", (backend) => {
  let database: Database;
  let h: Harness;
  beforeAll(async () => {
    database = await backend.open();
    h = createHarness(database);
    h.clock.set("2026-11-02T10:00:00Z");
    await h.run("ana", "join");
    await h.run("bob", "network add Acme works");
    await h.run("cy", "network add Globex works");
    await h.run("dee", "network add Initech works");
  });
  afterAll(async () => {
    await database?.close();
  });

  it("asks how a five-week-old introduction went with its real age", async () => {
    await h.run("ana", "intro @bob Acme");
    await h.run("bob", "intro accept 1");
    h.port.deliveries.length = 0;
    // The follow-ups job didn't run for five weeks (the club had turned it off).
    h.clock.set(new Date(new Date("2026-11-02T10:00:00Z").getTime() + 35 * DAY).toISOString());
    await h.runJob("follow-ups");
    const asks = h.port.deliveries.filter((d) => d.reply.title === "How did it go? Intro #1");
    expect(asks).toHaveLength(2);
    for (const ask of asks) {
      expect(ask.reply.text).toMatch(/^5 weeks ago I introduced you and (ana|bob) about Acme\. Did you meet\?$/);
      expect(ask.reply.text).not.toContain("A week ago");
    }
  });

  it("a 'not yet' asked again a week later says the intro's age, not the week since", async () => {
    await h.run("ana", "intro outcome 1 not-yet");
    h.port.deliveries.length = 0;
    h.clock.advance(7 * DAY + 1000);
    await h.runJob("follow-ups");
    const [ask] = directTo(h, "ana");
    expect(ask!.reply.text).toBe("6 weeks ago I introduced you and bob about Acme. Did you meet?");
  });

  it("a quoted decline reason ends with one full stop", async () => {
    await h.run("ana", "intro @cy Globex");
    await h.run("ana", "intro @dee Initech");
    h.port.deliveries.length = 0;
    await h.run("cy", "intro decline 2 Busy this month");
    await h.run("dee", "intro decline 3 I left last year.");
    const [first, second] = directTo(h, "ana");
    expect(first!.reply.text).toContain("cy can't help with Globex right now. They said: “Busy this month.” No hard feelings");
    expect(second!.reply.text).toContain("They said: “I left last year.” No hard feelings");
    for (const note of [first!, second!]) {
      expect(note.reply.text).not.toMatch(/\.\s*\./);
      expect(note.reply.text).not.toMatch(/[^.!?]” No/);
    }
  });
});
