/**
 * The bench's club, seeded set-based (generate_series, insert ... select): 100,000 members and a
 * million ties take seconds and no memory on the Node side. Per member: 10 network ties and 3
 * targets, on companies = members / 5, spread so each member's are distinct; one in ten members
 * is employed, the others searching; a week of goals, wins and thanks for the digest.
 */
import { sql } from "drizzle-orm";
import { queryRows, type Database } from "../../src/db/client.js";

export const TIES_PER_MEMBER = 10;
export const TARGETS_PER_MEMBER = 3;
export const TEAM = "TBENCH";
/** The seed's "now": the week of the matches run and the digest. */
export const SEEDED_AT = new Date("2026-11-24T09:00:00Z");
/** The weekly matches slot and the digest's, in that week. */
export const MATCHES_AT = new Date("2026-11-24T10:00:00Z");
export const DIGEST_AT = new Date("2026-11-27T16:00:00Z");

/** Slack user id of a member, as the seed writes it into platform_users. */
export const slackUserId = (memberId: number) => `U${String(memberId).padStart(6, "0")}`;

export interface Seeded {
  clubId: number;
  members: number;
  ties: number;
  targets: number;
}

export async function seedClub(database: Database, size: number): Promise<Seeded> {
  const db = database.db;
  const now = SEEDED_AT;
  const companies = Math.max(1, Math.round(size / 5));
  const [club] = await queryRows<{ id: number }>(db, sql`insert into clubs (name, created_at) values ('Bench club', ${now}) returning id`);
  const clubId = Number(club!.id);
  await db.execute(sql`insert into club_links (club_id, platform, external_id, created_at) values (${clubId}, 'slack', ${TEAM}, ${now})`);
  await db.execute(sql`insert into members (club_id, display_name, headline, status, created_at, updated_at)
    select ${clubId}, 'member' || i, 'Role ' || (i % 50), case when i % 10 = 0 then 'employed' else 'searching' end, ${now}, ${now}
    from generate_series(1, ${size}) i`);
  await db.execute(sql`insert into platform_users (club_id, member_id, platform, platform_user_id, created_at)
    select ${clubId}, id, 'slack', 'U' || lpad(id::text, 6, '0'), ${now} from members where club_id = ${clubId}`);
  await db.execute(sql`insert into companies (club_id, name, normalized_name, created_at)
    select ${clubId}, 'Company ' || i, 'company' || i, ${now} from generate_series(1, ${companies}) i`);
  // Member m's k-th tie and target land on spread-out companies (distinct per member). Companies
  // are numbered by name; their ids follow the insert order, so company n is the n-th id here.
  const [first] = await queryRows<{ id: number }>(db, sql`select min(id)::int as id from companies where club_id = ${clubId}`);
  const base = Number(first!.id) - 1;
  const [gaps] = await queryRows<{ n: number }>(db, sql`select count(*)::int as n from companies where club_id = ${clubId} and id - ${base} <> substr(normalized_name, 8)::int`);
  if (Number(gaps!.n) !== 0) throw new Error("seed: company ids are not consecutive");
  await db.execute(sql`insert into network_ties (club_id, member_id, company_id, relation, created_at, touched_at)
    select ${clubId}, m.id, ${base} + 1 + (m.id * 7 + k * 197) % ${companies}, (array['works','worked','knows'])[1 + (m.id + k) % 3], ${now}, ${now}::timestamptz - make_interval(days => (m.id * k) % 90)
    from members m cross join generate_series(0, ${TIES_PER_MEMBER - 1}) k
    where m.club_id = ${clubId}
    on conflict do nothing`);
  await db.execute(sql`insert into targets (club_id, member_id, company_id, stage, created_at, updated_at)
    select ${clubId}, m.id, ${base} + 1 + (m.id * 13 + k * 389 + 1000) % ${companies}, 'researching', ${now}, ${now}
    from members m cross join generate_series(0, ${TARGETS_PER_MEMBER - 1}) k
    where m.club_id = ${clubId}
    on conflict do nothing`);
  // A week of activity for the digest.
  await db.execute(sql`insert into goals (club_id, member_id, text, iso_week, done, created_at)
    select ${clubId}, id, 'Goal of ' || id, '2026-W48', id % 3 = 0, ${now} from members where club_id = ${clubId} and id % 4 = 0`);
  await db.execute(sql`insert into wins (club_id, member_id, text, created_at)
    select ${clubId}, id, 'A win for ' || id, ${now} from members where club_id = ${clubId} and id % 20 = 0`);
  await db.execute(sql`insert into thanks (club_id, from_member_id, to_member_id, kind, created_at)
    select ${clubId}, m.id, m.id + 1, 'information', ${now} from members m where m.club_id = ${clubId} and m.id % 10 = 1 and m.id < (select max(id) from members where club_id = ${clubId})`);
  // Fresh statistics, as autovacuum would have them on a server (PGlite runs no autovacuum).
  await db.execute(sql`analyze`);
  return seededClub(database);
}

/** The bench club of a database seeded earlier (a copy of a seeded template), with its sizes. */
export async function seededClub(database: Database): Promise<Seeded> {
  const db = database.db;
  const [club] = await queryRows<{ id: number }>(db, sql`select club_id as id from club_links where platform = 'slack' and external_id = ${TEAM}`);
  if (!club) throw new Error("no bench club in this database");
  const clubId = Number(club.id);
  const count = async (table: string) => Number((await queryRows<{ n: number }>(db, sql.raw(`select count(*)::int as n from ${table} where club_id = ${clubId}`)))[0]!.n);
  return { clubId, members: await count("members"), ties: await count("network_ties"), targets: await count("targets") };
}
