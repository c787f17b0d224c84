import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sql } from "drizzle-orm";
import { backends } from "../support/databases.js";
import { queryRows, type Database } from "../../src/db/client.js";
import { startWorld, type World } from "./world.js";

interface OutboxRow {
  id: number;
  status: string;
  attempts: number;
  last_error: string | null;
}

/**
 * Outbox deliveries against Discord's answers: 429s (per route and global) are waited out by the
 * Postgres-backed dispatcher using Discord's retry_after, then delivered exactly once; server errors
 * are retried; refusals fail the message with a reason; nothing the bot posts can ping @everyone.
 */
describe.each(backends)("Discord deliveries on $name", (backend) => {
  let database: Database;
  let w: World;

  beforeAll(async () => {
    database = await backend.open();
    w = await startWorld(database);
    await w.run(w.ana, "join");
    await w.run(w.bob, "join");
  });
  afterAll(async () => {
    await w?.stop();
    await database?.close();
  });

  const latestRow = async () => (await queryRows<OutboxRow>(database.db, sql`select id, status, attempts, last_error from outbox order by id desc limit 1`))[0]!;
  const callsTo = (path: string, after: number) => w.fake.calls.slice(after).filter((c) => c.path === path);
  /** The pause the dispatcher scheduled for a message, as it logged it. */
  const scheduledPause = (id: number) => {
    const line = w.logs.find((l) => (l.includes("outbox message will be retried") || l.includes("outbox message rate limited")) && l.includes(`"id":${id},`));
    return line ? Number(/"inMs":(\d+)/.exec(line)?.[1]) : undefined;
  };

  it("delivers a rate-limited post after Discord's pause, exactly once", async () => {
    const random = w.fake.channel(w.guild, "random");
    const path = `/channels/${random.id}/messages`;
    const before = w.fake.calls.length;
    w.fake.rateLimit({ method: "POST", path: new RegExp(`^${path}$`), retryAfter: 1 });
    await w.run(w.ana, "win", { text: "Signed the offer! @everyone @here <@&1310000000000000099>" }, { channelId: random.id });
    await w.dispatcher.drain({ waitForRetries: true });

    const posts = w.fake.messagesIn(random.id);
    expect(posts.map((p) => p.content)).toEqual(["🎉 Ana: Signed the offer! @everyone @here <@&1310000000000000099>"]);
    expect(w.fake.pingsOf(posts[0]!)).toEqual({ everyone: false, users: [], roles: [] });
    expect(callsTo(path, before).map((c) => c.status)).toEqual([429, 200]);
    // Nothing was sent while the pause lasted: the fake answers (and counts) any such request.
    expect(w.fake.earlyRetries).toEqual([]);
    const row = await latestRow();
    expect(row).toMatchObject({ status: "sent", attempts: 1 });
    // The 429 reached the outbox, which waited Discord's retry_after (1 s), not its own 2 s backoff.
    const pause = scheduledPause(row.id)!;
    expect(pause).toBeGreaterThanOrEqual(1000);
    expect(pause).toBeLessThan(2000);
    await w.dispatcher.drain({ waitForRetries: true });
    expect(w.fake.messagesIn(random.id)).toHaveLength(1);
  });

  it("holds a delivery while a global rate limit lasts, then sends it once", async () => {
    const before = w.fake.calls.length;
    const dmsBefore = w.fake.dmsTo(w.bob).length;
    w.fake.rateLimit({ method: "POST", path: /^\/users\/@me\/channels$/, retryAfter: 1, global: true });
    await w.run(w.ana, "thanks", { member: w.bob.id, note: "for the coffee chat" });
    await w.dispatcher.drain({ waitForRetries: true });

    expect(w.fake.dmsTo(w.bob).slice(dmsBefore).map((m) => m.content)).toEqual(["💛 Ana thanked you: “for the coffee chat”"]);
    expect(callsTo("/users/@me/channels", before).map((c) => c.status)).toEqual([429, 200]);
    expect(w.fake.earlyRetries).toEqual([]);
    const row = await latestRow();
    expect(row).toMatchObject({ status: "sent", attempts: 1 });
    expect(w.logs.some((l) => l.includes("outbox message rate limited") && l.includes("rate limited by Discord (global limit)"))).toBe(true);
  });

  it("retries a Discord server error through the outbox and delivers once", async () => {
    const general = w.fake.channel(w.guild, "general");
    const path = `/channels/${general.id}/messages`;
    const before = w.fake.calls.length;
    w.fake.fail({ method: "POST", path: new RegExp(`^${path}$`), status: 502 });
    await w.run(w.bob, "win", { text: "First interview booked" }, { channelId: general.id });
    await w.dispatcher.drain({ waitForRetries: true });

    // @discordjs/rest would have repeated the POST itself; for deliveries only the outbox retries.
    expect(callsTo(path, before).map((c) => c.status)).toEqual([502, 200]);
    expect(w.fake.messagesIn(general.id).filter((m) => m.content.includes("First interview booked"))).toHaveLength(1);
    // A server error costs an attempt (a rate limit does not).
    expect(await latestRow()).toMatchObject({ status: "sent", attempts: 2 });
  });

  it("fails a message Discord refuses for good, with a reason a person can act on, and carries on", async () => {
    const random = w.fake.channel(w.guild, "random");
    w.fake.denyChannel(random);
    await w.run(w.bob, "win", { text: "Offer from Globex" }, { channelId: random.id });
    await w.dispatcher.drain({ waitForRetries: true });

    const failed = await latestRow();
    expect(failed).toMatchObject({ status: "failed", attempts: 1 });
    expect(failed.last_error).toContain("Missing Permissions");
    expect(failed.last_error).toContain("the bot lacks a permission there (Send Messages");
    expect(w.logs.some((l) => l.includes("outbox message failed for good") && l.includes("Missing Permissions"))).toBe(true);
    expect(w.fake.messagesIn(random.id).some((m) => m.content.includes("Offer from Globex"))).toBe(false);

    const general = w.fake.channel(w.guild, "general");
    await w.run(w.bob, "win", { text: "Offer from Initech" }, { channelId: general.id });
    await w.dispatcher.drain({ waitForRetries: true });
    expect(await latestRow()).toMatchObject({ status: "sent" });
  });

  it("restricts pings in everything the bot posted, to the people a message is for", () => {
    expect(w.fake.messages.length).toBeGreaterThan(0);
    for (const message of w.fake.messages) {
      expect(message.allowed_mentions?.parse).toEqual([]);
      expect(w.fake.pingsOf(message).everyone).toBe(false);
    }
    expect(w.logs.join("\n")).not.toContain(w.fake.token);
  });
});
