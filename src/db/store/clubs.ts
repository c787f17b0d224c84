import { and, asc, eq, inArray, isNotNull, isNull, or, sql } from "drizzle-orm";
import type { Db } from "../client.js";
import { preparedFor } from "../prepared.js";
import { clubLinks, clubs, goals, members, platformUsers } from "../schema/index.js";
import type { MemberRow } from "./members.js";
import type { GoalRow, KnownGoals } from "./plans.js";
import type { ClubRef } from "../../core/types.js";

export type ClubRow = typeof clubs.$inferSelect;

/** Finds the club a platform names, or creates it on first contact (safe under concurrent first contacts). */
export async function ensureClub(db: Db, ref: ClubRef, now: Date): Promise<ClubRow> {
  const found = await findClub(db, ref);
  if (found) return found;
  const [club] = await db.insert(clubs).values({ name: ref.name ?? ref.externalId, createdAt: now }).returning();
  const linked = await db
    .insert(clubLinks)
    .values({ clubId: club!.id, platform: ref.platform, externalId: ref.externalId, createdAt: now })
    .onConflictDoNothing()
    .returning({ id: clubLinks.id });
  if (linked.length === 1) return club!;
  // Another first contact linked the platform first (ON CONFLICT waited for it): use theirs, drop ours.
  await db.delete(clubs).where(eq(clubs.id, club!.id));
  const existing = await findClub(db, ref);
  if (!existing) throw new Error(`could not create the club for ${ref.platform}:${ref.externalId}`);
  return existing;
}

export async function findClub(db: Db, ref: Pick<ClubRef, "platform" | "externalId">): Promise<ClubRow | undefined> {
  const rows = await db
    .select({ club: clubs })
    .from(clubLinks)
    .innerJoin(clubs, eq(clubs.id, clubLinks.clubId))
    .where(and(eq(clubLinks.platform, ref.platform), eq(clubLinks.externalId, ref.externalId)))
    .limit(1);
  return rows[0]?.club;
}

/**
 * The platform says Warmpath can no longer reach these clubs there (a Slack workspace removed the
 * app), or can again (a reinstall). Returns how many links changed.
 */
export async function setReachable(db: Db, platform: ClubRef["platform"], externalIds: string[], reachable: boolean, at: Date): Promise<number> {
  if (externalIds.length === 0) return 0;
  const changed = await db
    .update(clubLinks)
    .set({ unreachableSince: reachable ? null : at })
    .where(and(eq(clubLinks.platform, platform), inArray(clubLinks.externalId, externalIds), reachable ? isNotNull(clubLinks.unreachableSince) : isNull(clubLinks.unreachableSince)))
    .returning({ id: clubLinks.id });
  return changed.length;
}

/** Whether the club can be reached on some platform: a club reachable nowhere runs no weekly jobs. */
export async function isReachable(db: Db, clubId: number): Promise<boolean> {
  const [link] = await db
    .select({ id: clubLinks.id })
    .from(clubLinks)
    .where(and(eq(clubLinks.clubId, clubId), isNull(clubLinks.unreachableSince)))
    .limit(1);
  return link !== undefined;
}

/**
 * How the hot statements below find the club a platform names (its link), the account of the
 * platform user there, and that account's member: the same joins in each.
 */
const namedClub = and(eq(clubLinks.platform, sql.placeholder("platform")), eq(clubLinks.externalId, sql.placeholder("externalId")));
const accountInClub = and(eq(platformUsers.clubId, clubs.id), eq(platformUsers.platform, sql.placeholder("platform")), eq(platformUsers.platformUserId, sql.placeholder("platformUserId")));
const memberOfAccount = and(eq(members.clubId, clubs.id), eq(members.id, platformUsers.memberId));

const clubAndMember = preparedFor((db) =>
  db
    .select({ club: clubs, member: members })
    .from(clubLinks)
    .innerJoin(clubs, eq(clubs.id, clubLinks.clubId))
    .leftJoin(platformUsers, accountInClub)
    .leftJoin(members, memberOfAccount)
    .where(namedClub)
    .limit(1)
    .prepare("warmpath_club_and_member"),
);

/**
 * The club a platform names and the member behind one of its accounts, in one round trip: what every
 * command starts with. Undefined when the club is new; `member` undefined when the account is.
 */
export async function findClubAndMember(
  db: Db,
  ref: Pick<ClubRef, "platform" | "externalId">,
  platformUserId: string,
): Promise<{ club: ClubRow; member: MemberRow | undefined } | undefined> {
  const rows = await clubAndMember(db).execute({ platform: ref.platform, externalId: ref.externalId, platformUserId });
  const row = rows[0];
  return row ? { club: row.club, member: row.member ?? undefined } : undefined;
}

/** A goal as the statement below sends it: id, text, iso_week, done, done_at, created_at (timestamps as JSON text). */
type GoalCells = [id: number, text: string, isoWeek: string, done: boolean, doneAt: string | null, createdAt: string];

const clubMemberAndGoals = preparedFor((db) =>
  db
    .select({
      club: clubs,
      member: members,
      // The goals in one JSON array on the one row, rather than a row per goal repeating the club and
      // the member: a third of the values to send, parse and map.
      goals: sql<GoalCells[] | string | null>`(
        select json_agg(json_build_array(${goals.id}, ${goals.text}, ${goals.isoWeek}, ${goals.done}, ${goals.doneAt}, ${goals.createdAt}) order by ${asc(goals.createdAt)}, ${asc(goals.id)})
        from ${goals}
        where ${and(eq(goals.clubId, clubs.id), eq(goals.memberId, members.id), or(eq(goals.isoWeek, sql.placeholder("week1")), eq(goals.isoWeek, sql.placeholder("week2"))))}
      )`,
    })
    .from(clubLinks)
    .innerJoin(clubs, eq(clubs.id, clubLinks.clubId))
    .leftJoin(platformUsers, accountInClub)
    .leftJoin(members, memberOfAccount)
    .where(namedClub)
    .limit(1)
    .prepare("warmpath_club_member_goals"),
);

/**
 * findClubAndMember, with the member's goals of one or two ISO weeks in the same round trip (in the
 * order they were set): `goal list` and the App Home answer from one statement.
 */
export async function findClubMemberAndGoals(
  db: Db,
  ref: Pick<ClubRef, "platform" | "externalId">,
  platformUserId: string,
  weeks: readonly [string, string],
): Promise<{ club: ClubRow; member: MemberRow | undefined; goals: KnownGoals | undefined } | undefined> {
  const [row] = await clubMemberAndGoals(db).execute({ platform: ref.platform, externalId: ref.externalId, platformUserId, week1: weeks[0], week2: weeks[1] });
  if (!row) return undefined;
  const member = row.member ?? undefined;
  if (!member) return { club: row.club, member, goals: undefined };
  // node-postgres and PGlite both parse json; a driver that doesn't hands over the text.
  const cells: GoalCells[] = typeof row.goals === "string" ? (JSON.parse(row.goals) as GoalCells[]) : (row.goals ?? []);
  const found = cells.map(
    ([id, text, isoWeek, done, doneAt, createdAt]): GoalRow => ({
      id,
      clubId: row.club.id,
      memberId: member.id,
      text,
      isoWeek,
      done,
      // As drizzle reads a timestamptz: a Date to the millisecond.
      doneAt: doneAt === null ? null : new Date(doneAt),
      createdAt: new Date(createdAt),
    }),
  );
  return { club: row.club, member, goals: { memberId: member.id, weeks, rows: found } };
}
