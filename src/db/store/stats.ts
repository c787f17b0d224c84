import { sql, type SQL } from "drizzle-orm";
import type { Db } from "../client.js";
import { queryRows } from "../client.js";
import { targetStages, type HelpKind, type MemberStatus, type TargetStage } from "../schema/index.js";

/** The figures counted per ISO week; `thanks:<kind>` per kind of help, `thanks:none` for thanks without one. */
export type WeeklyMetric =
  | "members:active"
  | "goals:set"
  | "goals:met"
  | "intros:requested"
  | "intros:accepted"
  | "intros:met"
  | "intros:hired"
  | `thanks:${HelpKind | "none"}`
  | "targets:new-companies"
  | "activities";

/** The ISO week label of a timestamp in a timezone, as `isoWeek()` writes it: 2026-W47. */
const weekOf = (column: SQL, timezone: string) => sql`to_char(${column} at time zone ${timezone}, 'IYYY-"W"IW')`;

/**
 * Every moment a member did something in Warmpath, as (member_id, at): set or ticked off a goal,
 * logged networking, shared a win, thanked someone, asked for, answered or withdrew an introduction,
 * added or moved a target, added a contact, or joined. Within [from, to) when given.
 */
function memberEvents(clubId: number, range?: { from: Date; to: Date }): SQL {
  const within = (column: string) => (range ? sql` and ${sql.raw(column)} >= ${range.from} and ${sql.raw(column)} < ${range.to}` : sql``);
  return sql`
    select member_id, created_at as happened_at from goals where club_id = ${clubId}${within("created_at")}
    union all select member_id, done_at from goals where club_id = ${clubId} and done_at is not null${within("done_at")}
    union all select member_id, created_at from activities where club_id = ${clubId}${within("created_at")}
    union all select member_id, created_at from wins where club_id = ${clubId}${within("created_at")}
    union all select from_member_id, created_at from thanks where club_id = ${clubId}${within("created_at")}
    union all select requester_id, created_at from intros where club_id = ${clubId}${within("created_at")}
    union all select helper_id, responded_at from intros where club_id = ${clubId} and status in ('accepted', 'declined') and responded_at is not null${within("responded_at")}
    union all select requester_id, withdrawn_at from intros where club_id = ${clubId} and withdrawn_at is not null${within("withdrawn_at")}
    union all select member_id, created_at from targets where club_id = ${clubId}${within("created_at")}
    union all select member_id, updated_at from targets where club_id = ${clubId}${within("updated_at")}
    union all select member_id, created_at from network_ties where club_id = ${clubId}${within("created_at")}
    union all select id, created_at from members where club_id = ${clubId}${within("created_at")}`;
}

export interface PeopleRow {
  id: number;
  name: string;
  headline: string | null;
  status: MemberStatus;
  pausedUntil: Date | null;
  statusBeforePause: MemberStatus | null;
  joinedAt: Date;
  lastActiveAt: Date | null;
  goalsMet: number;
  introsGiven: number;
  introsReceived: number;
  organiser: boolean;
}

/** Columns the member list sorts by, each with its SQL; ties fall back to the name. */
export const peopleSorts = ["name", "status", "last-active", "goals-met", "intros-given", "intros-received", "joined"] as const;
export type PeopleSort = (typeof peopleSorts)[number];
const PEOPLE_ORDER: Record<PeopleSort, string> = {
  name: "lower(m.display_name)",
  status: "m.status",
  "last-active": "last_active_at",
  "goals-met": "goals_met",
  "intros-given": "intros_given",
  "intros-received": "intros_received",
  joined: "m.created_at",
};

const date = (value: unknown): Date | null => (value === null || value === undefined ? null : new Date(value as string | Date));

/**
 * The club's figures for organisers (the weekly counts, the member list, the funnel, introductions,
 * tables to download). Every query filters on the club it was built with.
 */
export function statsStore(db: Db, clubId: number) {
  return {
    /**
     * Counts per ISO week (labels in `timezone`) of what happened in [from, to), and of the goals of
     * the given weeks (goals carry the week they were set for). Weeks with nothing are left out.
     * `activeMembers: false` leaves out the active members, the costly count (every table's events);
     * `newTargetCompanies: false` the companies first targeted (every target's company).
     */
    async weekly(
      from: Date,
      to: Date,
      weeks: string[],
      timezone: string,
      options: { activeMembers?: boolean; newTargetCompanies?: boolean } = {},
    ): Promise<Array<{ week: string; metric: WeeklyMetric; n: number }>> {
      const inRange = (column: string) => sql`${sql.raw(column)} >= ${from} and ${sql.raw(column)} < ${to}`;
      const wk = (column: string) => weekOf(sql.raw(column), timezone);
      const weekList = weeks.length ? sql.join(weeks.map((w) => sql`${w}`), sql`, `) : sql`null`;
      const rows = await queryRows<{ week: string; metric: WeeklyMetric; n: number }>(
        db,
        sql`
        select week, metric, count(*)::int as n from (
          select ${wk("created_at")} as week, 'intros:requested' as metric from intros where club_id = ${clubId} and ${inRange("created_at")}
          union all select ${wk("responded_at")}, 'intros:accepted' from intros where club_id = ${clubId} and status = 'accepted' and ${inRange("responded_at")}
          union all select ${wk("met_at")}, 'intros:met' from intros where club_id = ${clubId} and ${inRange("met_at")}
          union all select ${wk("hired_at")}, 'intros:hired' from intros where club_id = ${clubId} and ${inRange("hired_at")}
          union all select ${wk("created_at")}, 'thanks:' || coalesce(kind, 'none') from thanks where club_id = ${clubId} and ${inRange("created_at")}
          union all select ${wk("created_at")}, 'activities' from activities where club_id = ${clubId} and ${inRange("created_at")}
        ) happened group by week, metric
        union all${
          options.newTargetCompanies === false
            ? sql``
            : sql`
        select ${wk("first_at")}, 'targets:new-companies', count(*)::int from (
          select min(created_at) as first_at from targets where club_id = ${clubId} group by company_id
        ) firsts where ${inRange("first_at")} group by 1
        union all`
        }${
          options.activeMembers === false
            ? sql``
            : sql`
        select ${wk("happened_at")}, 'members:active', count(distinct member_id)::int from (${memberEvents(clubId, { from, to })}) events group by 1
        union all`
        }
        select iso_week, 'goals:set', count(*)::int from goals where club_id = ${clubId} and iso_week in (${weekList}) group by iso_week
        union all
        select iso_week, 'goals:met', count(*) filter (where done)::int from goals where club_id = ${clubId} and iso_week in (${weekList}) group by iso_week`,
      );
      return rows.map((r) => ({ week: r.week, metric: r.metric, n: Number(r.n) }));
    },

    /** One page of the member list, sorted, and how many members there are. */
    async people(options: { sort: PeopleSort; descending: boolean; offset: number; limit: number }): Promise<{ total: number; rows: PeopleRow[] }> {
      const direction = options.descending ? "desc" : "asc";
      const rows = await queryRows<Record<string, unknown>>(
        db,
        sql`
        select m.id, m.display_name, m.headline, m.status, m.paused_until, m.status_before_pause, m.created_at,
          la.last_at as last_active_at,
          coalesce(g.met, 0)::int as goals_met,
          coalesce(given.n, 0)::int as intros_given,
          coalesce(received.n, 0)::int as intros_received,
          (o.member_id is not null) as organiser,
          count(*) over ()::int as total
        from members m
        left join (select member_id, max(happened_at) as last_at from (${memberEvents(clubId)}) e group by member_id) la on la.member_id = m.id
        left join (select member_id, count(*) as met from goals where club_id = ${clubId} and done group by member_id) g on g.member_id = m.id
        left join (select helper_id, count(*) as n from intros where club_id = ${clubId} and status = 'accepted' group by helper_id) given on given.helper_id = m.id
        left join (select requester_id, count(*) as n from intros where club_id = ${clubId} and status = 'accepted' group by requester_id) received on received.requester_id = m.id
        left join club_organisers o on o.club_id = m.club_id and o.member_id = m.id
        where m.club_id = ${clubId}
        order by ${sql.raw(PEOPLE_ORDER[options.sort])} ${sql.raw(direction)} nulls last, lower(m.display_name), m.id
        offset ${options.offset} limit ${options.limit}`,
      );
      let total = Number(rows[0]?.total ?? 0);
      if (rows.length === 0 && options.offset > 0) {
        const [counted] = await queryRows<{ n: number }>(db, sql`select count(*)::int as n from members where club_id = ${clubId}`);
        total = Number(counted?.n ?? 0);
      }
      return {
        total,
        rows: rows.map((r) => ({
          id: Number(r.id),
          name: String(r.display_name),
          headline: (r.headline as string | null) ?? null,
          status: r.status as MemberStatus,
          pausedUntil: date(r.paused_until),
          statusBeforePause: (r.status_before_pause as MemberStatus | null) ?? null,
          joinedAt: date(r.created_at)!,
          lastActiveAt: date(r.last_active_at),
          goalsMet: Number(r.goals_met),
          introsGiven: Number(r.intros_given),
          introsReceived: Number(r.intros_received),
          organiser: r.organiser === true,
        })),
      };
    },

    /** Targets by stage across the club, every stage present (zero when none). */
    async targetsByStage(): Promise<Record<TargetStage, number>> {
      const rows = await queryRows<{ stage: TargetStage; n: number }>(db, sql`select stage, count(*)::int as n from targets where club_id = ${clubId} group by stage`);
      const counts = Object.fromEntries(targetStages.map((s) => [s, 0])) as Record<TargetStage, number>;
      for (const r of rows) counts[r.stage] = Number(r.n);
      return counts;
    },

    /**
     * Companies members aim for, most seekers and fewest paths first. Seekers are members still
     * looking there (no offer from it, not employed); `unpathed` of them have no warm path from anyone
     * else in the club: the company is one of the digest's open asks when that is above zero.
     */
    async companies(limit: number): Promise<{ total: number; rows: Array<{ company: string; seekers: number; unpathed: number; paths: number; stages: Record<TargetStage, number> }> }> {
      const rows = await queryRows<Record<string, unknown>>(
        db,
        sql`
        select c.name,
          count(distinct t.member_id) filter (where t.stage <> 'offer' and m.status <> 'employed')::int as seekers,
          count(distinct t.member_id) filter (where t.stage <> 'offer' and m.status <> 'employed' and not exists (
            select 1 from network_ties nt where nt.club_id = ${clubId} and nt.company_id = t.company_id and nt.member_id <> t.member_id))::int as unpathed,
          (select count(*) from network_ties nt where nt.club_id = ${clubId} and nt.company_id = c.id)::int as paths,
          ${sql.join(
            targetStages.map((s) => sql`count(*) filter (where t.stage = ${s})::int as ${sql.identifier(`stage_${s}`)}`),
            sql`, `,
          )},
          count(*) over ()::int as total
        from targets t
        join companies c on c.id = t.company_id and c.club_id = t.club_id
        join members m on m.id = t.member_id and m.club_id = t.club_id
        where t.club_id = ${clubId}
        group by c.id, c.name
        order by seekers desc, paths asc, lower(c.name)
        limit ${limit}`,
      );
      return {
        total: Number(rows[0]?.total ?? 0),
        rows: rows.map((r) => ({
          company: String(r.name),
          seekers: Number(r.seekers),
          unpathed: Number(r.unpathed),
          paths: Number(r.paths),
          stages: Object.fromEntries(targetStages.map((s) => [s, Number(r[`stage_${s}`])])) as Record<TargetStage, number>,
        })),
      };
    },

    /** How many companies are open asks (a seeker without a warm path from anyone else): the digest's count. */
    async openAskCount(): Promise<number> {
      const [row] = await queryRows<{ n: number }>(
        db,
        sql`
        select count(distinct t.company_id)::int as n from targets t join members m on m.id = t.member_id and m.club_id = t.club_id
        where t.club_id = ${clubId} and t.stage <> 'offer' and m.status <> 'employed'
          and not exists (select 1 from network_ties nt where nt.club_id = ${clubId} and nt.company_id = t.company_id and nt.member_id <> t.member_id)`,
      );
      return Number(row?.n ?? 0);
    },

    /** Introductions still open: requests waiting on the helper, and accepted ones nobody has reported on. Oldest first. */
    async openIntros(limit: number) {
      const rows = await queryRows<Record<string, unknown>>(
        db,
        sql`
        select i.number, i.status, i.kind, i.created_at as requested_at, i.responded_at, i.reminded_at, i.followed_up_at, i.outcome,
          r.display_name as requester, h.display_name as helper, c.name as company, count(*) over ()::int as total
        from intros i
        join members r on r.id = i.requester_id and r.club_id = i.club_id
        join members h on h.id = i.helper_id and h.club_id = i.club_id
        join companies c on c.id = i.company_id and c.club_id = i.club_id
        where i.club_id = ${clubId} and (i.status = 'requested' or (i.status = 'accepted' and (i.outcome is null or i.outcome = 'not-yet')))
        order by i.created_at, i.id
        limit ${limit}`,
      );
      return {
        total: Number(rows[0]?.total ?? 0),
        rows: rows.map((r) => ({
          number: Number(r.number),
          status: r.status as "requested" | "accepted",
          kind: r.kind as HelpKind,
          requestedAt: date(r.requested_at)!,
          respondedAt: date(r.responded_at),
          remindedAt: date(r.reminded_at),
          followedUpAt: date(r.followed_up_at),
          outcome: (r.outcome as string | null) ?? null,
          requester: String(r.requester),
          helper: String(r.helper),
          company: String(r.company),
        })),
      };
    },

    /** Every introduction's status and outcome, counted. */
    async introTotals(): Promise<{ byStatus: Record<string, number>; byOutcome: Record<string, number>; total: number }> {
      const rows = await queryRows<{ status: string; outcome: string | null; n: number }>(
        db,
        sql`select status, outcome, count(*)::int as n from intros where club_id = ${clubId} group by status, outcome`,
      );
      const byStatus: Record<string, number> = {};
      const byOutcome: Record<string, number> = {};
      let total = 0;
      for (const r of rows) {
        byStatus[r.status] = (byStatus[r.status] ?? 0) + Number(r.n);
        if (r.outcome) byOutcome[r.outcome] = (byOutcome[r.outcome] ?? 0) + Number(r.n);
        total += Number(r.n);
      }
      return { byStatus, byOutcome, total };
    },

    /** The latest reported outcomes (met, no-show, hired), newest first. */
    async recentOutcomes(limit: number) {
      const rows = await queryRows<Record<string, unknown>>(
        db,
        sql`
        select i.number, i.outcome, i.outcome_at, i.created_at as requested_at, r.display_name as requester, h.display_name as helper, c.name as company
        from intros i
        join members r on r.id = i.requester_id and r.club_id = i.club_id
        join members h on h.id = i.helper_id and h.club_id = i.club_id
        join companies c on c.id = i.company_id and c.club_id = i.club_id
        where i.club_id = ${clubId} and i.outcome in ('met', 'no-show', 'hired')
        order by i.outcome_at desc nulls last, i.id desc
        limit ${limit}`,
      );
      return rows.map((r) => ({
        number: Number(r.number),
        outcome: String(r.outcome),
        outcomeAt: date(r.outcome_at),
        requestedAt: date(r.requested_at)!,
        requester: String(r.requester),
        helper: String(r.helper),
        company: String(r.company),
      }));
    },

    /**
     * A whole table of the club for download, with the name of each member and company beside its
     * id, oldest first. Messages between two members (an ask, a decline's reason, a thank-you's note)
     * and private settings are not included.
     */
    async table(name: ClubTable): Promise<Array<Record<string, unknown>>> {
      const rows = await queryRows<Record<string, unknown>>(db, TABLE_QUERIES[name](clubId));
      // Drivers differ (node-postgres gives Dates, PGlite's raw rows text): times leave here as Dates.
      return rows.map((row) => Object.fromEntries(Object.entries(row).map(([key, value]) => [key, /_(at|until)$/.test(key) ? date(value) : value])));
    },
  };
}

export const clubTables = ["members", "goals", "targets", "ties", "intros", "thanks"] as const;
export type ClubTable = (typeof clubTables)[number];

const TABLE_QUERIES: Record<ClubTable, (clubId: number) => SQL> = {
  members: (clubId) => sql`
    select m.id, m.display_name as name, m.headline, m.status, m.paused_until, m.created_at as joined_at,
      la.last_at as last_active_at, (o.member_id is not null) as organiser
    from members m
    left join (select member_id, max(happened_at) as last_at from (${memberEvents(clubId)}) e group by member_id) la on la.member_id = m.id
    left join club_organisers o on o.club_id = m.club_id and o.member_id = m.id
    where m.club_id = ${clubId} order by m.id`,
  goals: (clubId) => sql`
    select g.id, g.member_id, m.display_name as member, g.iso_week as week, g.text, g.done, g.done_at, g.created_at
    from goals g join members m on m.id = g.member_id and m.club_id = g.club_id
    where g.club_id = ${clubId} order by g.id`,
  targets: (clubId) => sql`
    select t.id, t.member_id, m.display_name as member, t.company_id, c.name as company, t.stage, t.created_at, t.updated_at
    from targets t join members m on m.id = t.member_id and m.club_id = t.club_id join companies c on c.id = t.company_id and c.club_id = t.club_id
    where t.club_id = ${clubId} order by t.id`,
  ties: (clubId) => sql`
    select n.id, n.member_id, m.display_name as member, n.company_id, c.name as company, n.relation, n.created_at, n.touched_at
    from network_ties n join members m on m.id = n.member_id and m.club_id = n.club_id join companies c on c.id = n.company_id and c.club_id = n.club_id
    where n.club_id = ${clubId} order by n.id`,
  intros: (clubId) => sql`
    select i.number, i.requester_id, r.display_name as requester, i.helper_id, h.display_name as helper, i.company_id, c.name as company,
      i.kind, i.status, i.outcome, i.created_at as requested_at, i.responded_at, i.met_at, i.hired_at, i.withdrawn_at
    from intros i join members r on r.id = i.requester_id and r.club_id = i.club_id join members h on h.id = i.helper_id and h.club_id = i.club_id
      join companies c on c.id = i.company_id and c.club_id = i.club_id
    where i.club_id = ${clubId} order by i.number`,
  thanks: (clubId) => sql`
    select t.id, t.from_member_id, f.display_name as from_member, t.to_member_id, tm.display_name as to_member, t.kind, i.number as intro_number, t.created_at
    from thanks t join members f on f.id = t.from_member_id and f.club_id = t.club_id join members tm on tm.id = t.to_member_id and tm.club_id = t.club_id
      left join intros i on i.id = t.intro_id and i.club_id = t.club_id
    where t.club_id = ${clubId} order by t.id`,
};
