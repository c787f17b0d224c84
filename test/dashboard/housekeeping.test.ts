import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sql } from "drizzle-orm";
import { backends } from "../support/databases.js";
import { CLUB_A, CLUB_B, createHarness, type Harness } from "../support/harness.js";
import { queryRows, type Database } from "../../src/db/client.js";
import { findClub } from "../../src/db/store/clubs.js";
import { createClubStore } from "../../src/db/store/club-store.js";
import { createJobRunner } from "../../src/scheduler/runner.js";
import { silentLogger } from "../../src/util/logger.js";

const HOUR = 3_600_000;

describe.each(backends)("dashboard rows in the daily housekeeping ($name)", (backend) => {
  let database: Database;
  let h: Harness;
  beforeAll(async () => {
    database = await backend.open();
    h = createHarness(database);
  });
  afterAll(async () => {
    await database?.close();
  });

  it("deletes expired sessions and used links of the club it runs for, and nothing still valid", async () => {
    h.clock.set("2026-11-18T12:00:00Z");
    await h.run("ana", "join", CLUB_A);
    await h.run("zed", "join", CLUB_B);
    const now = h.clock.now();
    const at = (hours: number) => new Date(now.getTime() + hours * HOUR);
    const seed = async (club: typeof CLUB_A, user: string) => {
      const found = (await findClub(database.db, club))!;
      const store = createClubStore(database.db, found.id);
      const member = (await store.members.findByPlatformUser("console", user))!;
      await store.dashboard.createSession({ memberId: member.id, tokenHash: `${user}-old`.padEnd(64, "0"), viaAdmin: false, now: at(-10), expiresAt: at(-2) });
      await store.dashboard.createSession({ memberId: member.id, tokenHash: `${user}-live`.padEnd(64, "0"), viaAdmin: false, now: at(-1), expiresAt: at(7) });
      expect(await store.dashboard.useLink(`${user}-old-link`, at(-1), at(-1.2))).toBe(true);
      expect(await store.dashboard.useLink(`${user}-live-link`, at(0.2), at(0))).toBe(true);
      return found.id;
    };
    const clubA = await seed(CLUB_A, "ana");
    const clubB = await seed(CLUB_B, "zed");
    const runner = createJobRunner({ db: database.db, clock: h.clock, logger: silentLogger });
    expect((await runner.run(clubA, "housekeeping", now)).ran).toBe(true);
    const left = async (clubId: number) => ({
      sessions: (await queryRows<{ token_hash: string }>(database.db, sql`select token_hash from dashboard_sessions where club_id = ${clubId} order by 1`)).map((r) => r.token_hash.replace(/0+$/, "")),
      links: (await queryRows<{ nonce: string }>(database.db, sql`select nonce from dashboard_used_links where club_id = ${clubId} order by 1`)).map((r) => r.nonce),
    });
    expect(await left(clubA)).toEqual({ sessions: ["ana-live"], links: ["ana-live-link"] });
    // Club B's housekeeping is its own run.
    expect(await left(clubB)).toEqual({ sessions: ["zed-live", "zed-old"], links: ["zed-live-link", "zed-old-link"] });
    // A used link stays used until it has expired: using it again is still refused.
    expect(await createClubStore(database.db, clubA).dashboard.useLink("ana-live-link", at(0.2), now)).toBe(false);
  });
});
