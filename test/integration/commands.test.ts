import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sql } from "drizzle-orm";
import { backends } from "../support/databases.js";
import { createHarness, type Harness } from "../support/harness.js";
import { queryRows, type Database } from "../../src/db/client.js";

/** Rows in every table, to prove a rejected command stored nothing. */
async function rowCounts(database: Database): Promise<Record<string, number>> {
  const tables = ["clubs", "club_links", "members", "platform_users", "goals", "companies", "targets", "network_ties", "intros", "activities", "wins", "thanks", "outbox"];
  const counts: Record<string, number> = {};
  for (const table of tables) {
    const [row] = await queryRows<{ n: number }>(database.db, sql.raw(`select count(*)::int as n from ${table}`));
    counts[table] = Number(row!.n);
  }
  return counts;
}

describe.each(backends)("every command on $name", (backend) => {
  let database: Database;
  let h: Harness;
  beforeAll(async () => {
    database = await backend.open();
    h = createHarness(database);
  });
  afterAll(async () => {
    await database?.close();
  });

  it("help lists every command without making anyone a member", async () => {
    const reply = await h.run("visitor", "help");
    for (const usage of ["join [headline]", "goal add <text>", "who [targets] <company>", "forget-me"]) expect(reply.text).toContain(usage);
    expect((await rowCounts(database)).members).toBe(0);
    expect((await h.run("visitor", "help target add")).text).toContain("target add Globex applied");
  });

  it("join and profile keep the headline, status and timezone", async () => {
    expect((await h.run("ana", "join Senior data engineer")).text).toContain("Senior data engineer");
    const updated = await h.run("ana", "profile timezone Europe/Berlin matches off");
    expect(updated.fields).toEqual(expect.arrayContaining([{ label: "Timezone", value: "Europe/Berlin" }, { label: "Match suggestions", value: "off" }]));
    const paused = await h.run("ana", "profile status paused until 2026-12-01");
    expect(paused.text).toMatch(/paused until Tue, 1 Dec 2026/);
    expect((await h.run("ana", "profile status searching")).text).toContain("Status: searching");
    expect((await h.run("ana", "profile timezone Mars/Olympus")).tone).toBe("error");
  });

  it("goal add, list and done work on this week's goals", async () => {
    await h.run("ana", "goal add Reach out to 3 people");
    await h.run("ana", "goal add Apply to Globex");
    const list = await h.run("ana", "goal list");
    expect(list.text).toContain("1. ⬜ Reach out to 3 people");
    expect(list.buttons?.map((b) => b.command)).toEqual(["goal done 1 2026-W47", "goal done 2 2026-W47"]);
    expect((await h.run("ana", "goal done 2")).text).toContain("Done: Apply to Globex");
    expect((await h.run("ana", "goal done 2")).text).toContain("already done");
    expect((await h.run("ana", "goal done 7")).tone).toBe("error");
    // A new ISO week starts empty, and last week's "Done #1" button still means last week's goal 1.
    h.clock.advance(7 * 86_400_000);
    expect((await h.run("ana", "goal list")).text).toContain("No goals");
    expect((await h.run("ana", list.buttons![0]!.command)).text).toContain("Done: Reach out to 3 people");
    expect((await h.run("ana", "goal done 1 someday")).tone).toBe("error");
  });

  it("target add, list, stage and remove treat spellings of one company as one", async () => {
    expect((await h.run("ana", "target add ACME, Inc.")).text).toContain("Added ACME, Inc. (researching)");
    expect((await h.run("ana", "target add Acme Corp applied")).text).toContain("Updated ACME, Inc. (applied)");
    expect((await h.run("ana", "target stage acme interviewing")).text).toContain("now at interviewing");
    await h.run("ana", "target add Globex");
    const list = await h.run("ana", "target list");
    expect(list.fields).toEqual([{ label: "ACME, Inc.", value: "interviewing" }, { label: "Globex", value: "researching" }]);
    expect((await h.run("ana", "target remove globex corporation")).text).toContain("Removed Globex");
    expect((await h.run("ana", "target remove Globex")).tone).toBe("error");
    expect((await h.run("ana", "target stage Nowhere Ltd offer")).tone).toBe("error");
  });

  it("network add, list and remove, and who ranks the strongest tie first", async () => {
    await h.run("bo", "network add Acme knows");
    await h.run("cy", "network add acme corporation works");
    await h.run("di", "network add ACME LLC worked");
    expect((await h.run("bo", "network list")).text).toContain("You know someone at");
    const who = await h.run("ana", "who Acme Inc");
    expect(who.text.split("\n").slice(1)).toEqual(["1. cy works at ACME, Inc.", "2. di used to work at ACME, Inc.", "3. bo knows someone at ACME, Inc."]);
    expect(who.buttons?.[0]).toMatchObject({ label: "Ask cy", command: expect.stringMatching(/^intro <@#\d+> ACME, Inc\.$/) });
    await h.run("di", "network remove acme");
    expect((await h.run("ana", "who acme")).text).not.toContain("di");
    expect((await h.run("ana", "who Initech")).text).toContain("Nobody in the club");
  });

  it("log, win and thanks record activity and tell the people concerned", async () => {
    expect((await h.run("ana", "log coffee with a PM")).text).toContain("Logged coffee");
    h.port.deliveries.length = 0;
    await h.run("ana", "win Second round at Acme!");
    expect(h.port.deliveries).toEqual([expect.objectContaining({ kind: "channel", channelId: "general", reply: expect.objectContaining({ text: "🎉 ana: Second round at Acme!" }) })]);
    await h.run("ana", "thanks @cy referral for the word");
    expect(h.port.deliveries[1]).toMatchObject({ kind: "direct", userId: "cy", reply: { text: "💛 ana thanked you for the referral: “for the word”" } });
    expect((await h.run("ana", "thanks @ana")).tone).toBe("error");
    expect((await h.run("ana", "thanks @nobody")).text).toContain("don't know that member");
  });

  it("snooze and resume pause a member, who comes back by themselves", async () => {
    expect((await h.run("cy", "snooze 3")).text).toContain("Snoozed until");
    expect((await h.run("ana", "who acme")).text).not.toContain("cy works");
    expect((await h.run("ana", "intro @cy acme")).text).toContain("taking a break");
    h.clock.advance(4 * 86_400_000);
    expect((await h.run("ana", "who acme")).text).toContain("cy works");
    await h.run("cy", "snooze 2w");
    expect((await h.run("cy", "resume")).text).toContain("Welcome back");
    expect((await h.run("cy", "resume")).text).toContain("not paused");
    expect((await h.run("cy", "snooze yesterday")).tone).toBe("error");
  });

  it("rejected commands store nothing and say what was wrong with the usage", async () => {
    const before = await rowCounts(database);
    const rejected = [
      "target add",
      `target add ${"x".repeat(101)}`,
      "network add Acme",
      "goal done abc",
      "intro @ghost Acme",
      "intro @ana Acme",
      "intro accept 999",
      "fly me to the moon",
      "resume please now",
      "'; DROP TABLE members; --",
    ];
    for (const line of rejected) {
      const reply = await h.run("ana", line);
      expect(reply.tone, line).toBe("error");
      expect(reply.visibility, line).toBe("private");
    }
    expect((await h.run("ana", "network add Acme")).text).toContain("Usage: network add <company> works|worked|knows");
    expect(await rowCounts(database)).toEqual(before);
  });

  it("company names are stored as data, never as SQL", async () => {
    const name = `Robert'); DROP TABLE companies; --`;
    expect((await h.run("ana", `target add ${name}`)).text).toContain("Added");
    expect((await h.run("ana", "target list")).text).toContain(name);
  });
});
