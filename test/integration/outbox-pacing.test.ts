import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { backends } from "../support/databases.js";
import { CLUB_A, createHarness, recordingPort } from "../support/harness.js";
import { sql } from "drizzle-orm";
import { queryRows, type Database } from "../../src/db/client.js";
import { findClub } from "../../src/db/store/clubs.js";
import { outboxStore } from "../../src/db/store/outbox.js";
import type { Reply } from "../../src/core/types.js";
import { createDispatcher, rateWindow } from "../../src/outbox/dispatcher.js";
import { DeliveryError, type ClubAddress, type MessengerPort } from "../../src/outbox/port.js";
import { silentLogger } from "../../src/util/logger.js";

/**
 * A platform that takes at most `perSecond` deliveries in any second and answers the next one the
 * way Slack and Discord do: a rate-limit error with Retry-After (when the oldest leaves the window).
 */
function limitedPort(perSecond: number, deliveriesPerSecond?: number) {
  const port = recordingPort();
  const sentAt: number[] = [];
  let limited = 0;
  const take = async (club: ClubAddress, userId: string, reply: Reply) => {
    const now = performance.now();
    const inWindow = sentAt.filter((t) => t > now - 1000);
    if (inWindow.length >= perSecond) {
      limited++;
      throw new DeliveryError("ratelimited", { permanent: false, retryAfterMs: Math.ceil(inWindow[0]! + 1000 - now) });
    }
    sentAt.push(now);
    await port.sendDirect(club, userId, reply);
  };
  const limitedPort: MessengerPort & { deliveries: typeof port.deliveries; limited(): number } = {
    platform: port.platform,
    ...(deliveriesPerSecond ? { deliveriesPerSecond } : {}),
    deliveries: port.deliveries,
    limited: () => limited,
    sendDirect: take,
    openRoom: (club, userIds, reply) => port.openRoom(club, userIds, reply),
    postToChannel: (club, channelId, reply) => port.postToChannel(club, channelId, reply),
  };
  return limitedPort;
}

/**
 * A platform that counts a delivery when it arrives, after `latency(n)` ms in flight, in fixed
 * one-second windows from the first arrival (as the fake Slack does), taking at most `perSecond`
 * a window and answering the next one with a rate-limit error.
 */
function slowStartPort(perSecond: number, latency: (n: number) => number) {
  const port = recordingPort();
  let windowStart: number | undefined;
  let inWindow = 0;
  let calls = 0;
  let limited = 0;
  const take = async (club: ClubAddress, userId: string, reply: Reply) => {
    await new Promise((resolve) => setTimeout(resolve, latency(calls++)));
    const now = performance.now();
    windowStart ??= now;
    const start = windowStart + Math.floor((now - windowStart) / 1000) * 1000;
    if (start !== windowStart) [windowStart, inWindow] = [start, 0];
    if (inWindow >= perSecond) {
      limited++;
      throw new DeliveryError("ratelimited", { permanent: false, retryAfterMs: 1000 });
    }
    inWindow++;
    await port.sendDirect(club, userId, reply);
  };
  const slowPort: MessengerPort & { deliveries: typeof port.deliveries; limited(): number } = {
    platform: port.platform,
    deliveriesPerSecond: perSecond,
    deliveries: port.deliveries,
    limited: () => limited,
    sendDirect: take,
    openRoom: (club, userIds, reply) => port.openRoom(club, userIds, reply),
    postToChannel: (club, channelId, reply) => port.postToChannel(club, channelId, reply),
  };
  return slowPort;
}

describe("rateWindow", () => {
  it("reads a rate per second as a count per second, and a slow one as a count per minute", () => {
    expect(rateWindow(20)).toEqual({ count: 20, windowMs: 1000 });
    expect(rateWindow(19.6)).toEqual({ count: 20, windowMs: (20 / 19.6) * 1000 });
    expect(rateWindow(50 / 60)).toEqual({ count: 50, windowMs: 60_000 });
    expect(rateWindow(0.001)).toEqual({ count: 1, windowMs: 1_000_000 });
  });
});

describe.each(backends)("outbox pacing on $name", (backend) => {
  let database: Database;
  let clubId: number;
  let members: number[];
  beforeAll(async () => {
    database = await backend.open();
    const h = createHarness(database);
    for (const name of ["ana", "bob", "cy", "dee"]) await h.run(name, "join");
    clubId = (await findClub(database.db, CLUB_A))!.id;
    members = (await queryRows<{ id: number }>(database.db, sql`select id from members where club_id = ${clubId} order by id`)).map((r) => Number(r.id));
  });
  afterAll(async () => {
    await database?.close();
  });

  const queue = (count: number, tag: string) =>
    outboxStore(database.db, clubId).enqueueMany(
      Array.from({ length: count }, (_, i) => ({
        kind: "direct" as const,
        to: members[i % members.length]!,
        dedupeKey: `${tag}:${i}`,
        reply: { text: `${tag} ${i}`, visibility: "private" as const, tone: "info" as const },
      })),
      new Date(),
    );

  it("spaces deliveries to the platform's published rate, so its limit is never hit", async () => {
    const port = limitedPort(20, 18);
    const dispatcher = createDispatcher({ db: database.db, ports: [port], logger: silentLogger });
    await queue(30, "paced");
    await dispatcher.drain({ waitForRetries: true });
    expect(port.deliveries.filter((d) => d.reply.text.startsWith("paced"))).toHaveLength(30);
    expect(port.limited()).toBe(0);
  });

  it("paced at exactly the platform's rate, a slow first answer doesn't let the next deliveries crowd into its window", async () => {
    // The first delivery arrives late; without care the following ones, sent on schedule, land
    // in the same window as it and the platform refuses the last of them.
    const port = slowStartPort(10, (n) => (n === 0 ? 300 : 5));
    const dispatcher = createDispatcher({ db: database.db, ports: [port], logger: silentLogger });
    await queue(25, "slow-start");
    await dispatcher.drain({ waitForRetries: true });
    const delivered = port.deliveries.filter((d) => d.reply.text.startsWith("slow-start")).map((d) => d.reply.text);
    expect(delivered).toHaveLength(25);
    expect(new Set(delivered).size).toBe(25);
    expect(port.limited()).toBe(0);
  });

  it("stopping hands back, uncharged, what the lanes still hold, for the next dispatcher to send once", async () => {
    const port = limitedPort(100, 4);
    const first = createDispatcher({ db: database.db, ports: [port], logger: silentLogger });
    await queue(12, "stopping");
    first.start();
    await expect.poll(() => port.deliveries.filter((d) => d.reply.text.startsWith("stopping")).length, { timeout: 10_000 }).toBeGreaterThan(0);
    await first.stop();
    const statuses = await queryRows<{ status: string; attempts: number }>(database.db, sql`select status, attempts from outbox where dedupe_key like 'stopping:%'`);
    // Stopped without waiting out the lane's queue: nothing left claimed, the rest not charged.
    expect(statuses.filter((r) => r.status === "sending")).toEqual([]);
    const left = statuses.filter((r) => r.status === "pending");
    expect(left.length).toBeGreaterThan(0);
    expect(left.every((r) => Number(r.attempts) === 0)).toBe(true);
    const second = createDispatcher({ db: database.db, ports: [port], logger: silentLogger });
    await second.drain({ waitForRetries: true });
    const delivered = port.deliveries.filter((d) => d.reply.text.startsWith("stopping")).map((d) => d.reply.text);
    expect(delivered.sort()).toEqual(Array.from({ length: 12 }, (_, i) => `stopping ${i}`).sort());
  });

  it("without a published rate, a rate limit ends the pass and the dispatcher comes back when the pause ends, not at its next poll", async () => {
    const port = limitedPort(5);
    // An hour between polls: only the end of the pause can bring the dispatcher back in time.
    const dispatcher = createDispatcher({ db: database.db, ports: [port], logger: silentLogger, pollMs: 3_600_000 });
    await queue(12, "burst");
    dispatcher.start();
    try {
      await expect.poll(() => port.deliveries.filter((d) => d.reply.text.startsWith("burst")).length, { timeout: 20_000 }).toBe(12);
      expect(port.limited()).toBeGreaterThan(0);
      // Each message once: nothing doubled by the hand-backs.
      expect(new Set(port.deliveries.map((d) => d.reply.text)).size).toBe(port.deliveries.length);
    } finally {
      await dispatcher.stop();
    }
  });
});
