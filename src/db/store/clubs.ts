import { and, asc, eq, or, sql } from "drizzle-orm";
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

const clubAndMember = preparedFor((db) =>
  db
    .select({ club: clubs, member: members })
    .from(clubLinks)
    .innerJoin(clubs, eq(clubs.id, clubLinks.clubId))
    .leftJoin(
      platformUsers,
      and(eq(platformUsers.clubId, clubs.id), eq(platformUsers.platform, sql.placeholder("platform")), eq(platformUsers.platformUserId, sql.placeholder("platformUserId"))),
    )
    .leftJoin(members, and(eq(members.clubId, clubs.id), eq(members.id, platformUsers.memberId)))
    .where(and(eq(clubLinks.platform, sql.placeholder("platform")), eq(clubLinks.externalId, sql.placeholder("externalId"))))
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

const clubMemberAndGoals = preparedFor((db) =>
  db
    .select({ club: clubs, member: members, goal: goals })
    .from(clubLinks)
    .innerJoin(clubs, eq(clubs.id, clubLinks.clubId))
    .leftJoin(
      platformUsers,
      and(eq(platformUsers.clubId, clubs.id), eq(platformUsers.platform, sql.placeholder("platform")), eq(platformUsers.platformUserId, sql.placeholder("platformUserId"))),
    )
    .leftJoin(members, and(eq(members.clubId, clubs.id), eq(members.id, platformUsers.memberId)))
    .leftJoin(
      goals,
      and(eq(goals.clubId, clubs.id), eq(goals.memberId, members.id), or(eq(goals.isoWeek, sql.placeholder("week1")), eq(goals.isoWeek, sql.placeholder("week2")))),
    )
    .where(and(eq(clubLinks.platform, sql.placeholder("platform")), eq(clubLinks.externalId, sql.placeholder("externalId"))))
    .orderBy(asc(goals.createdAt), asc(goals.id))
    .prepare("warmpath_club_member_goals"),
);

/**
 * findClubAndMember, with the member's goals of one or two ISO weeks in the same round trip (a row
 * per goal): `goal list` and the App Home answer from one statement.
 */
export async function findClubMemberAndGoals(
  db: Db,
  ref: Pick<ClubRef, "platform" | "externalId">,
  platformUserId: string,
  weeks: readonly [string, string],
): Promise<{ club: ClubRow; member: MemberRow | undefined; goals: KnownGoals | undefined } | undefined> {
  const rows = await clubMemberAndGoals(db).execute({ platform: ref.platform, externalId: ref.externalId, platformUserId, week1: weeks[0], week2: weeks[1] });
  const first = rows[0];
  if (!first) return undefined;
  const member = first.member ?? undefined;
  const found: GoalRow[] = [];
  for (const row of rows) if (row.goal) found.push(row.goal);
  return { club: first.club, member, goals: member ? { memberId: member.id, weeks, rows: found } : undefined };
}
