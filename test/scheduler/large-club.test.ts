import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sql } from "drizzle-orm";
import { backends } from "../support/databases.js";
import { queryRows, type Database } from "../../src/db/client.js";
import { ensureClub } from "../../src/db/store/clubs.js";
import { expandFanouts, FANOUT_CHUNK } from "../../src/db/store/fanouts.js";
import { createJobRunner } from "../../src/scheduler/runner.js";
import { silentLogger } from "../../src/util/logger.js";

// The weekly matches job once crashed past ~125,000 rows read at once (spreading them into
// push() overflowed the call stack). A club with more than 200,000 ties must simply work.

const NOW = new Date("2026-11-24T10:00:00Z");
const MEMBERS = 2_010;
const COMPANIES = 100;

describe.each(backends)("the weekly matches job over a club with more than 200,000 network ties ($name)", (backend) => {
  let database: Database;
  let clubId: number;
  beforeAll(async () => {
    database = await backend.open();
    const db = database.db;
    clubId = (await ensureClub(db, { platform: "console", externalId: "large", name: "Large" }, NOW)).id;
    // Set-based: every member has a tie at every company and aims at three of them.
    await db.execute(sql`insert into members (club_id, display_name, created_at, updated_at)
      select ${clubId}, 'member' || i, ${NOW}, ${NOW} from generate_series(1, ${MEMBERS}) i`);
    await db.execute(sql`insert into companies (club_id, name, normalized_name, created_at)
      select ${clubId}, 'Company ' || i, 'company' || i, ${NOW} from generate_series(1, ${COMPANIES}) i`);
    await db.execute(sql`insert into network_ties (club_id, member_id, company_id, relation, created_at, touched_at)
      select ${clubId}, m.id, c.id, (array['works','worked','knows'])[1 + (m.id + c.id) % 3], ${NOW}, ${NOW}
      from members m cross join companies c where m.club_id = ${clubId} and c.club_id = ${clubId}`);
    await db.execute(sql`insert into targets (club_id, member_id, company_id, stage, created_at, updated_at)
      select ${clubId}, m.id, c.id, 'researching', ${NOW}, ${NOW}
      from members m join companies c on c.club_id = m.club_id and (c.id + m.id) % ${COMPANIES} < 3
      where m.club_id = ${clubId}`);
  }, 300_000);
  afterAll(async () => {
    await database?.close();
  });

  it("completes, with three suggestions and one DM for every member", async () => {
    const [ties] = await queryRows<{ n: number }>(database.db, sql`select count(*)::int as n from network_ties where club_id = ${clubId}`);
    expect(Number(ties!.n)).toBeGreaterThan(200_000);
    const runner = createJobRunner({ db: database.db, clock: { now: () => NOW }, logger: silentLogger });
    const run = await runner.run(clubId, "matches", NOW);
    expect(run).toEqual({ ran: true, sent: MEMBERS });
    const [recorded] = await queryRows<{ n: number; members: number }>(
      database.db,
      sql`select count(*)::int as n, count(distinct member_id)::int as members from match_suggestions where club_id = ${clubId} and kind = 'path'`,
    );
    expect({ n: Number(recorded!.n), members: Number(recorded!.members) }).toEqual({ n: 3 * MEMBERS, members: MEMBERS });

    // The DMs, written out of the run's fan-out a chunk per transaction: one to each member, each
    // with their three paths.
    let chunks = 0;
    while ((await expandFanouts(database.db, NOW)) > 0) chunks++;
    expect(chunks).toBe(Math.ceil(MEMBERS / FANOUT_CHUNK));
    const [dms] = await queryRows<{ n: number; members: number; paths: number }>(
      database.db,
      sql`select count(*)::int as n, count(distinct payload->>'to')::int as members, sum(jsonb_array_length(payload->'matches'->'paths'))::int as paths
          from outbox where club_id = ${clubId} and dedupe_key like 'matches:%'`,
    );
    expect({ n: Number(dms!.n), members: Number(dms!.members), paths: Number(dms!.paths) }).toEqual({ n: MEMBERS, members: MEMBERS, paths: 3 * MEMBERS });
  }, 300_000);
});
