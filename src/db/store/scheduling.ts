import { and, desc, eq, gt, gte, inArray, isNull, lt, lte, ne, or, sql } from "drizzle-orm";
import { started, type Db } from "../client.js";
import {
  activities,
  clubOrganisers,
  clubs,
  companies,
  goals,
  intros,
  matchSuggestions,
  members,
  networkTies,
  scheduledRuns,
  targets,
  thanks,
  wins,
} from "../schema/index.js";
import type { ClubSchedules, ScheduledJob, SystemJob } from "../../core/vocabulary.js";
import type { MemberRow } from "./members.js";
import { pairSet, TIE_RELATIONS, type PairSet, type Seeker, type TieColumns } from "../../core/services/matching.js";
import { nudgeStates, type NudgeState } from "../../core/vocabulary.js";
import { intArray, packedRead, parsePackedInts, readPacked, textArray } from "./packed-rows.js";

/** What decides whether a member gets a prompt (see promptFate). */
export interface PromptState {
  id: number;
  nudges: NudgeState;
  unansweredPrompts: number;
}

/** Runs a query per slice of ids: one statement may bind at most 65,535 parameters. */
export async function inSlices<T>(ids: number[], query: (slice: number[]) => Promise<T[]>): Promise<T[]> {
  const rows: T[] = [];
  for (let i = 0; i < ids.length; i += 5000) {
    // A loop, not push(...result): spreading a slice's 100,000+ rows as arguments overflows the stack.
    for (const row of await query(ids.slice(i, i + 5000))) rows.push(row);
  }
  return rows;
}

/** A suggestion to record: the member, the helper (or buddy, for a team-up) and the company. */
export interface SuggestionRow {
  memberId: number;
  helperId: number;
  companyId: number;
}

/** Team-up (accountability buddy) suggestions share match_suggestions with warm paths. */
const isTeamUp = eq(matchSuggestions.kind, "team-up");

/** Active and reachable: not paused (or the pause has run out). */
const notPaused = (now: Date) => or(ne(members.status, "paused"), lte(members.pausedUntil, now));
/** The opposite: paused, with no end or an end still to come. */
const paused = (now: Date) => and(eq(members.status, "paused"), or(isNull(members.pausedUntil), gt(members.pausedUntil, now)));

/** The weekly ranking's inputs (see matchInputs). */
export interface MatchInputs {
  seekers: Seeker[];
  members: PromptState[];
  ties: TieColumns;
  skipPairs: PairSet;
  skipTeamUps: PairSet;
  helperLoad: Map<number, number>;
  lastHelped: Map<number, Date>;
}

/** Ties as columns (member, company, relation), less those of the members paused. */
function unpausedTies([memberIds, companyIds, relations]: Int32Array[], pausedIds: Int32Array): TieColumns {
  const away = new Set(pausedIds);
  const keep = (i: number) => away.size === 0 || !away.has(memberIds![i]!);
  let kept = 0;
  for (let i = 0; i < memberIds!.length; i++) if (keep(i)) kept++;
  const ties: TieColumns = { memberIds: new Int32Array(kept), companyIds: new Int32Array(kept), relations: new Uint8Array(kept) };
  for (let i = 0, j = 0; i < memberIds!.length; i++) {
    if (!keep(i)) continue;
    ties.memberIds[j] = memberIds![i]!;
    ties.companyIds[j] = companyIds![i]!;
    ties.relations[j++] = relations![i]!;
  }
  return ties;
}

/** Queries of the club's weekly rhythm: schedules, runs, prompts, digest figures and matching inputs. */
export function schedulingStore(db: Db, clubId: number) {
  /** When each member last helped: an accepted intro or thanks received. */
  async function lastHelped(): Promise<Map<number, Date>> {
    const rows = await db.execute(sql`
      select member_id, max(at) as at from (
        select ${intros.helperId} as member_id, ${intros.respondedAt} as at from ${intros} where ${intros.clubId} = ${clubId} and ${intros.status} = 'accepted'
        union all
        select ${thanks.toMemberId}, ${thanks.createdAt} from ${thanks} where ${thanks.clubId} = ${clubId}
      ) h group by member_id`);
    return new Map((rows as { rows: Array<{ member_id: number; at: string | Date }> }).rows.map((r) => [Number(r.member_id), new Date(r.at)]));
  }

  return {
    /** Claims a scheduled run; false when another process (or an earlier run) has it already. */
    async claimRun(job: ScheduledJob | SystemJob, slot: Date, runner: string, now: Date): Promise<boolean> {
      const rows = await db.insert(scheduledRuns).values({ clubId, job, slot, runner, createdAt: now }).onConflictDoNothing().returning({ id: scheduledRuns.id });
      return rows.length === 1;
    },

    async updateSettings(patch: { timezone?: string; schedules?: ClubSchedules; nudgesEnabled?: boolean }, now: Date): Promise<void> {
      const touchesSchedule = patch.timezone !== undefined || patch.schedules !== undefined;
      await db
        .update(clubs)
        .set({ ...patch, ...(touchesSchedule ? { schedulesUpdatedAt: now } : {}) })
        .where(eq(clubs.id, clubId));
    },

    async organisers(): Promise<Array<{ memberId: number; displayName: string }>> {
      return db
        .select({ memberId: clubOrganisers.memberId, displayName: members.displayName })
        .from(clubOrganisers)
        .innerJoin(members, eq(members.id, clubOrganisers.memberId))
        .where(eq(clubOrganisers.clubId, clubId));
    },

    async setOrganisers(memberIds: number[], now: Date): Promise<void> {
      await db.delete(clubOrganisers).where(eq(clubOrganisers.clubId, clubId));
      if (memberIds.length) await db.insert(clubOrganisers).values(memberIds.map((memberId) => ({ clubId, memberId, createdAt: now })));
    },

    /** Members who get prompts: searching, not paused, prompts not turned off. */
    async promptable(now: Date): Promise<MemberRow[]> {
      return db
        .select()
        .from(members)
        .where(and(eq(members.clubId, clubId), ne(members.nudges, "off"), notPaused(now), ne(members.status, "employed")))
        .orderBy(members.id);
    },

    /** Counts a prompt sent to each member (and marks those asked whether to continue). */
    async countPrompts(memberIds: number[], nudges?: "asked"): Promise<void> {
      if (memberIds.length === 0) return;
      await db
        .update(members)
        .set({ unansweredPrompts: sql`${members.unansweredPrompts} + 1`, ...(nudges ? { nudges } : {}) })
        .where(and(eq(members.clubId, clubId), sql`${members.id} = any(${intArray(memberIds)})`));
    },

    async goalsOfWeeks(memberIds: number[], weeks: string[]) {
      if (weeks.length === 0) return [];
      return inSlices(memberIds, (slice) =>
        db
          .select({ memberId: goals.memberId, isoWeek: goals.isoWeek, text: goals.text, done: goals.done, id: goals.id })
          .from(goals)
          .where(and(eq(goals.clubId, clubId), inArray(goals.isoWeek, weeks), inArray(goals.memberId, slice)))
          .orderBy(goals.createdAt, goals.id),
      );
    },

    /** Ties untouched for longer than each member's keep-in-touch cadence. */
    async staleTies(memberIds: number[], now: Date) {
      return inSlices(memberIds, (slice) =>
        db
        .select({ memberId: networkTies.memberId, company: companies.name, relation: networkTies.relation, touchedAt: networkTies.touchedAt })
        .from(networkTies)
        .innerJoin(members, eq(members.id, networkTies.memberId))
        .innerJoin(companies, eq(companies.id, networkTies.companyId))
        .where(
          and(
            eq(networkTies.clubId, clubId),
            inArray(networkTies.memberId, slice),
            sql`${networkTies.touchedAt} <= ${now}::timestamptz - make_interval(days => ${members.keepInTouchDays})`,
          ),
        )
        .orderBy(networkTies.touchedAt),
      );
    },

    // --- The digest's figures for a period [from, to) ---

    async winsBetween(from: Date, to: Date) {
      return db
        .select({ memberId: wins.memberId, name: members.displayName, text: wins.text })
        .from(wins)
        .innerJoin(members, eq(members.id, wins.memberId))
        .where(and(eq(wins.clubId, clubId), gte(wins.createdAt, from), lt(wins.createdAt, to)))
        .orderBy(wins.createdAt, wins.id);
    },

    async goalCounts(weeks: string[]): Promise<{ set: number; met: number }> {
      const [row] = await db
        .select({ set: sql<number>`count(*)::int`, met: sql<number>`count(*) filter (where ${goals.done})::int` })
        .from(goals)
        .where(and(eq(goals.clubId, clubId), inArray(goals.isoWeek, weeks)));
      return { set: Number(row?.set ?? 0), met: Number(row?.met ?? 0) };
    },

    /** Thanks received plus intros accepted in the period, most first; `total`: how many helped. */
    async generousHelpers(from: Date, to: Date, limit = 3): Promise<{ helpers: Array<{ memberId: number; name: string; count: number }>; total: number }> {
      const rows = await db.execute(sql`
        select m.id as member_id, m.display_name as name, count(*)::int as count, count(*) over ()::int as total from (
          select ${thanks.toMemberId} as member_id from ${thanks} where ${thanks.clubId} = ${clubId} and ${thanks.createdAt} >= ${from} and ${thanks.createdAt} < ${to}
          union all
          select ${intros.helperId} from ${intros} where ${intros.clubId} = ${clubId} and ${intros.status} = 'accepted' and ${intros.respondedAt} >= ${from} and ${intros.respondedAt} < ${to}
        ) h join ${members} m on m.id = h.member_id
        group by m.id, m.display_name order by count desc, m.display_name limit ${limit}`);
      const found = (rows as { rows: Array<{ member_id: number; name: string; count: number; total: number }> }).rows;
      return { helpers: found.map((r) => ({ memberId: Number(r.member_id), name: r.name, count: Number(r.count) })), total: Number(found[0]?.total ?? 0) };
    },

    /** Companies first targeted in the period, the first `limit` of them; `total`: how many there are. */
    async newTargetCompanies(from: Date, to: Date, limit = 10): Promise<{ names: string[]; total: number }> {
      const rows = await db
        .select({ name: companies.name, total: sql<number>`count(*) over ()::int` })
        .from(targets)
        .innerJoin(companies, eq(companies.id, targets.companyId))
        .where(eq(targets.clubId, clubId))
        .groupBy(companies.id, companies.name)
        .having(and(sql`min(${targets.createdAt}) >= ${from}`, sql`min(${targets.createdAt}) < ${to}`))
        .orderBy(sql`min(${targets.createdAt})`, companies.id)
        .limit(limit);
      return { names: rows.map((r) => r.name), total: Number(rows[0]?.total ?? 0) };
    },

    /**
     * Targets nobody in the club has a warm path to, most wanted first, the first `limit` of them;
     * `total`: how many there are. A target the member has an offer from, or of a member who found a
     * job, needs no path.
     */
    async openAsks(limit = 10): Promise<{ asks: Array<{ company: string; seekers: number }>; total: number }> {
      const rows = await db
        .select({ company: companies.name, seekers: sql<number>`count(distinct ${targets.memberId})::int`, total: sql<number>`count(*) over ()::int` })
        .from(targets)
        .innerJoin(companies, eq(companies.id, targets.companyId))
        .innerJoin(members, eq(members.id, targets.memberId))
        .where(and(eq(targets.clubId, clubId), ne(targets.stage, "offer"), ne(members.status, "employed"), sql`not exists (select 1 from ${networkTies} where ${networkTies.clubId} = ${clubId} and ${networkTies.companyId} = ${targets.companyId} and ${networkTies.memberId} <> ${targets.memberId})`))
        .groupBy(companies.id, companies.name)
        .orderBy(desc(sql`count(distinct ${targets.memberId})`), companies.name)
        .limit(limit);
      return { asks: rows.map((r) => ({ company: r.company, seekers: Number(r.seekers) })), total: Number(rows[0]?.total ?? 0) };
    },

    // --- Intro follow-ups ---

    // Each step changes the rows it picks in the same statement, so an intro accepted meanwhile
    // (the helper answered while the job ran) is never expired, reminded or asked about twice.

    /** Requests unanswered since `before`: expired now, and returned. */
    async expireIntros(before: Date, now: Date) {
      return db
        .update(intros)
        .set({ status: "expired", respondedAt: now })
        .where(and(eq(intros.clubId, clubId), eq(intros.status, "requested"), lte(intros.requestedAt, before)))
        .returning();
    },

    /** Requests unanswered since `before` and not yet reminded: marked reminded now, and returned. */
    async claimReminders(before: Date, now: Date) {
      return db
        .update(intros)
        .set({ remindedAt: now })
        .where(and(eq(intros.clubId, clubId), eq(intros.status, "requested"), lte(intros.requestedAt, before), isNull(intros.remindedAt)))
        .returning();
    },

    /** Accepted (or answered "not yet") before `before` and not asked since: marked asked now, and returned. */
    async claimFollowUps(before: Date, now: Date) {
      return db
        .update(intros)
        .set({ followedUpAt: now })
        .where(
          and(
            eq(intros.clubId, clubId),
            eq(intros.status, "accepted"),
            isNull(intros.followedUpAt),
            or(and(isNull(intros.outcome), lte(intros.respondedAt, before)), and(eq(intros.outcome, "not-yet"), lte(intros.outcomeAt, before))),
          ),
        )
        .returning();
    },

    // --- Matching inputs ---

    /**
     * What the weekly ranking reads, in four statements sent one after another, each answer taken
     * apart while the database works on the next (started): the club's network ties, then who
     * seeks what (undefined if nobody does: nothing to rank), then the repeat window, then who
     * helped when. Read packed (ids only): a large club has a million ties.
     *
     * - seekers: opted-in, searching, unpaused members' targets, except those they already have an
     *   offer from, in member order (each member's first-added first); `members`: those members,
     *   once each, with what decides whether they get prompts.
     * - ties: the network ties of unpaused members (the few paused members are read apart and left
     *   out here, which spares joining every tie to its member).
     * - the repeat window, from the suggestions made since `since` and the intros asked: paths
     *   (member, helper, company) to leave alone (suggested since `since`; asked about that company
     *   since `since`, whatever the answer; still waiting for an answer; declined, for good),
     *   team-ups (member, buddy, company) suggested since `since`, and how many paths named each
     *   helper in `isoWeek` (their weekly cap).
     * - lastHelped: when each member last helped (an accepted intro or thanks received).
     */
    async matchInputs(now: Date, since: Date, isoWeek: string): Promise<MatchInputs | undefined> {
      const tiesRead = packedRead(
        [sql`${networkTies.memberId}`, sql`${networkTies.companyId}`, sql`array_position(${textArray(TIE_RELATIONS)}, ${networkTies.relation}) - 1`],
        sql`from ${networkTies} where ${networkTies.clubId} = ${clubId}`,
      );
      const pausedRead = packedRead([sql`${members.id}`], sql`from ${members} where ${and(eq(members.clubId, clubId), paused(now))}`);
      const seekersRead = packedRead(
        [sql`${targets.memberId}`, sql`${targets.companyId}`, sql`array_position(${textArray(nudgeStates)}, ${members.nudges})`, sql`${members.unansweredPrompts}`],
        sql`from ${targets} join ${members} on ${members.id} = ${targets.memberId}
            where ${and(
              eq(targets.clubId, clubId),
              eq(members.clubId, clubId),
              ne(targets.stage, "offer"),
              eq(members.matchOptIn, true),
              eq(members.status, "searching"),
              ne(members.nudges, "off"),
              notPaused(now),
            )}`,
        sql`${targets.memberId}, ${targets.createdAt}, ${targets.id}`,
      );
      const suggestedRead = packedRead(
        [
          sql`${matchSuggestions.memberId}`,
          sql`${matchSuggestions.helperId}`,
          sql`${matchSuggestions.companyId}`,
          sql`(${isTeamUp})::int`,
          sql`(${matchSuggestions.kind} = 'path' and ${matchSuggestions.isoWeek} = ${isoWeek})::int`,
        ],
        sql`from ${matchSuggestions} where ${and(eq(matchSuggestions.clubId, clubId), gte(matchSuggestions.createdAt, since))}`,
      );
      const askedRead = packedRead(
        [sql`${intros.requesterId}`, sql`${intros.helperId}`, sql`${intros.companyId}`],
        sql`from ${intros} where ${and(
          eq(intros.clubId, clubId),
          or(
            inArray(intros.status, ["requested", "declined"]),
            // An intro's last movement: asked, answered, or how it went reported (greatest skips nulls).
            sql`greatest(${intros.requestedAt}, ${intros.respondedAt}, ${intros.outcomeAt}) >= ${since}`,
          ),
        )}`,
      );

      const [tiesPacked, pausedPacked] = await readPacked(db, [tiesRead, pausedRead]);
      const seekersReading = await started(readPacked(db, [seekersRead]));
      const ties = unpausedTies(parsePackedInts(tiesPacked!, tiesRead.width), parsePackedInts(pausedPacked!, pausedRead.width)[0]!);
      const [seekersPacked] = await seekersReading.answer;
      if (!seekersPacked) return undefined;
      const windowReading = await started(readPacked(db, [suggestedRead, askedRead]));
      const [memberIds, companyIds, nudges, unanswered] = parsePackedInts(seekersPacked, seekersRead.width);
      const seekers: Seeker[] = new Array<Seeker>(memberIds!.length);
      const states: PromptState[] = [];
      for (let i = 0; i < memberIds!.length; i++) {
        seekers[i] = { memberId: memberIds![i]!, companyId: companyIds![i]! };
        if (i === 0 || memberIds![i] !== memberIds![i - 1]) states.push({ id: memberIds![i]!, nudges: nudgeStates[nudges![i]! - 1]!, unansweredPrompts: unanswered![i]! });
      }
      const [suggestedPacked, askedPacked] = await windowReading.answer;
      const helpedReading = await started(lastHelped());
      const [suggestedMembers, others, suggestedCompanies, teamUp, thisWeek] = parsePackedInts(suggestedPacked!, suggestedRead.width);
      const skipPairs = pairSet();
      const skipTeamUps = pairSet();
      const helperLoad = new Map<number, number>();
      for (let i = 0; i < suggestedMembers!.length; i++) {
        (teamUp![i] ? skipTeamUps : skipPairs).add(suggestedMembers![i]!, others![i]!, suggestedCompanies![i]!);
        if (thisWeek![i]) helperLoad.set(others![i]!, (helperLoad.get(others![i]!) ?? 0) + 1);
      }
      const [requesters, helpers, askedCompanies] = parsePackedInts(askedPacked!, askedRead.width);
      for (let i = 0; i < requesters!.length; i++) skipPairs.add(requesters![i]!, helpers![i]!, askedCompanies![i]!);
      return { seekers, members: states, ties, skipPairs, skipTeamUps, helperLoad, lastHelped: await helpedReading.answer };
    },

    /** Suggestions older than the repeat window have done their job; they are not kept. */
    async pruneSuggestions(before: Date): Promise<void> {
      await db.delete(matchSuggestions).where(and(eq(matchSuggestions.clubId, clubId), lt(matchSuggestions.createdAt, before)));
    },

    /**
     * Records suggestions sent, warm paths then team-ups, in one statement: paths (`helperId` the
     * helper) count towards the helper's weekly cap; team-ups (`helperId` the buddy) don't.
     */
    async recordSuggestions(paths: SuggestionRow[], teamUps: SuggestionRow[], isoWeek: string, now: Date): Promise<void> {
      const rows = teamUps.length === 0 ? paths : paths.length === 0 ? teamUps : [...paths, ...teamUps];
      if (rows.length === 0) return;
      // Three array parameters instead of a parameter per value: tens of thousands of rows in one
      // statement, in their order (a member's best first).
      await db.execute(sql`
        insert into ${matchSuggestions} (club_id, member_id, helper_id, company_id, iso_week, kind, created_at)
        select ${clubId}, m, h, c, ${isoWeek}, case when n <= ${paths.length} then 'path' else 'team-up' end, ${now}
        from unnest(${intArray(rows.map((r) => r.memberId))}, ${intArray(rows.map((r) => r.helperId))}, ${intArray(rows.map((r) => r.companyId))}) with ordinality as t(m, h, c, n)
        order by n`);
    },

    /** Activity counts in the period, for the digest. */
    async activityCount(from: Date, to: Date): Promise<number> {
      const [row] = await db.select({ n: sql<number>`count(*)::int` }).from(activities).where(and(eq(activities.clubId, clubId), gte(activities.createdAt, from), lt(activities.createdAt, to)));
      return Number(row?.n ?? 0);
    },
  };
}
