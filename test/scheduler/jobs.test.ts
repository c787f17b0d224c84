import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { sql } from "drizzle-orm";
import { backends } from "../support/databases.js";
import { createHarness, type Harness } from "../support/harness.js";
import { queryRows, type Database } from "../../src/db/client.js";
import { createScheduler } from "../../src/scheduler/scheduler.js";
import { createJobRunner } from "../../src/scheduler/runner.js";
import { silentLogger } from "../../src/util/logger.js";

const DAY = 86_400_000;
const directTo = (h: Harness, user: string) => h.port.deliveries.filter((d) => d.kind === "direct" && d.userId === user);

describe.each(backends)("scheduled jobs on $name", (backend) => {
  let database: Database;
  let h: Harness;
  beforeAll(async () => {
    database = await backend.open();
    h = createHarness(database);
    // Wednesday 18 Nov 2026 (ISO week 47), Berlin club.
    h.clock.set("2026-11-18T10:00:00Z");
    await h.admin("org", "config timezone Europe/Berlin");
    await h.run("ana", "join Data engineer");
    await h.run("ana", "goal add Send 3 messages");
    await h.run("ana", "goal add Apply to Globex");
    await h.run("ana", "goal done 2");
    await h.run("bob", "join");
    await h.run("cy", "join");
    await h.run("cy", "profile status employed");
  });
  beforeEach(() => {
    h.port.deliveries.length = 0;
  });
  afterAll(async () => {
    await database?.close();
  });

  it("a run happens once per club, job and slot", async () => {
    const slot = new Date("2026-11-20T14:00:00Z");
    expect((await h.runJob("digest", { slot })).ran).toBe(true);
    expect(await h.runJob("digest", { slot })).toEqual({ ran: false, reason: "claimed" });
    expect(h.port.deliveries.filter((d) => d.kind === "channel")).toHaveLength(1);
  });

  it("Monday's prompt shows last week's goals, done and open, with a carry-over button", async () => {
    h.clock.set("2026-11-23T08:00:00Z"); // Monday 09:00 Berlin, week 48
    await h.runJob("goals-prompt");
    const [prompt] = directTo(h, "ana");
    expect(prompt!.reply.text).toContain("Last week (2026-W47) you met 1 of 2 goals");
    expect(prompt!.reply.text).toContain("⬜ Send 3 messages");
    expect(prompt!.reply.text).toContain("✅ Apply to Globex");
    expect(prompt!.reply.buttons?.[0]).toMatchObject({ command: "goal carry" });
    // Employed members are not nudged.
    expect(directTo(h, "cy")).toHaveLength(0);
    const carried = await h.run("ana", "goal carry");
    expect(carried.text).toContain("Carried 1 goal over to 2026-W48");
    expect((await h.run("ana", "goal list")).text).toContain("1. ⬜ Send 3 messages");
  });

  it("Friday's check-in lists this week's goals with Done buttons and quiet contacts", async () => {
    await h.run("bob", "network add Initech worked");
    h.clock.advance(40 * DAY);
    await h.run("bob", "goal add Call Initech friend");
    h.clock.set("2027-01-08T14:00:00Z");
    await h.run("bob", "network add Hooli knows");
    await h.runJob("check-in");
    const [checkIn] = directTo(h, "bob");
    expect(checkIn!.reply.text).toContain("Keep in touch");
    expect(checkIn!.reply.text).toMatch(/Initech \(worked\), \d+ days/);
    expect(checkIn!.reply.text).not.toContain("Hooli");
    // Logging activity that names the company resets the clock.
    await h.run("bob", "log coffee with my old team at Initech");
    h.port.deliveries.length = 0;
    await h.runJob("check-in", { slot: new Date("2027-01-08T14:00:01Z") });
    expect(directTo(h, "bob")[0]!.reply.text).not.toContain("Initech (worked)");
  });

  it("snoozed members get nothing until their date passes", async () => {
    h.clock.set("2027-01-11T08:00:00Z");
    await h.run("bob", "snooze 5");
    h.port.deliveries.length = 0;
    await h.runJob("goals-prompt");
    expect(directTo(h, "bob")).toHaveLength(0);
    h.clock.set("2027-01-18T08:00:00Z");
    await h.runJob("goals-prompt");
    expect(directTo(h, "bob")).toHaveLength(1);
  });

  it("after three ignored prompts a member is asked once whether to continue, then left alone", async () => {
    const prompts = async (iso: string) => {
      h.clock.set(iso);
      h.port.deliveries.length = 0;
      await h.runJob("goals-prompt");
      return directTo(h, "ana");
    };
    // Any command answers the prompts (help is not one: it doesn't act as a member).
    await h.run("ana", "goal list");
    expect((await prompts("2027-01-25T08:00:00Z"))[0]!.reply.title).toBe("New week, new goals");
    expect((await prompts("2027-02-01T08:00:00Z"))[0]!.reply.title).toBe("New week, new goals");
    expect((await prompts("2027-02-08T08:00:00Z"))[0]!.reply.title).toBe("New week, new goals");
    const asked = await prompts("2027-02-15T08:00:00Z");
    expect(asked.map((d) => d.reply.title)).toEqual(["Still want these?"]);
    expect(asked[0]!.reply.buttons?.map((b) => b.command)).toEqual(["profile nudges on", "profile nudges off"]);
    expect(await prompts("2027-02-22T08:00:00Z")).toHaveLength(0);
    // Answering brings the prompts back.
    await h.run("ana", "profile nudges on");
    expect(await prompts("2027-03-01T08:00:00Z")).toHaveLength(1);
  });

  it("club-wide nudges off stops prompts but not the digest", async () => {
    await h.admin("org", "config nudges off");
    h.clock.set("2027-03-08T08:00:00Z");
    await h.runJob("goals-prompt");
    await h.runJob("digest");
    expect(h.port.deliveries.map((d) => d.kind)).toEqual(["channel"]);
    await h.admin("org", "config nudges on");
  });
});

describe.each(backends)("the weekly digest on $name", (backend) => {
  let database: Database;
  let h: Harness;
  beforeAll(async () => {
    database = await backend.open();
    h = createHarness(database);
    h.clock.set("2026-11-16T09:00:00Z"); // Monday, week 47 (UTC club)
    await h.run("ana", "join");
    await h.run("ana", "target add Acme");
    await h.run("ana", "target add Zeta Labs");
    await h.run("bea", "target add Zeta Labs");
    await h.run("bob", "network add Acme works");
    await h.run("ana", "goal add one");
    await h.run("ana", "goal add two");
    await h.run("ana", "goal done 1");
    await h.run("ana", "intro @bob Acme: coffee?");
    await h.run("bob", "intro accept 1");
    await h.run("ana", "intro outcome 1 met");
    await h.run("ana", "thanks @bob referral");
    await h.run("ana", "win Second interview at Acme!");
    await h.run("ana", "log coffee with Bob");
    await h.admin("org", "config digest-channel <#C42|job-club>");
  });
  afterAll(async () => {
    await database?.close();
  });

  it("posts the week's wins, goals, intros, helpers, new targets and open asks to the digest channel", async () => {
    h.port.deliveries.length = 0;
    await h.runJob("digest", { slot: new Date("2026-11-20T16:00:00Z") });
    const posts = h.port.deliveries.filter((d) => d.kind === "channel");
    expect(posts).toHaveLength(1);
    const post = posts[0]!;
    expect(post).toMatchObject({ channelId: "C42" });
    const fields = Object.fromEntries((post.reply.fields ?? []).map((f) => [f.label, f.value]));
    expect(fields["🎉 Wins"]).toBe("• ana: Second interview at Acme!");
    expect(fields["🎯 Goals"]).toBe("1 of 2 goals met (50%)");
    expect(fields["🤝 Introductions"]).toBe("1 requested · 1 accepted · 1 meeting reported");
    expect(fields["💛 Most generous helpers"]).toBe("• bob (2)");
    expect(fields["🏢 New target companies"]).toBe("Acme, Zeta Labs");
    expect(fields["🙋 Who knows someone at…?"]).toContain("• Zeta Labs (2 members)");
    expect(fields["🙋 Who knows someone at…?"]).not.toContain("Acme");
    expect(post.reply.text).toContain("Weekly digest · 2026-W47");
  });

  it("next week's digest starts from zero", async () => {
    h.port.deliveries.length = 0;
    h.clock.set("2026-11-27T16:00:00Z");
    await h.runJob("digest");
    const fields = Object.fromEntries((h.port.deliveries[0]!.reply.fields ?? []).map((f) => [f.label, f.value]));
    expect(fields["🎯 Goals"]).toBe("No goals set this week.");
    expect(fields["🤝 Introductions"]).toBe("0 requested · 0 accepted · 0 meetings reported");
  });

  it("digest preview is for organisers only, and private", async () => {
    expect((await h.run("ana", "digest preview")).text).toContain("Only the club's organisers");
    const preview = await h.admin("org", "digest preview");
    expect(preview.visibility).toBe("private");
    expect(preview.title).toContain("Weekly digest");
  });
});

describe.each(backends)("intro follow-ups on $name", (backend) => {
  let database: Database;
  let h: Harness;
  beforeAll(async () => {
    database = await backend.open();
    h = createHarness(database);
    h.clock.set("2026-11-02T10:00:00Z");
    await h.run("ana", "join");
    await h.run("bob", "network add Acme works");
    await h.run("cy", "network add Acme knows");
    await h.run("dee", "network add Globex works");
    await h.run("ana", "intro @bob Acme: a word?");
    await h.run("ana", "intro @dee Globex");
  });
  afterAll(async () => {
    await database?.close();
  });

  it("a helper silent for 3 days gets one reminder", async () => {
    h.clock.set("2026-11-04T10:00:00Z");
    h.port.deliveries.length = 0;
    await h.runJob("follow-ups");
    expect(h.port.deliveries).toHaveLength(0);
    h.clock.set("2026-11-05T10:00:00Z");
    await h.runJob("follow-ups");
    expect(directTo(h, "bob").map((d) => d.reply.title)).toEqual(["Reminder: Intro request #1: Acme"]);
    expect(directTo(h, "bob")[0]!.reply.buttons?.map((b) => b.command)).toEqual(["intro accept 1", "intro decline 1"]);
    h.clock.set("2026-11-06T10:00:00Z");
    await h.runJob("follow-ups");
    expect(directTo(h, "bob")).toHaveLength(1);
  });

  it("after 7 days the request expires and the requester is offered the next-best helper", async () => {
    await h.run("dee", "intro accept 2");
    h.port.deliveries.length = 0;
    h.clock.set("2026-11-09T10:00:01Z");
    await h.runJob("follow-ups");
    const [note] = directTo(h, "ana");
    expect(note!.reply.text).toContain("bob hasn't answered your request about Acme in a week");
    expect(note!.reply.text).toContain("Don't take it personally");
    expect(note!.reply.text).toContain("1. cy knows someone at Acme");
    expect(note!.reply.buttons?.map((b) => b.label)).toEqual(["Ask cy"]);
    const [row] = await queryRows<{ status: string }>(database.db, sql`select status from intros where number = 1`);
    expect(row!.status).toBe("expired");
    expect((await h.run("bob", "intro accept 1")).text).toContain("is expired");
  });

  it("7 days after the room opened both are asked how it went, once; 'not yet' asks again a week later", async () => {
    h.port.deliveries.length = 0;
    h.clock.set("2026-11-12T10:00:00Z"); // dee accepted on the 6th: not a week yet
    await h.runJob("follow-ups");
    expect(h.port.deliveries).toHaveLength(0);
    h.clock.set("2026-11-13T10:00:01Z");
    await h.runJob("follow-ups");
    const asks = h.port.deliveries.filter((d) => d.reply.title === "How did it go? Intro #2");
    expect(asks.map((d) => (d.kind === "direct" ? d.userId : "")).sort()).toEqual(["ana", "dee"]);
    expect(asks[0]!.reply.buttons?.map((b) => b.command)).toEqual(["intro outcome 2 met", "intro outcome 2 not-yet", "intro outcome 2 no-show"]);
    h.clock.set("2026-11-14T10:00:00Z");
    await h.runJob("follow-ups");
    expect(h.port.deliveries.filter((d) => d.reply.title === "How did it go? Intro #2")).toHaveLength(2);
    await h.run("ana", "intro outcome 2 not-yet");
    h.port.deliveries.length = 0;
    h.clock.set("2026-11-20T10:00:00Z");
    await h.runJob("follow-ups");
    expect(h.port.deliveries).toHaveLength(0);
    h.clock.set("2026-11-21T10:00:01Z");
    await h.runJob("follow-ups");
    expect(h.port.deliveries.filter((d) => d.reply.title === "How did it go? Intro #2")).toHaveLength(2);
  });
});

describe.each(backends)("catching up after downtime on $name", (backend) => {
  let database: Database;
  let h: Harness;
  beforeAll(async () => {
    database = await backend.open();
    h = createHarness(database);
    h.clock.set("2026-11-01T10:00:00Z");
    await h.admin("org", "config timezone America/New_York");
    await h.admin("org", "config digest-channel #club");
    await h.admin("org", "config digest mon 09:00");
  });
  afterAll(async () => {
    await database?.close();
  });

  const scheduler = () =>
    createScheduler({
      db: database.db,
      runner: createJobRunner({ db: database.db, clock: h.clock, logger: silentLogger }),
      logger: silentLogger,
      clock: h.clock,
      catchUpWindowMs: 6 * 3_600_000,
    });

  it("a process starting within the window runs the missed slot once, however often it restarts", async () => {
    // Monday 2 Nov 2026 09:00 New York is 14:00Z (after the DST change); we start at 16:30Z.
    h.clock.set("2026-11-02T16:30:00Z");
    const ran = await scheduler().catchUp();
    expect(ran.filter((r) => r.job === "digest").map((r) => r.slot.toISOString())).toEqual(["2026-11-02T14:00:00.000Z"]);
    expect((await scheduler().catchUp()).filter((r) => r.job === "digest")).toEqual([]);
  });

  it("a slot older than the window is stale and not caught up", async () => {
    h.clock.set("2026-11-09T21:00:00Z"); // 7 hours after Monday 09:00 New York
    expect((await scheduler().catchUp()).filter((r) => r.job === "digest")).toEqual([]);
  });

  it("a slot from before the schedule was changed is not caught up", async () => {
    h.clock.set("2026-11-16T15:00:00Z"); // Monday 10:00 New York
    await h.admin("org", "config digest mon 09:00");
    expect((await scheduler().catchUp()).filter((r) => r.job === "digest")).toEqual([]);
    const [runs] = await queryRows<{ n: number }>(database.db, sql`select count(*)::int as n from scheduled_runs where job = 'digest'`);
    expect(Number(runs!.n)).toBe(1);
  });
});

describe("configuration", () => {
  let database: Database;
  let h: Harness;
  beforeAll(async () => {
    database = await backends[0]!.open();
    h = createHarness(database);
  });
  afterAll(async () => {
    await database?.close();
  });

  it("is shown to anyone and changed by organisers only, whatever the UI shows", async () => {
    expect((await h.run("ana", "config")).fields).toContainEqual({ label: "Weekly digest", value: "Fridays at 16:00" });
    const refused = await h.run("ana", "config digest mon 09:00");
    expect(refused.tone).toBe("error");
    expect(refused.text).toContain("Only the club's organisers");
    await h.admin("boss", "config organisers @ana");
    const saved = await h.run("ana", "config digest mon 09:00");
    expect(saved.fields).toContainEqual({ label: "Weekly digest", value: "Mondays at 09:00" });
    expect((await h.run("ana", "config digest */10 * * * * *")).fields).toContainEqual({ label: "Weekly digest", value: "cron */10 * * * * *" });
    expect((await h.run("ana", "config matches off")).fields).toContainEqual({ label: "Match suggestions", value: "off" });
    expect((await h.run("ana", "config digest-channel here")).fields).toContainEqual({ label: "Digest channel", value: "<#general>" });
    expect((await h.run("ana", "config digest-channel <#C123|job-club>")).fields).toContainEqual({ label: "Digest channel", value: "<#C123>" });
    expect((await h.run("ana", "config timezone Mars/Base")).tone).toBe("error");
    expect((await h.run("ana", "config digest someday 09:00")).text).toContain("is not a day");
    expect((await h.run("bob", "config nudges off")).tone).toBe("error");
  });
});

