/**
 * npm run bench: a seeded club of 10,000 members (100,000 network ties, 30,000 targets) on PGlite,
 * and on Postgres too when BENCH_DATABASE_URL (or TEST_DATABASE_URL) is set. Reports the time to
 * compute the week's matches (the whole job: read, rank, record, queue the DMs), to build one digest,
 * and the outbox delivery rate through the real Slack port to a local fake Slack Web API.
 */
import { performance } from "node:perf_hooks";
import { sql } from "drizzle-orm";
import pg from "pg";
import { randomBytes } from "node:crypto";
import { openPglite, openPostgres, queryRows, type Database } from "../src/db/client.js";
import { createClubStore } from "../src/db/store/club-store.js";
import { buildDigest } from "../src/core/services/digest.js";
import { computeMatches } from "../src/core/services/matching.js";
import { createJobRunner } from "../src/scheduler/runner.js";
import { createDispatcher } from "../src/outbox/dispatcher.js";
import { createSlackPort } from "../src/adapters/slack/port.js";
import { silentLogger } from "../src/util/logger.js";
import { startFakeSlackApi } from "../test/slack/fake-slack-api.js";
import { webApi } from "@slack/bolt";

const MEMBERS = 10_000;
const COMPANIES = 2_000;
const TIES_PER_MEMBER = 10;
const TARGETS_PER_MEMBER = 3;
const TEAM = "TBENCH";
const TOKEN = "xoxb-bench-token-000000";

async function seed(database: Database): Promise<number> {
  const db = database.db;
  const now = new Date("2026-11-24T09:00:00Z");
  const [club] = await queryRows<{ id: number }>(db, sql`insert into clubs (name, created_at) values ('Bench club', ${now}) returning id`);
  const clubId = Number(club!.id);
  await db.execute(sql`insert into club_links (club_id, platform, external_id, created_at) values (${clubId}, 'slack', ${TEAM}, ${now})`);
  await db.execute(sql`insert into members (club_id, display_name, headline, status, created_at, updated_at)
    select ${clubId}, 'member' || i, 'Role ' || (i % 50), case when i % 10 = 0 then 'employed' else 'searching' end, ${now}, ${now}
    from generate_series(1, ${MEMBERS}) i`);
  await db.execute(sql`insert into platform_users (club_id, member_id, platform, platform_user_id, created_at)
    select ${clubId}, id, 'slack', 'U' || lpad(id::text, 6, '0'), ${now} from members where club_id = ${clubId}`);
  await db.execute(sql`insert into companies (club_id, name, normalized_name, created_at)
    select ${clubId}, 'Company ' || i, 'company' || i, ${now} from generate_series(1, ${COMPANIES}) i`);
  // Member m's k-th tie and target land on spread-out companies (distinct per member).
  await db.execute(sql`insert into network_ties (club_id, member_id, company_id, relation, created_at, touched_at)
    select ${clubId}, m.id, c.id, (array['works','worked','knows'])[1 + (m.id + k) % 3], ${now}, ${now}::timestamptz - make_interval(days => (m.id * k) % 90)
    from members m cross join generate_series(0, ${TIES_PER_MEMBER - 1}) k
    join companies c on c.club_id = ${clubId} and c.normalized_name = 'company' || (1 + (m.id * 7 + k * 197) % ${COMPANIES})
    where m.club_id = ${clubId}`);
  await db.execute(sql`insert into targets (club_id, member_id, company_id, stage, created_at, updated_at)
    select ${clubId}, m.id, c.id, 'researching', ${now}, ${now}
    from members m cross join generate_series(0, ${TARGETS_PER_MEMBER - 1}) k
    join companies c on c.club_id = ${clubId} and c.normalized_name = 'company' || (1 + (m.id * 13 + k * 389 + 1000) % ${COMPANIES})
    where m.club_id = ${clubId}
    on conflict do nothing`);
  // A week of activity for the digest.
  await db.execute(sql`insert into goals (club_id, member_id, text, iso_week, done, created_at)
    select ${clubId}, id, 'Goal of ' || id, '2026-W48', id % 3 = 0, ${now} from members where club_id = ${clubId} and id % 4 = 0`);
  await db.execute(sql`insert into wins (club_id, member_id, text, created_at)
    select ${clubId}, id, 'A win for ' || id, ${now} from members where club_id = ${clubId} and id % 20 = 0`);
  await db.execute(sql`insert into thanks (club_id, from_member_id, to_member_id, kind, created_at)
    select ${clubId}, m.id, m.id + 1, 'information', ${now} from members m where m.club_id = ${clubId} and m.id % 10 = 1`);
  // Fresh statistics, as autovacuum would have them on a server (PGlite runs no autovacuum).
  await db.execute(sql`analyze`);
  return clubId;
}

async function count(database: Database, table: string): Promise<number> {
  const [row] = await queryRows<{ n: number }>(database.db, sql.raw(`select count(*)::int as n from ${table}`));
  return Number(row!.n);
}

const ms = (start: number) => `${(performance.now() - start).toFixed(0)} ms`;

async function bench(name: string, database: Database): Promise<void> {
  console.log(`\n## ${name}`);
  let start = performance.now();
  const clubId = await seed(database);
  console.log(`seeded ${await count(database, "members")} members, ${await count(database, "network_ties")} ties, ${await count(database, "targets")} targets in ${ms(start)}`);

  const at = new Date("2026-11-24T10:00:00Z");
  const store = createClubStore(database.db, clubId);
  start = performance.now();
  const seekers = await store.scheduling.matchSeekers(at);
  const t1 = performance.now();
  const ties = await store.scheduling.helperTies([...new Set(seekers.map((s) => s.companyId))], at);
  const t2 = performance.now();
  const helped = await store.scheduling.lastHelped();
  const t3 = performance.now();
  if (process.env.BENCH_DETAIL) console.log(`seekers ${(t1 - start).toFixed(0)} ms, ties ${(t2 - t1).toFixed(0)} ms, lastHelped ${(t3 - t2).toFixed(0)} ms`);
  const read = performance.now() - start;
  start = performance.now();
  const { suggestions } = computeMatches({ seekers, ties, lastHelped: helped, skipPairs: new Set(), helperLoad: new Map(), now: at });
  console.log(`matching alone: ${seekers.length} targets × ${ties.length} candidate ties → ${suggestions.length} suggestions; read ${read.toFixed(0)} ms, ranked in ${ms(start)}`);

  const runner = createJobRunner({ db: database.db, clock: { now: () => at }, logger: silentLogger });
  start = performance.now();
  const result = await runner.run(clubId, "matches", at);
  console.log(`weekly matches job (read, rank, record suggestions, queue DMs in one transaction): ${ms(start)}, ${result.ran ? result.sent : 0} DMs queued`);

  const club = (await queryRows<{ id: number }>(database.db, sql`select id from clubs where id = ${clubId}`))[0];
  start = performance.now();
  const clubRow = (await database.db.query.clubs.findFirst({ where: (c, { eq }) => eq(c.id, Number(club!.id)) }))!;
  const digest = await buildDigest(store, clubRow, new Date("2026-11-27T16:00:00Z"));
  console.log(`one digest: ${ms(start)} (${digest.fields?.length} sections)`);

  const fake = await startFakeSlackApi({
    botToken: TOKEN,
    teamId: TEAM,
    teamName: "Bench",
    botUserId: "UBOT",
    botId: "BBOT",
    users: [],
    channels: {},
  });
  const client = new webApi.WebClient(TOKEN, { slackApiUrl: fake.apiUrl, retryConfig: { retries: 0 }, rejectRateLimitedCalls: true, logLevel: webApi.LogLevel.ERROR });
  const dispatcher = createDispatcher({ db: database.db, ports: [createSlackPort(client)], logger: silentLogger, clock: { now: () => at }, batchSize: 50 });
  const pending = await count(database, "outbox");
  start = performance.now();
  const delivered = await dispatcher.drain();
  const seconds = (performance.now() - start) / 1000;
  console.log(`outbox delivery to a local fake Slack (conversations.open + chat.postMessage each): ${delivered} of ${pending} DMs in ${seconds.toFixed(1)} s = ${(delivered / seconds).toFixed(0)} DMs/s`);
  await fake.close();
}

const pgliteDb = await openPglite();
await bench("PGlite (embedded)", pgliteDb);
await pgliteDb.close();

const baseUrl = process.env.BENCH_DATABASE_URL ?? process.env.TEST_DATABASE_URL;
if (baseUrl) {
  const name = `warmpath_bench_${randomBytes(4).toString("hex")}`;
  const admin = new pg.Client({ connectionString: baseUrl });
  await admin.connect();
  await admin.query(`create database ${name}`);
  const url = new URL(baseUrl);
  url.pathname = `/${name}`;
  const postgres = await openPostgres(url.toString());
  try {
    await bench("Postgres", postgres);
  } finally {
    await postgres.close();
    await admin.query(`drop database ${name} with (force)`);
    await admin.end();
  }
} else {
  console.log("\n(Set BENCH_DATABASE_URL or TEST_DATABASE_URL to run the same on Postgres.)");
}
