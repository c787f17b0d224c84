import { sql } from "drizzle-orm";
import { z } from "zod";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { backends } from "../support/databases.js";
import { CLUB_A, createHarness, fakeClock, type Harness } from "../support/harness.js";
import { queryRows, type Database } from "../../src/db/client.js";
import { createCore } from "../../src/core/core.js";
import { defineCommand } from "../../src/core/command.js";
import { allCommands } from "../../src/core/commands/index.js";
import { privateReply } from "../../src/core/reply.js";
import { createLogger } from "../../src/util/logger.js";

/**
 * Read-only commands (lists, who, export) skip the transaction when the member's record needs no
 * update; whatever using Warmpath must change still changes.
 */
describe.each(backends)("read-only commands on $name", (backend) => {
  let database: Database;
  let h: Harness;
  const memberRow = async (name: string) =>
    (
      await queryRows<{ status: string; unanswered_prompts: number; display_name: string }>(
        database.db,
        sql`select m.status, m.unanswered_prompts, m.display_name from members m join platform_users p on p.member_id = m.id where p.platform_user_id = ${name}`,
      )
    )[0]!;
  beforeAll(async () => {
    database = await backend.open();
    h = createHarness(database);
    await h.run("ana", "join");
    await h.run("ana", "goal add Write to three people");
  });
  afterAll(async () => {
    await database?.close();
  });

  it("answer as before", async () => {
    expect((await h.run("ana", "goal list")).text).toContain("Write to three people");
    expect((await h.run("ana", "intro list")).text).toContain("No introductions yet");
  });

  it("list the goals of the member's own week, where their timezone has begun another one", async () => {
    // Sunday 20:00 UTC is Monday morning in Auckland: a new week there, not yet in UTC.
    h.clock.set("2026-11-22T20:00:00Z");
    await h.run("kiri", "join");
    await h.run("kiri", "profile timezone Pacific/Auckland");
    await h.run("kiri", "goal add Monday call with Acme");
    const kiri = await h.run("kiri", "goal list");
    expect(kiri.title).toBe("Goals for 2026-W48");
    expect(kiri.text).toContain("1. ⬜ Monday call with Acme");
    expect((await h.run("kiri", "goal list last")).text).toContain("You had no goals in 2026-W47.");
    const ana = await h.run("ana", "goal list");
    expect(ana.title).toBe("Goals for 2026-W47");
    expect(ana.text).toContain("1. ⬜ Write to three people");
    expect(ana.text).not.toContain("Monday call");
    expect((await h.run("ana", "goal list 2026-W48")).text).toContain("You had no goals in 2026-W48.");
    h.clock.set("2026-11-18T10:00:00Z");
  });

  it("profile and config that only show answer as before; a first `profile` still makes a member", async () => {
    expect((await h.run("ana", "profile")).text).toContain("Your profile.");
    expect((await h.run("ana", "config")).text).toContain("Here is how the club is set up.");
    expect((await h.run("ana", "help goal")).text).toContain("goal list [week]");
    expect((await h.run("newcomer", "profile")).text).toContain("Name: newcomer");
    expect((await memberRow("newcomer")).status).toBe("searching");
    await database.db.execute(sql`update members set unanswered_prompts = 2`);
    await h.run("ana", "profile");
    expect(Number((await memberRow("ana")).unanswered_prompts)).toBe(0);
    expect(Number((await memberRow("newcomer")).unanswered_prompts)).toBe(2);
    await h.run("newcomer", "help");
    expect(Number((await memberRow("newcomer")).unanswered_prompts)).toBe(2);
  });

  it("still answer the prompts: a list resets the ignored-prompts count", async () => {
    await database.db.execute(sql`update members set unanswered_prompts = 2`);
    await h.run("ana", "goal list");
    expect(Number((await memberRow("ana")).unanswered_prompts)).toBe(0);
  });

  it("still end a pause that has run out", async () => {
    await h.run("ana", "snooze 2");
    expect((await memberRow("ana")).status).toBe("paused");
    h.clock.advance(3 * 86_400_000);
    await h.run("ana", "target list");
    expect((await memberRow("ana")).status).toBe("searching");
  });

  it("still follow a platform name change", async () => {
    await h.invoke({ club: { ...CLUB_A, platform: "slack", externalId: "T0READ" }, actor: { platformUserId: "U1", displayName: "Ana" }, via: "text", text: "join" });
    await h.invoke({ club: { ...CLUB_A, platform: "slack", externalId: "T0READ" }, actor: { platformUserId: "U1", displayName: "Ana B." }, via: "text", text: "goal list" });
    expect((await memberRow("U1")).display_name).toBe("Ana B.");
  });

  it("may not send: a read-only command that tries is refused and queues nothing", async () => {
    const sneaky = defineCommand({
      name: "sneaky",
      summary: "Reads, then tries to send",
      usage: "sneaky",
      args: z.object({}),
      createsMember: false,
      readOnly: true,
      async run(ctx) {
        await ctx.send({ kind: "direct", to: ctx.me.id, reply: privateReply("psst") });
        return privateReply("sent");
      },
    });
    const core = createCore({ db: database.db, logger: createLogger({ level: "silent" }), clock: fakeClock(), commands: [...allCommands, sneaky] });
    const reply = await core.handle({ club: CLUB_A, actor: { platformUserId: "ana", displayName: "ana" }, via: "text", text: "sneaky" });
    expect(reply.tone).toBe("error");
    expect(await queryRows(database.db, sql`select id from outbox where payload::text like '%psst%'`)).toEqual([]);
  });
});
