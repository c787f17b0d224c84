import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { sql } from "drizzle-orm";
import { backends } from "../support/databases.js";
import { CLUB_A, createHarness, fakeClock, recordingPort, type Harness } from "../support/harness.js";
import { queryRows, type Database } from "../../src/db/client.js";
import { findClub } from "../../src/db/store/clubs.js";
import { enqueueForClub, outboxStore } from "../../src/db/store/outbox.js";
import type { OutboundMessage } from "../../src/core/outbound.js";
import type { ClubRef } from "../../src/core/types.js";
import { backoffMs, createDispatcher, MAX_BACKOFF_MS } from "../../src/outbox/dispatcher.js";
import { DeliveryError, type MessengerPort } from "../../src/outbox/port.js";
import { silentLogger } from "../../src/util/logger.js";

type OutboxRow = { id: number; status: string; attempts: number; next_attempt_at: Date; dedupe_key: string | null };
const rows = (database: Database) =>
  queryRows<OutboxRow>(database.db, sql`select id, status, attempts, next_attempt_at, dedupe_key from outbox order by id`).then((all) =>
    all.map((r) => ({ ...r, attempts: Number(r.attempts), next_attempt_at: new Date(r.next_attempt_at) })),
  );

const SLACK_CLUB: ClubRef = { platform: "slack", externalId: "T0RESILIENT", name: "Resilient" };
const OTHER_SLACK_CLUB: ClubRef = { platform: "slack", externalId: "T0ELSEWHERE", name: "Elsewhere" };

/** A port whose sendDirect calls are counted, failed ones included, and can be held at a gate. */
function countingPort(platform: "console" | "slack" = "console") {
  const port = recordingPort(platform);
  const calls: string[] = [];
  let gate: Promise<void> | undefined;
  let entered: (() => void) | undefined;
  const counted: MessengerPort & typeof port & { calls: string[]; hold(): { sending: Promise<void>; resume(): void } } = {
    ...port,
    calls,
    async sendDirect(club, userId, reply) {
      calls.push(userId);
      entered?.();
      if (gate) await gate;
      return port.sendDirect(club, userId, reply);
    },
    hold() {
      let resume!: () => void;
      gate = new Promise<void>((r) => (resume = r));
      const sending = new Promise<void>((r) => (entered = r));
      return { sending, resume };
    },
  };
  return counted;
}

describe("backoff with jitter", () => {
  it("waits between half and all of the doubling ceiling, picked by the random source", () => {
    expect(backoffMs(1, () => 0)).toBe(1000);
    expect(backoffMs(1, () => 0.5)).toBe(1500);
    expect(backoffMs(1, () => 0.999)).toBe(1999);
    // Different draws, different waits: messages that failed together don't all come back together.
    const waits = [0, 0.2, 0.4, 0.6, 0.8].map((r) => backoffMs(3, () => r));
    expect(new Set(waits).size).toBe(waits.length);
    for (const wait of waits) {
      expect(wait).toBeGreaterThanOrEqual(4000);
      expect(wait).toBeLessThanOrEqual(8000);
    }
  });

  it("grows with the attempts, up to the cap", () => {
    const lows = [1, 2, 3, 4, 5].map((n) => backoffMs(n, () => 0));
    const highs = [1, 2, 3, 4, 5].map((n) => backoffMs(n, () => 1));
    expect(lows).toEqual([1000, 2000, 4000, 8000, 16000]);
    expect(highs).toEqual([2000, 4000, 8000, 16000, 32000]);
    expect(backoffMs(30, () => 1)).toBe(MAX_BACKOFF_MS);
    expect(backoffMs(30, () => 0)).toBe(MAX_BACKOFF_MS / 2);
  });

  it("uses the Math.random source by default, within the bounds", () => {
    for (let i = 0; i < 50; i++) {
      const wait = backoffMs(2);
      expect(wait).toBeGreaterThanOrEqual(2000);
      expect(wait).toBeLessThanOrEqual(4000);
    }
  });
});

describe.each(backends)("outbox resilience on $name", (backend) => {
  let database: Database;
  let h: Harness;
  let clubA: number;
  let slackClub: number;
  let bob: number;
  let slackBob: number;
  let otherSlackClub: number;
  let otherSlackCat: number;

  const direct = (to: number, text: string): OutboundMessage => ({ kind: "direct", to, reply: { text, visibility: "private", tone: "info" } });
  const enqueue = async (clubId: number, messages: OutboundMessage[]) => outboxStore(database.db, clubId).enqueueMany(messages, h.clock.now());
  const memberId = async (club: number, platformUserId: string) => {
    const [row] = await queryRows<{ member_id: number }>(database.db, sql`select member_id from platform_users where club_id = ${club} and platform_user_id = ${platformUserId}`);
    return Number(row!.member_id);
  };

  beforeAll(async () => {
    database = await backend.open();
    h = createHarness(database);
    await h.run("bob", "join");
    await h.invoke({ club: SLACK_CLUB, actor: { platformUserId: "UBOB", displayName: "Bob" }, via: "text", text: "join" });
    clubA = (await findClub(database.db, CLUB_A))!.id;
    slackClub = (await findClub(database.db, SLACK_CLUB))!.id;
    bob = await memberId(clubA, "bob");
    slackBob = await memberId(slackClub, "UBOB");
    await h.invoke({ club: OTHER_SLACK_CLUB, actor: { platformUserId: "UCAT", displayName: "Cat" }, via: "text", text: "join" });
    otherSlackClub = (await findClub(database.db, OTHER_SLACK_CLUB))!.id;
    otherSlackCat = await memberId(otherSlackClub, "UCAT");
  });
  beforeEach(async () => {
    await database.db.execute(sql`delete from outbox`);
  });
  afterAll(async () => {
    await database?.close();
  });

  it("a process whose clock runs ahead by more than the lease does not take a row another process holds", async () => {
    const holder = countingPort();
    const skewed = countingPort();
    const held = holder.hold();
    // The second process's clock is 10 minutes ahead of the first's; the lease is one minute.
    const ahead = { now: () => new Date(h.clock.now().getTime() + 10 * 60_000) };
    const first = createDispatcher({ db: database.db, ports: [holder], logger: silentLogger, clock: h.clock, leaseMs: 60_000 });
    const second = createDispatcher({ db: database.db, ports: [skewed], logger: silentLogger, clock: ahead, leaseMs: 60_000 });
    await enqueue(clubA, [direct(bob, "only once")]);
    const sending = first.drain();
    await held.sending;
    expect((await rows(database))[0]).toMatchObject({ status: "sending", attempts: 1 });
    await second.drain();
    expect(skewed.calls).toEqual([]);
    expect((await rows(database))[0]).toMatchObject({ status: "sending", attempts: 1 });
    held.resume();
    await sending;
    expect(holder.deliveries).toHaveLength(1);
    expect((await rows(database))[0]).toMatchObject({ status: "sent", attempts: 1 });
  });

  it("a process whose clock runs behind does not give its rows a lease that has already run out", async () => {
    const holder = countingPort();
    const other = countingPort();
    const held = holder.hold();
    const behind = fakeClock("2026-11-18T09:00:00Z");
    const first = createDispatcher({ db: database.db, ports: [holder], logger: silentLogger, clock: behind, leaseMs: 60_000 });
    const second = createDispatcher({ db: database.db, ports: [other], logger: silentLogger, clock: h.clock, leaseMs: 60_000 });
    await outboxStore(database.db, clubA).enqueue(direct(bob, "only once"), behind.now());
    const sending = first.drain();
    await held.sending;
    await second.drain();
    expect(other.calls).toEqual([]);
    held.resume();
    await sending;
    expect((await rows(database))[0]).toMatchObject({ status: "sent", attempts: 1 });
  });

  it("a retry waits a jittered backoff drawn from the random source", async () => {
    const port = countingPort();
    port.failNext(new Error("socket hang up"));
    const dispatcher = createDispatcher({ db: database.db, ports: [port], logger: silentLogger, clock: h.clock, random: () => 0.25 });
    await enqueue(clubA, [direct(bob, "retried")]);
    await dispatcher.drain();
    const [row] = await rows(database);
    expect(row).toMatchObject({ status: "pending", attempts: 1 });
    // First retry: half of 2 s certain, plus a quarter of the other half.
    expect(row!.next_attempt_at.getTime() - h.clock.now().getTime()).toBe(1250);
  });

  it("after a 429, the rest of the batch goes back uncharged and the paused platform's other rows are not claimed", async () => {
    const port = countingPort();
    const dispatcher = createDispatcher({ db: database.db, ports: [port], logger: silentLogger, clock: h.clock, batchSize: 3 });
    await enqueue(clubA, [1, 2, 3, 4, 5, 6, 7].map((i) => direct(bob, `message ${i}`)));
    const queuedAt = h.clock.now().getTime();
    port.failNext(new DeliveryError("ratelimited", { permanent: false, retryAfterMs: 30_000 }));
    await dispatcher.drain();
    // Slack was asked once; nothing was sent or charged.
    expect(port.calls).toHaveLength(1);
    const after = await rows(database);
    expect(after.map((r) => [r.status, r.attempts])).toEqual(Array.from({ length: 7 }, () => ["pending", 0]));
    // The batch (the limited row and the two behind it) waits out the pause...
    for (const row of after.slice(0, 3)) expect(row.next_attempt_at.getTime()).toBe(queuedAt + 30_000);
    // ...and the rows beyond it were never claimed and handed back one by one.
    for (const row of after.slice(3)) expect(row.next_attempt_at.getTime()).toBe(queuedAt);
    // Not before the pause is over, all of them after it.
    h.clock.advance(29_999);
    await dispatcher.drain();
    expect(port.calls).toHaveLength(1);
    h.clock.advance(1);
    await dispatcher.drain();
    expect(port.deliveries.map((d) => d.reply.text)).toEqual([1, 2, 3, 4, 5, 6, 7].map((i) => `message ${i}`));
    expect((await rows(database)).map((r) => [r.status, r.attempts])).toEqual(Array.from({ length: 7 }, () => ["sent", 1]));
  });

  it("one pass delivers all that is due even when the lanes empty while it looks for more (50 rounds)", async () => {
    // A club's share of the lanes full, the next claim finds nothing of it; if the lanes finish
    // meanwhile, the pass must look again rather than end with rows due (CI once caught 3 of 7).
    const port = countingPort();
    const dispatcher = createDispatcher({ db: database.db, ports: [port], logger: silentLogger, clock: h.clock, batchSize: 3 });
    for (let round = 0; round < 50; round++) {
      await enqueue(clubA, [1, 2, 3, 4, 5, 6, 7].map((i) => direct(bob, `round ${round} message ${i}`)));
      port.deliveries.length = 0;
      await dispatcher.drain();
      expect(port.deliveries.map((d) => d.reply.text), `round ${round}`).toEqual([1, 2, 3, 4, 5, 6, 7].map((i) => `round ${round} message ${i}`));
    }
  });

  it("a 429 from one platform does not hold up another platform's messages in the same pass", async () => {
    const consolePort = countingPort("console");
    const slackPort = countingPort("slack");
    const dispatcher = createDispatcher({ db: database.db, ports: [consolePort, slackPort], logger: silentLogger, clock: h.clock, batchSize: 4 });
    for (let i = 1; i <= 4; i++) {
      await enqueue(slackClub, [direct(slackBob, `slack ${i}`)]);
      await enqueue(clubA, [direct(bob, `console ${i}`)]);
    }
    slackPort.failNext(new DeliveryError("ratelimited", { permanent: false, retryAfterMs: 60_000 }));
    await dispatcher.drain();
    expect(slackPort.calls).toHaveLength(1);
    expect(consolePort.deliveries.map((d) => d.reply.text)).toEqual(["console 1", "console 2", "console 3", "console 4"]);
    const slackRows = (await rows(database)).filter((r) => r.status !== "sent");
    expect(slackRows.map((r) => [r.status, r.attempts])).toEqual(Array.from({ length: 4 }, () => ["pending", 0]));
    h.clock.advance(60_000);
    await dispatcher.drain();
    expect(slackPort.deliveries.map((d) => d.reply.text)).toEqual(["slack 1", "slack 2", "slack 3", "slack 4"]);
  });

  it("a 429 from one Slack workspace pauses that workspace only: another workspace's messages go out in the same pass", async () => {
    // Slack's limits are per workspace (each has its own token), so its port paces per workspace.
    const slackPort = { ...countingPort("slack"), pacedPer: "workspace" as const };
    const dispatcher = createDispatcher({ db: database.db, ports: [slackPort], logger: silentLogger, clock: h.clock });
    await enqueue(slackClub, [1, 2, 3].map((i) => direct(slackBob, `resilient ${i}`)));
    await enqueue(otherSlackClub, [1, 2, 3].map((i) => direct(otherSlackCat, `elsewhere ${i}`)));
    const queuedAt = h.clock.now().getTime();
    slackPort.failNext(new DeliveryError("ratelimited", { permanent: false, retryAfterMs: 60_000 }));
    await dispatcher.drain();
    // The first workspace was asked once and told to wait; the other one got everything.
    expect(slackPort.calls.filter((user) => user === "UBOB")).toHaveLength(1);
    expect(slackPort.deliveries.map((d) => d.reply.text)).toEqual(["elsewhere 1", "elsewhere 2", "elsewhere 3"]);
    const waiting = (await rows(database)).filter((r) => r.status !== "sent");
    expect(waiting.map((r) => [r.status, r.attempts, r.next_attempt_at.getTime()])).toEqual(Array.from({ length: 3 }, () => ["pending", 0, queuedAt + 60_000]));
    h.clock.advance(60_000);
    await dispatcher.drain();
    expect(slackPort.deliveries.map((d) => d.reply.text).slice(3)).toEqual(["resilient 1", "resilient 2", "resilient 3"]);
    expect((await rows(database)).map((r) => [r.status, r.attempts])).toEqual(Array.from({ length: 6 }, () => ["sent", 1]));
  });

  it("one club's big fan-out does not make another club's messages on the same lane wait for all of it", async () => {
    const CLUB_B: ClubRef = { platform: "console", externalId: "club-b", name: "Club B" };
    await h.invoke({ club: CLUB_B, actor: { platformUserId: "dee", displayName: "Dee" }, via: "text", text: "join" });
    const clubB = (await findClub(database.db, CLUB_B))!.id;
    const dee = await memberId(clubB, "dee");
    // Paced (as platforms are), so a backlog builds up in the lane.
    const port = { ...countingPort(), deliveriesPerSecond: 20 };
    const dispatcher = createDispatcher({ db: database.db, ports: [port], logger: silentLogger, clock: h.clock, batchSize: 10 });
    // Club A's 60 messages are queued before club B's 3, and both clubs share the console's one lane.
    await enqueue(clubA, Array.from({ length: 60 }, (_, i) => direct(bob, `fan-out ${i}`)));
    await enqueue(clubB, [1, 2, 3].map((i) => direct(dee, `club b ${i}`)));
    await dispatcher.drain();
    const texts = port.deliveries.map((d) => d.reply.text);
    expect(texts).toHaveLength(63);
    // Club A has at most half a batch waiting at a time, so club B's rows are claimed past the rest of it.
    const lastOfB = texts.lastIndexOf("club b 3");
    expect(texts.slice(0, lastOfB).filter((t) => t.startsWith("fan-out")).length).toBeLessThanOrEqual(20);
    expect(texts.filter((t) => t.startsWith("club b"))).toEqual(["club b 1", "club b 2", "club b 3"]);
  });

  it("a message to a platform account goes through the port's sendDirect, and its dedupe key makes a repeat a no-op", async () => {
    const port = countingPort();
    const dispatcher = createDispatcher({ db: database.db, ports: [port], logger: silentLogger, clock: h.clock });
    const welcome: OutboundMessage = { kind: "account", platform: "console", userId: "newcomer", reply: { text: "Welcome!", visibility: "private", tone: "info" }, dedupeKey: "welcome:general:newcomer" };
    expect(await enqueueForClub(database.db, CLUB_A, welcome, h.clock.now())).toBe(true);
    expect(await enqueueForClub(database.db, CLUB_A, welcome, h.clock.now())).toBe(false);
    await dispatcher.drain();
    expect(port.deliveries).toEqual([expect.objectContaining({ kind: "direct", userId: "newcomer", club: { clubId: clubA, externalId: "club-a" } })]);
    expect(await enqueueForClub(database.db, CLUB_A, welcome, h.clock.now())).toBe(false);
    expect((await rows(database)).map((r) => [r.status, r.dedupe_key])).toEqual([["sent", "welcome:general:newcomer"]]);
  });

  it("a message to an account on a platform that is not running fails visibly", async () => {
    const port = countingPort();
    const dispatcher = createDispatcher({ db: database.db, ports: [port], logger: silentLogger, clock: h.clock });
    await enqueueForClub(database.db, CLUB_A, { kind: "account", platform: "discord", userId: "123", reply: { text: "hi", visibility: "private", tone: "info" } }, h.clock.now());
    await dispatcher.drain();
    const [row] = await queryRows<{ status: string; last_error: string }>(database.db, sql`select status, last_error from outbox`);
    expect(row).toMatchObject({ status: "failed", last_error: "discord is not a running platform" });
    expect(port.calls).toEqual([]);
  });
});
