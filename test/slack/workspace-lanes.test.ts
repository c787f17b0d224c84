import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { sql } from "drizzle-orm";
import { webApi } from "@slack/bolt";
import { backends } from "../support/databases.js";
import { createHarness } from "../support/harness.js";
import { queryRows, type Database } from "../../src/db/client.js";
import { findClub } from "../../src/db/store/clubs.js";
import { outboxStore } from "../../src/db/store/outbox.js";
import type { ClubRef } from "../../src/core/types.js";
import { createSlackPort } from "../../src/adapters/slack/port.js";
import { createDispatcher } from "../../src/outbox/dispatcher.js";
import { silentLogger } from "../../src/util/logger.js";
import { startFakeSlackApi, type FakeSlackApi, type Recorded } from "./fake-slack-api.js";

/**
 * A hosted Warmpath delivers to many workspaces, and Slack's limits are per workspace: the outbox
 * paces each workspace on its own, sends to several side by side, and a 429 in one pauses that one.
 * Proven through the real Slack port and Web API client against a fake Slack with two workspaces.
 */
const NORTH: ClubRef = { platform: "slack", externalId: "T0NORTH", name: "North" };
const SOUTH: ClubRef = { platform: "slack", externalId: "T0SOUTH", name: "South" };
const TOKENS: Record<string, string> = { T0NORTH: "xoxb-north-000000", T0SOUTH: "xoxb-south-000000" };
const PEOPLE = 6;
const north = (i: number) => `UN${i}`;
const south = (i: number) => `US${i}`;
const PER_SECOND = 3;

describe.each(backends)("Slack deliveries per workspace on $name", (backend) => {
  let database: Database;
  let fake: FakeSlackApi;
  const clubIds = new Map<string, number>();
  const memberIds = new Map<string, number>();

  beforeAll(async () => {
    database = await backend.open();
    const h = createHarness(database);
    for (let i = 1; i <= PEOPLE; i++) {
      await h.invoke({ club: NORTH, actor: { platformUserId: north(i), displayName: `North ${i}` }, via: "text", text: "join" });
      await h.invoke({ club: SOUTH, actor: { platformUserId: south(i), displayName: `South ${i}` }, via: "text", text: "join" });
    }
    for (const club of [NORTH, SOUTH]) clubIds.set(club.externalId, (await findClub(database.db, club))!.id);
    const rows = await queryRows<{ platform_user_id: string; member_id: number }>(database.db, sql`select platform_user_id, member_id from platform_users`);
    for (const row of rows) memberIds.set(row.platform_user_id, Number(row.member_id));
  });
  afterEach(async () => {
    await fake?.close();
    await database.db.execute(sql`delete from outbox`);
  });
  afterAll(async () => {
    await database?.close();
  });

  async function startFake(perSecond: number) {
    const users = (id: (i: number) => string) => Array.from({ length: PEOPLE }, (_, i) => ({ id: id(i + 1), name: id(i + 1).toLowerCase() }));
    fake = await startFakeSlackApi({
      botToken: TOKENS.T0NORTH!,
      teamId: "T0NORTH",
      teamName: "North",
      botUserId: "UBOTN",
      botId: "BBOTN",
      users: users(north),
      channels: {},
      workspaces: [{ teamId: "T0SOUTH", teamName: "South", botUserId: "UBOTS", botId: "BBOTS", users: users(south), channels: {}, botToken: TOKENS.T0SOUTH! }],
      rateLimit: { perSecond },
    });
    // One client per workspace, as installations give them; no retries: a 429 is the dispatcher's.
    const clients = new Map(
      Object.entries(TOKENS).map(([team, token]) => [
        team,
        new webApi.WebClient(token, { slackApiUrl: fake.apiUrl, retryConfig: { retries: 0 }, rejectRateLimitedCalls: true, logLevel: webApi.LogLevel.ERROR }),
      ]),
    );
    return (club: { externalId: string }) => Promise.resolve(clients.get(club.externalId)!);
  }

  /** Queues a DM to each member of a workspace's club, in member order. */
  async function queueDms(club: ClubRef, id: (i: number) => string, tag: string) {
    await outboxStore(database.db, clubIds.get(club.externalId)!).enqueueMany(
      Array.from({ length: PEOPLE }, (_, i) => ({
        kind: "direct" as const,
        to: memberIds.get(id(i + 1))!,
        reply: { text: `${tag} ${i + 1}`, visibility: "private" as const, tone: "info" as const },
      })),
      new Date(),
    );
  }

  const posts = (outcome: string, team?: string) =>
    fake.calls("chat.postMessage").filter((call: Recorded) => call.outcome === outcome && (team === undefined || call.team === team));
  const texts = (calls: Recorded[]) => calls.map((call) => String(call.body.text));

  it("paces each workspace at its own rate and sends to both side by side: no 429, each DM once", async () => {
    const port = createSlackPort(await startFake(PER_SECOND), { deliveriesPerMinute: PER_SECOND * 60 });
    const dispatcher = createDispatcher({ db: database.db, ports: [port], logger: silentLogger });
    // All of North's DMs are queued before South's.
    await queueDms(NORTH, north, "north");
    await queueDms(SOUTH, south, "south");
    await dispatcher.drain({ waitForRetries: true });
    expect(posts("HTTP 429")).toEqual([]);
    expect(texts(posts("ok", "T0NORTH")).sort()).toEqual(Array.from({ length: PEOPLE }, (_, i) => `north ${i + 1}`).sort());
    expect(texts(posts("ok", "T0SOUTH")).sort()).toEqual(Array.from({ length: PEOPLE }, (_, i) => `south ${i + 1}`).sort());
    // Side by side: South did not wait behind North's queue (one shared lane would send it all after).
    const ok = posts("ok");
    const firstSouth = ok.findIndex((call) => call.team === "T0SOUTH");
    const lastNorth = ok.map((call) => call.team).lastIndexOf("T0NORTH");
    expect(firstSouth).toBeLessThan(lastNorth);
    // Each workspace in its own order.
    expect(texts(posts("ok", "T0NORTH"))).toEqual(Array.from({ length: PEOPLE }, (_, i) => `north ${i + 1}`));
    const rows = await queryRows<{ status: string; attempts: number }>(database.db, sql`select status, attempts from outbox`);
    expect(rows.map((r) => [r.status, Number(r.attempts)])).toEqual(Array.from({ length: 2 * PEOPLE }, () => ["sent", 1]));
  });

  it("a 429 in one workspace pauses that workspace only: the other's DMs go on, the paused one's follow after its Retry-After", async () => {
    // Unpaced, under a limit it never meets: the only 429 is the one planned.
    const port = createSlackPort(await startFake(100));
    const dispatcher = createDispatcher({ db: database.db, ports: [port], logger: silentLogger });
    fake.failNext("chat.postMessage", { status: 429, retryAfter: 1 }, (_body, team) => team === "T0NORTH");
    await queueDms(NORTH, north, "north");
    await queueDms(SOUTH, south, "south");
    await dispatcher.drain();
    // One pass: North was told to wait after its first try; South got everything meanwhile.
    expect(posts("HTTP 429", "T0NORTH")).toHaveLength(1);
    expect(posts("ok", "T0NORTH")).toEqual([]);
    expect(texts(posts("ok", "T0SOUTH"))).toEqual(Array.from({ length: PEOPLE }, (_, i) => `south ${i + 1}`));
    const waiting = await queryRows<{ status: string; attempts: number; club_id: number }>(database.db, sql`select status, attempts, club_id from outbox where status <> 'sent'`);
    expect(waiting.map((r) => [r.status, Number(r.attempts), Number(r.club_id)])).toEqual(Array.from({ length: PEOPLE }, () => ["pending", 0, clubIds.get("T0NORTH")]));
    await dispatcher.drain({ waitForRetries: true });
    expect(texts(posts("ok", "T0NORTH"))).toEqual(Array.from({ length: PEOPLE }, (_, i) => `north ${i + 1}`));
    expect(posts("ok")).toHaveLength(2 * PEOPLE);
  });
});
