import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sql } from "drizzle-orm";
import { backends } from "../support/databases.js";
import { CLUB_A, createHarness, type Harness } from "../support/harness.js";
import { queryRows, type Database } from "../../src/db/client.js";

/** A small deterministic generator, so a failure can be replayed. */
function random(seed: number) {
  let state = seed >>> 0;
  return () => {
    state = (state * 1664525 + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}

const WORDS = [
  "goal", "add", "done", "list", "target", "stage", "remove", "network", "who", "intro", "accept", "decline", "outcome",
  "log", "win", "thanks", "snooze", "resume", "profile", "headline", "status", "until", "export", "forget-me", "help",
  "join", "@bob", "<@U1|x>", "<@>", "@", "0", "-1", "99999999999999999999", "#3", "2026-02-30", "NaN", "offer", "knows",
  "“", "\"", ":", "::", "Acme", "ACME, Inc.", "😀", "\u0000", "\u202e", "'; drop table members; --", "%", "_", "\\", "x".repeat(120),
];

describe.each(backends)("hostile input on $name", (backend) => {
  let database: Database;
  let h: Harness;
  beforeAll(async () => {
    database = await backend.open();
    h = createHarness(database);
    await h.run("bob", "network add Acme works");
  });
  afterAll(async () => {
    await database?.close();
  });

  it("400 random command lines each get a reply, and the core never throws", async () => {
    const next = random(20261121);
    for (let i = 0; i < 400; i++) {
      const length = 1 + Math.floor(next() * 7);
      const line = Array.from({ length }, () => WORDS[Math.floor(next() * WORDS.length)]).join(" ");
      const reply = await h.run("fuzz", line);
      expect(typeof reply.text, line).toBe("string");
      expect(reply.text.length, line).toBeGreaterThan(0);
      expect(reply.text, line).not.toContain("Sorry, something went wrong");
    }
    const [tables] = await queryRows<{ n: number }>(database.db, sql`select count(*)::int as n from members`);
    expect(Number(tables!.n)).toBeGreaterThan(0);
  });

  it("a line over the limit is refused politely", async () => {
    const reply = await h.run("fuzz", `goal add ${"a".repeat(5000)}`);
    expect(reply).toMatchObject({ tone: "error", visibility: "private" });
    expect(reply.text).toContain("too long");
  });

  it("a new member's first commands arriving at once create one member", async () => {
    const replies = await Promise.all(
      ["goal add one", "goal add two", "target add Acme", "network add Globex knows"].map((text) =>
        h.core.handle({ club: CLUB_A, actor: { platformUserId: "newbie", displayName: "Newbie" }, via: "text", text }),
      ),
    );
    for (const reply of replies) expect(reply.tone).toBe("success");
    const [row] = await queryRows<{ n: number }>(database.db, sql`select count(*)::int as n from platform_users where platform_user_id = 'newbie'`);
    expect(Number(row!.n)).toBe(1);
  });

  it("a club's first commands arriving at once create one club", async () => {
    const club = { platform: "console" as const, externalId: "brand-new-club" };
    const replies = await Promise.all(
      ["ana", "bo", "cy"].map((user) => h.core.handle({ club, actor: { platformUserId: user, displayName: user }, via: "text", text: "join" })),
    );
    for (const reply of replies) expect(reply.tone).toBe("success");
    const [row] = await queryRows<{ n: number }>(database.db, sql`select count(*)::int as n from club_links where external_id = 'brand-new-club'`);
    expect(Number(row!.n)).toBe(1);
  });
});
