import { and, asc, eq, inArray, is, isNull, lt, or, sql, type SQL } from "drizzle-orm";
import { getTableConfig, PgTable, type PgColumn } from "drizzle-orm/pg-core";
import type { Db } from "../client.js";
import { queryRows } from "../client.js";
import * as schema from "../schema/index.js";
import { clubLinks, clubs, linkCodes, members, outbox, platformUsers, type LinkCodeKind } from "../schema/index.js";
import { personalTables } from "./personal-data.js";
import { outboxStore } from "./outbox.js";
import { fanoutStore } from "./fanouts.js";
import type { ClubRow } from "./clubs.js";
import type { MemberRow } from "./members.js";
import type { Platform } from "../../core/types.js";
import type { OutboundMessage } from "../../core/outbound.js";
import { targetStages, tieRelations } from "../../core/vocabulary.js";

export interface ClubLinkRow {
  platform: Platform;
  externalId: string;
  digestChannelId: string | null;
}

export type LinkCodeRow = typeof linkCodes.$inferSelect;

export interface Account {
  memberId: number;
  platform: Platform;
  platformUserId: string;
}

/** What a club merge did, for the organisers' reply and the members' notes. */
export interface ClubMerge {
  members: number;
  companiesMerged: number;
  /** The merged-in club's intro numbers: old → new. */
  renumbered: Map<number, number>;
  /** Its open introductions (asked or accepted), under their old numbers: their members are told the new ones. */
  open: Array<{ number: number; requesterId: number; helperId: number; requester: string; helper: string; company: string }>;
}

/** What a platform's detachment did. */
export interface ClubDetachment {
  club: ClubRow;
  /** Members who went with the platform (their only account was there), with their own rows. */
  moved: number;
  /** Members with accounts on both sides: they stay, and the platform's account starts a copy of their profile. */
  copied: number;
  /** Members who stayed behind without accounts, holding history shared with the other side. */
  keptForHistory: number;
}

/** `{1,2,3}`: an int[] literal, bound as one parameter whichever driver runs the query. */
const intArray = (values: number[]) => sql`${`{${values.join(",")}}`}::int[]`;

/** old → new pairs as a table `map(old, new)` for UPDATE ... FROM. */
const mapping = (pairs: Map<number, number>) => sql`unnest(${intArray([...pairs.keys()])}, ${intArray([...pairs.values()])}) as map(old, new)`;

/** New values from a table's identity sequence, so rows can be copied with known ids (old → new in one statement). */
async function allocateIds(db: Db, table: string, count: number): Promise<number[]> {
  if (count === 0) return [];
  const rows = await queryRows<{ id: number }>(db, sql`select nextval(pg_get_serial_sequence(${table}, 'id'))::int as id from generate_series(1, ${count})`);
  return rows.map((r) => Number(r.id));
}

interface ClubTable {
  name: string;
  columns: string[];
  /** Unique indexes that include club_id, by their other columns. */
  clubUniques: string[][];
}

/**
 * Every table with a club_id column, read from the schema, so a merge moves tables added later too
 * (their rows would otherwise go with the merged-away club's cascade).
 */
function clubTables(): ClubTable[] {
  const found: ClubTable[] = [];
  for (const value of Object.values(schema)) {
    if (!is(value, PgTable)) continue;
    const config = getTableConfig(value);
    const columns = config.columns.map((c) => c.name);
    if (!columns.includes("club_id")) continue;
    const clubUniques = config.indexes
      .filter((i) => i.config.unique)
      .map((i) => i.config.columns.map((c) => (c as { name?: string }).name ?? ""))
      .filter((cols) => cols.includes("club_id"))
      .map((cols) => cols.filter((c) => c !== "club_id"));
    found.push({ name: config.name, columns, clubUniques });
  }
  return found;
}

/** Tables whose club's rows a merge or detachment handles by their meaning, not by the generic move. */
const HANDLED = new Set(["club_links", "companies", "intros", "outbox", "scheduled_runs", "link_codes", "members", "platform_users", "forgotten_accounts", "club_organisers"]);

const personalTableNames = new Set(personalTables.map((t) => t.name));

const t = (name: string) => sql.identifier(name);

/** The intro number in a dedupe key such as `intro:12:room`. */
const INTRO_KEY = /^intro:(\d+):/;

/** Rewrites the intro numbers a waiting message carries (buttons, and "#12" in an intro's own message). */
export function renumberMessage(message: OutboundMessage, dedupeKey: string | null, renumbered: Map<number, number>): OutboundMessage {
  const own = dedupeKey ? INTRO_KEY.exec(dedupeKey) : null;
  const ownOld = own ? Number(own[1]) : undefined;
  const ownNew = ownOld !== undefined ? renumbered.get(ownOld) : undefined;
  // Commands written out (`intro accept 3`) anywhere; "#3" only in the intro's own messages.
  const commands = (value: string) =>
    value.replace(/\b(intro\s+(?:accept|decline|withdraw|outcome)\s+)#?(\d+)\b/g, (whole, verb: string, n: string) => {
      const to = renumbered.get(Number(n));
      return to === undefined ? whole : `${verb}${to}`;
    });
  const text = (value: string) => {
    const written = commands(value);
    return ownOld !== undefined && ownNew !== undefined ? written.replace(new RegExp(`#${ownOld}\\b`, "g"), `#${ownNew}`) : written;
  };
  const reply = message.reply;
  return {
    ...message,
    reply: {
      ...reply,
      text: text(reply.text),
      ...(reply.title ? { title: text(reply.title) } : {}),
      ...(reply.fields ? { fields: reply.fields.map((f) => ({ label: text(f.label), value: text(f.value) })) } : {}),
      ...(reply.buttons
        ? {
            buttons: reply.buttons.map((b) => ({ ...b, command: commands(b.command), label: text(b.label) })),
          }
        : {}),
    },
  };
}

/** Points a waiting message at other members (a merged or copied record). */
function remapMessage(message: OutboundMessage, map: (id: number) => number): OutboundMessage {
  const about = message.about?.map(map);
  switch (message.kind) {
    case "direct":
      return { ...message, to: map(message.to), ...(about ? { about } : {}), ...(message.notifyOnFallback !== undefined ? { notifyOnFallback: map(message.notifyOnFallback) } : {}) };
    case "room":
      return { ...message, members: [...new Set(message.members.map(map))], ...(about ? { about } : {}) };
    default:
      return { ...message, ...(about ? { about } : {}) };
  }
}

/**
 * The club's places on the platforms, link codes, and the few operations that by design reach
 * another club: finding a code by its hash (the code names its club), merging this club into
 * another, and detaching a platform into a club of its own. Everything else stays within `clubId`.
 */
export function linkStore(db: Db, clubId: number) {
  return {
    /** Where the club lives, first-linked first (or where another lives: the club a code names). */
    async links(ofClubId = clubId): Promise<ClubLinkRow[]> {
      return db
        .select({ platform: clubLinks.platform, externalId: clubLinks.externalId, digestChannelId: clubLinks.digestChannelId })
        .from(clubLinks)
        .where(eq(clubLinks.clubId, ofClubId))
        .orderBy(asc(clubLinks.id));
    },

    /** The digest channel on one platform: a channel id means something there only. */
    async setDigestChannel(platform: Platform, channelId: string | null): Promise<void> {
      await db.update(clubLinks).set({ digestChannelId: channelId }).where(and(eq(clubLinks.clubId, clubId), eq(clubLinks.platform, platform)));
    },

    /** The platform accounts of members, first-linked first. */
    async accountsOf(memberIds: number[]): Promise<Account[]> {
      if (memberIds.length === 0) return [];
      return db
        .select({ memberId: platformUsers.memberId, platform: platformUsers.platform, platformUserId: platformUsers.platformUserId })
        .from(platformUsers)
        .where(and(eq(platformUsers.clubId, clubId), inArray(platformUsers.memberId, memberIds)))
        .orderBy(asc(platformUsers.id));
    },

    /**
     * Stores a new code's hash. A member's earlier unused code of the same kind stops working (one
     * live code each), and the club's expired codes go.
     */
    async createCode(input: { kind: LinkCodeKind; memberId: number; platform: Platform; codeHash: string; expiresAt: Date; now: Date }): Promise<boolean> {
      await db
        .delete(linkCodes)
        .where(
          and(
            eq(linkCodes.clubId, clubId),
            or(and(eq(linkCodes.memberId, input.memberId), eq(linkCodes.kind, input.kind), isNull(linkCodes.usedAt)), lt(linkCodes.expiresAt, input.now)),
          ),
        );
      const rows = await db
        .insert(linkCodes)
        .values({ clubId, ...input, createdAt: input.now })
        .onConflictDoNothing()
        .returning({ id: linkCodes.id });
      // A clash with another live code's hash (about one in 10^11): the caller makes another.
      return rows.length === 1;
    },

    /**
     * Claims a code by its hash, from any club: marks it used if it is live, in this transaction,
     * so two people typing it at once can't both use it (the second waits on the row, then finds it
     * used). Without a claim, returns what the code is, if anything, to say why.
     */
    async claimCode(codeHash: string, now: Date): Promise<{ claimed: LinkCodeRow } | { claimed: undefined; found: LinkCodeRow | undefined }> {
      const [claimed] = await db
        .update(linkCodes)
        .set({ usedAt: now })
        .where(and(eq(linkCodes.codeHash, codeHash), isNull(linkCodes.usedAt), sql`${linkCodes.expiresAt} > ${now}`))
        .returning();
      if (claimed) return { claimed };
      const [found] = await db.select().from(linkCodes).where(eq(linkCodes.codeHash, codeHash));
      return { claimed: undefined, found };
    },

    /**
     * Locks this club and another, in id order (two merges can't deadlock), and returns both rows
     * as they are now. FOR UPDATE also waits for commands still writing rows of either club, so a
     * merge moves what they wrote, and holds back new ones until it is done.
     */
    async lockWith(otherClubId: number): Promise<{ mine: ClubRow; other: ClubRow } | undefined> {
      const rows = await db
        .select()
        .from(clubs)
        .where(inArray(clubs.id, [clubId, otherClubId]))
        .orderBy(asc(clubs.id))
        .for("update");
      const mine = rows.find((r) => r.id === clubId);
      const other = rows.find((r) => r.id === otherClubId);
      return mine && other ? { mine, other } : undefined;
    },

    /** Locks this club's row (see lockWith) and returns it. */
    async lock(): Promise<ClubRow | undefined> {
      const [row] = await db.select().from(clubs).where(eq(clubs.id, clubId)).for("update");
      return row;
    },

    /**
     * Merges this club into `into`, in the caller's transaction (both clubs locked by lockWith):
     * its links, members and every row they own move; companies with the same normalised name
     * become one; its introductions are numbered after the other club's; waiting messages follow,
     * their intro buttons renumbered; this club's settings and schedule claims go with it.
     */
    async mergeInto(into: ClubRow): Promise<ClubMerge> {
      const from = clubId;
      await db.execute(sql`set constraints all deferred`);
      const open = await queryRows<ClubMerge["open"][number]>(
        db,
        sql`select i.number, i.requester_id as "requesterId", i.helper_id as "helperId", r.display_name as requester, h.display_name as helper, c.name as company
            from intros i join members r on r.id = i.requester_id join members h on h.id = i.helper_id join companies c on c.id = i.company_id
            where i.club_id = ${from} and i.status in ('requested', 'accepted') order by i.number`,
      );

      // Companies: one per normalised name. References to a twin move to the other club's company.
      const companyRefs = clubTables().filter((table) => table.columns.includes("company_id") && table.name !== "companies");
      for (const table of companyRefs) {
        await db.execute(sql`
          update ${t(table.name)} r set company_id = a.id
          from companies b join companies a on a.club_id = ${into.id} and a.normalized_name = b.normalized_name
          where b.club_id = ${from} and r.club_id = ${from} and r.company_id = b.id`);
      }
      const twins = await queryRows<{ id: number }>(
        db,
        sql`delete from companies b using companies a where b.club_id = ${from} and a.club_id = ${into.id} and a.normalized_name = b.normalized_name returning b.id`,
      );

      // Waiting messages, read before their keys change: their intro buttons are renumbered below.
      const waiting = await db
        .select({ id: outbox.id, payload: outbox.payload, dedupeKey: outbox.dedupeKey })
        .from(outbox)
        .where(and(eq(outbox.clubId, from), inArray(outbox.status, ["pending", "sending"])));
      // Introductions: numbered after the other club's, in their order. Negated first, so no number
      // is held twice while they change.
      const introRows = await queryRows<{ number: number }>(db, sql`select number from intros where club_id = ${from} order by number`);
      const renumbered = new Map(introRows.map((r, i) => [Number(r.number), into.introSeq + i + 1]));
      if (renumbered.size) {
        await db.execute(sql`update intros set number = -number where club_id = ${from}`);
        await db.execute(sql`update intros i set number = map.new from ${mapping(new Map([...renumbered].map(([o, n]) => [-o, n])))} where i.club_id = ${from} and i.number = map.old`);
        await db.execute(sql`update clubs set intro_seq = intro_seq + ${renumbered.size} where id = ${into.id}`);
        await db.execute(sql`
          update outbox o set dedupe_key = 'intro:' || map.new || substring(o.dedupe_key from '^intro:[0-9]+(:.*)$')
          from ${mapping(renumbered)}
          where o.club_id = ${from} and substring(o.dedupe_key from '^intro:([0-9]+):') = map.old::text`);
        for (const row of waiting) {
          if (!row.payload) continue;
          const before = JSON.stringify(row.payload);
          const after = renumberMessage(row.payload as OutboundMessage, row.dedupeKey, renumbered);
          if (JSON.stringify(after) !== before) await db.update(outbox).set({ payload: after }).where(eq(outbox.id, row.id));
        }
      }
      // A dedupe key the other club has already is kept apart.
      await db.execute(sql`
        update outbox b set dedupe_key = b.dedupe_key || ':club-' || ${from}
        where b.club_id = ${from} and b.dedupe_key is not null
          and exists (select 1 from outbox a where a.club_id = ${into.id} and a.dedupe_key = b.dedupe_key)`);

      // This club's unused club codes die with it; schedule claims were this club's schedule's.
      await db.execute(sql`delete from link_codes where club_id = ${from} and kind = 'club'`);
      await db.execute(sql`delete from scheduled_runs where club_id = ${from}`);

      const [moved] = await queryRows<{ n: number }>(db, sql`select count(*)::int as n from members where club_id = ${from}`);
      for (const table of clubTables()) {
        if (table.name === "scheduled_runs") continue;
        // A table holding one row per club (a key): the surviving club's row wins. Only for tables
        // that hold nobody's data; a clash in a member's table stops the merge instead.
        if (!HANDLED.has(table.name) && !personalTableNames.has(table.name)) {
          for (const unique of table.clubUniques) {
            const same = unique.map((c) => sql`a.${t(c)} is not distinct from b.${t(c)}`);
            await db.execute(sql`delete from ${t(table.name)} b using ${t(table.name)} a where b.club_id = ${from} and a.club_id = ${into.id}${same.length ? sql` and ${sql.join(same, sql` and `)}` : sql``}`);
          }
        }
        await db.execute(sql`update ${t(table.name)} set club_id = ${into.id} where club_id = ${from}`);
      }
      await db.delete(clubs).where(eq(clubs.id, from));
      // The deferred keys are checked now rather than at commit, so a broken move fails here, named.
      await db.execute(sql`set constraints all immediate`);
      return {
        members: Number(moved?.n ?? 0),
        companiesMerged: twins.length,
        renumbered,
        open: open.map((o) => ({ ...o, number: Number(o.number), requesterId: Number(o.requesterId), helperId: Number(o.helperId) })),
      };
    },

    /**
     * Merges member `fromId` into member `intoId` (one person's two records): every row moves to
     * `intoId`; where a row would be there twice, the one that went further stays (a target's
     * stage, a tie's strength); open requests that became duplicates, or between the two records,
     * are withdrawn; thanks between the two go. `intoId` keeps its profile, filling gaps from the other.
     */
    async mergeMembers(intoId: number, fromId: number, now: Date): Promise<void> {
      await db
        .select({ id: members.id })
        .from(members)
        .where(and(eq(members.clubId, clubId), inArray(members.id, [intoId, fromId])))
        .orderBy(asc(members.id))
        .for("update");
      const stages = sql.raw(`array[${targetStages.map((s) => `'${s}'`).join(",")}]`);
      const relations = sql.raw(`array[${tieRelations.map((s) => `'${s}'`).join(",")}]`);
      await db.execute(sql`
        update targets x set stage = y.stage, updated_at = ${now}
        from targets y
        where x.club_id = ${clubId} and y.club_id = ${clubId} and x.member_id = ${intoId} and y.member_id = ${fromId} and x.company_id = y.company_id
          and array_position(${stages}, y.stage) > array_position(${stages}, x.stage)`);
      await db.execute(sql`delete from targets y using targets x where y.club_id = ${clubId} and x.club_id = ${clubId} and y.member_id = ${fromId} and x.member_id = ${intoId} and x.company_id = y.company_id`);
      await db.execute(sql`
        update network_ties x set touched_at = greatest(x.touched_at, y.touched_at),
          relation = case when array_position(${relations}, y.relation) < array_position(${relations}, x.relation) then y.relation else x.relation end
        from network_ties y
        where x.club_id = ${clubId} and y.club_id = ${clubId} and x.member_id = ${intoId} and y.member_id = ${fromId} and x.company_id = y.company_id`);
      await db.execute(sql`delete from network_ties y using network_ties x where y.club_id = ${clubId} and x.club_id = ${clubId} and y.member_id = ${fromId} and x.member_id = ${intoId} and x.company_id = y.company_id`);
      const open = sql`('requested', 'accepted')`;
      // Asking oneself makes no sense: an open request between the two records is withdrawn.
      await db.execute(sql`
        update intros set status = 'withdrawn', withdrawn_at = ${now}
        where club_id = ${clubId} and status in ${open}
          and ((requester_id = ${fromId} and helper_id = ${intoId}) or (requester_id = ${intoId} and helper_id = ${fromId}))`);
      // The same open ask twice (same other person, same company): the merged record's goes.
      await db.execute(sql`
        update intros y set status = 'withdrawn', withdrawn_at = ${now}
        from intros x
        where y.club_id = ${clubId} and x.club_id = ${clubId} and y.status in ${open} and x.status in ${open} and x.company_id = y.company_id
          and ((y.requester_id = ${fromId} and x.requester_id = ${intoId} and y.helper_id = x.helper_id)
            or (y.helper_id = ${fromId} and x.helper_id = ${intoId} and y.requester_id = x.requester_id))`);
      await db.execute(sql`delete from thanks where club_id = ${clubId} and ((from_member_id = ${fromId} and to_member_id = ${intoId}) or (from_member_id = ${intoId} and to_member_id = ${fromId}))`);
      await db.execute(sql`
        insert into club_organisers (club_id, member_id, created_at)
        select club_id, ${intoId}, created_at from club_organisers where club_id = ${clubId} and member_id = ${fromId}
        on conflict do nothing`);
      await db.execute(sql`delete from club_organisers where club_id = ${clubId} and member_id = ${fromId}`);
      // Everything else that points at the member, table by table: the personal-data list is complete
      // (a test checks it against the schema's foreign keys).
      for (const entry of personalTables) {
        if (entry.name === "members") continue;
        for (const column of entry.memberColumns) {
          await db.execute(sql`update ${t(entry.name)} set ${t(column.name)} = ${intoId} where club_id = ${clubId} and ${t(column.name)} = ${fromId}`);
        }
      }
      await this.remapWaiting(new Map([[fromId, intoId]]), clubId);
      await db.execute(sql`
        update members x set headline = coalesce(x.headline, y.headline), timezone = coalesce(x.timezone, y.timezone), updated_at = ${now}
        from members y where x.club_id = ${clubId} and y.club_id = ${clubId} and x.id = ${intoId} and y.id = ${fromId}`);
      await db.delete(members).where(and(eq(members.clubId, clubId), eq(members.id, fromId)));
    },

    /**
     * Points this club's waiting messages at other members, and moves them to `toClubId` when that
     * is another club (only those for the remapped members: `direct` to one of them, or a room of
     * them only, go along).
     */
    async remapWaiting(map: Map<number, number>, toClubId: number): Promise<void> {
      if (map.size === 0) return;
      await fanoutStore(db, clubId).remap(map, toClubId);
      const rows = await db
        .select({ id: outbox.id, payload: outbox.payload, memberIds: outbox.memberIds })
        .from(outbox)
        .where(and(eq(outbox.clubId, clubId), sql`${outbox.memberIds} && ${intArray([...map.keys()])}`));
      const to = (id: number) => map.get(id) ?? id;
      for (const row of rows) {
        const message = row.payload as OutboundMessage | null;
        const moves =
          toClubId !== clubId &&
          message !== null &&
          ((message.kind === "direct" && map.has(message.to)) || (message.kind === "room" && message.members.every((m) => map.has(m))));
        if (toClubId !== clubId && !moves) continue;
        await db
          .update(outbox)
          .set({ payload: message ? remapMessage(message, to) : null, memberIds: [...new Set(row.memberIds.map(to))], ...(moves ? { clubId: toClubId } : {}) })
          .where(eq(outbox.id, row.id));
      }
    },

    /**
     * Detaches `platform` into a club of its own (copying this club's settings), in the caller's
     * transaction with this club locked. Nothing is deleted:
     * - members whose only account is there go with it, under new records, with their own rows
     *   (goals, targets, network, activity, wins, codes) and what lies between two of them
     *   (introductions, thanks, suggestions), companies copied as needed;
     * - members with accounts on both sides stay, with all their rows; their account there starts a
     *   new record with a copy of their profile (organisers stay organisers there);
     * - what lies between the two sides (an intro from a Slack member to a Discord one) stays here;
     *   a departing member it names stays here too, without accounts, gets no messages, and is
     *   removed once nothing names them.
     */
    async detachPlatform(platform: Platform, now: Date): Promise<ClubDetachment> {
      const [club] = await db.select().from(clubs).where(eq(clubs.id, clubId));
      const [created] = await db
        .insert(clubs)
        .values({ name: club!.name, timezone: club!.timezone, schedules: club!.schedules, nudgesEnabled: club!.nudgesEnabled, schedulesUpdatedAt: now, createdAt: now })
        .returning();
      const detached = created!;
      await db.execute(sql`set constraints all deferred`);
      await db.update(clubLinks).set({ clubId: detached.id }).where(and(eq(clubLinks.clubId, clubId), eq(clubLinks.platform, platform)));

      const accounts = await db.select({ memberId: platformUsers.memberId, platform: platformUsers.platform }).from(platformUsers).where(eq(platformUsers.clubId, clubId));
      const there = new Set(accounts.filter((a) => a.platform === platform).map((a) => a.memberId));
      const elsewhere = new Set(accounts.filter((a) => a.platform !== platform).map((a) => a.memberId));
      const leaving = [...there].filter((m) => !elsewhere.has(m)).sort((a, b) => a - b);
      const staying = [...there].filter((m) => elsewhere.has(m)).sort((a, b) => a - b);
      const everyone = [...leaving, ...staying];
      const newIds = await allocateIds(db, "members", everyone.length);
      const copies = new Map(everyone.map((old, i) => [old, newIds[i]!]));
      const departures = new Map(leaving.map((old) => [old, copies.get(old)!]));

      if (copies.size) {
        await db.execute(sql`
          insert into members (id, club_id, display_name, headline, status, paused_until, status_before_pause, match_opt_in, timezone, keep_in_touch_days, nudges, unanswered_prompts, created_at, updated_at)
          overriding system value
          select map.new, ${detached.id}, m.display_name, m.headline, m.status, m.paused_until, m.status_before_pause, m.match_opt_in, m.timezone, m.keep_in_touch_days, m.nudges, m.unanswered_prompts, m.created_at, ${now}
          from ${mapping(copies)} join members m on m.id = map.old and m.club_id = ${clubId}`);
        await db.execute(sql`
          update platform_users p set club_id = ${detached.id}, member_id = map.new from ${mapping(copies)}
          where p.club_id = ${clubId} and p.platform = ${platform} and p.member_id = map.old`);
        await db.execute(sql`
          insert into club_organisers (club_id, member_id, created_at)
          select ${detached.id}, map.new, o.created_at from ${mapping(copies)} join club_organisers o on o.member_id = map.old and o.club_id = ${clubId}`);
      }
      await db.execute(sql`update forgotten_accounts set club_id = ${detached.id} where club_id = ${clubId} and platform = ${platform}`);

      // A row leaves when every member it names leaves.
      const leavingRows = (entry: (typeof personalTables)[number]): SQL =>
        sql.join(
          entry.memberColumns.map((c) => sql`${t(c.name)} = any(${intArray(leaving)})`),
          sql` and `,
        );
      const movable = personalTables.filter((entry) => !["members", "platform_users", "club_organisers"].includes(entry.name));
      if (departures.size) {
        await db.execute(sql`delete from club_organisers where club_id = ${clubId} and member_id = any(${intArray(leaving)})`);
        // Companies named by leaving rows are copied into the new club.
        const withCompany = movable.filter((entry) => (entry.table as unknown as Record<string, PgColumn>).companyId !== undefined);
        const companyIds = new Set<number>();
        for (const entry of withCompany) {
          const rows = await queryRows<{ id: number }>(db, sql`select distinct company_id as id from ${t(entry.name)} where club_id = ${clubId} and company_id is not null and ${leavingRows(entry)}`);
          for (const row of rows) companyIds.add(Number(row.id));
        }
        const oldCompanies = [...companyIds].sort((a, b) => a - b);
        const newCompanyIds = await allocateIds(db, "companies", oldCompanies.length);
        const companyCopies = new Map(oldCompanies.map((old, i) => [old, newCompanyIds[i]!]));
        if (companyCopies.size) {
          await db.execute(sql`
            insert into companies (id, club_id, name, normalized_name, created_at) overriding system value
            select map.new, ${detached.id}, c.name, c.normalized_name, c.created_at from ${mapping(companyCopies)} join companies c on c.id = map.old and c.club_id = ${clubId}`);
        }
        for (const entry of movable) {
          const hasCompany = withCompany.includes(entry);
          const sets = [
            sql`club_id = ${detached.id}`,
            ...entry.memberColumns.map((c) => sql`${t(c.name)} = (select map.new from ${mapping(departures)} where map.old = ${t(entry.name)}.${t(c.name)})`),
            ...(hasCompany && companyCopies.size
              ? [sql`company_id = coalesce((select map.new from ${mapping(companyCopies)} where map.old = ${t(entry.name)}.company_id), company_id)`]
              : []),
          ];
          await db.execute(sql`update ${t(entry.name)} set ${sql.join(sets, sql`, `)} where club_id = ${clubId} and ${leavingRows(entry)}`);
        }
        // A moved thank-you keeps its intro only if the intro moved too.
        await db.execute(sql`update thanks set intro_id = null where club_id = ${detached.id} and intro_id in (select id from intros where club_id <> ${detached.id})`);
        await db.execute(sql`update clubs set intro_seq = coalesce((select max(number) from intros where club_id = ${detached.id}), 0) where id = ${detached.id}`);
        await this.remapWaiting(departures, detached.id);
      }
      // Waiting messages for the detached platform itself go with it.
      await db.execute(sql`
        update outbox set club_id = ${detached.id}
        where club_id = ${clubId} and status in ('pending', 'sending') and payload->>'platform' = ${platform} and payload->>'kind' in ('account', 'channel')`);
      // Any other table that names a platform: its rows for the detached one go with it.
      for (const table of clubTables()) {
        if (HANDLED.has(table.name) || personalTableNames.has(table.name) || !table.columns.includes("platform")) continue;
        await db.execute(sql`update ${t(table.name)} set club_id = ${detached.id} where club_id = ${clubId} and platform = ${platform}`);
      }

      // Departed members still named by shared history stay, silent; the others' old records go.
      let keptForHistory = 0;
      if (leaving.length) {
        const named = movable.flatMap((entry) =>
          entry.memberColumns.map((c) => sql`select ${t(c.name)} as id from ${t(entry.name)} where club_id = ${clubId} and ${t(c.name)} = any(${intArray(leaving)})`),
        );
        const kept = await queryRows<{ id: number }>(db, sql.join(named, sql` union `));
        const keptIds = kept.map((r) => Number(r.id));
        keptForHistory = keptIds.length;
        const gone = leaving.filter((id) => !keptIds.includes(id));
        if (gone.length) await db.execute(sql`delete from members where club_id = ${clubId} and id = any(${intArray(gone)})`);
        if (keptIds.length) await db.execute(sql`update members set nudges = 'off', match_opt_in = false, updated_at = ${now} where club_id = ${clubId} and id = any(${intArray(keptIds)})`);
      }
      await db.execute(sql`set constraints all immediate`);
      return { club: detached, moved: leaving.length, copied: staying.length, keptForHistory };
    },

    /**
     * Detaches one member's account on `platform` into a new record with a copy of their profile;
     * the member keeps every row and their other accounts.
     */
    async detachAccount(member: MemberRow, platform: Platform, now: Date): Promise<MemberRow> {
      const { id: _id, clubId: _club, createdAt: _created, updatedAt: _updated, ...profile } = member;
      const [copy] = await db
        .insert(members)
        .values({ ...profile, clubId, createdAt: now, updatedAt: now })
        .returning();
      await db
        .update(platformUsers)
        .set({ memberId: copy!.id })
        .where(and(eq(platformUsers.clubId, clubId), eq(platformUsers.memberId, member.id), eq(platformUsers.platform, platform)));
      return copy!;
    },

    /** Queues a message in another club (the club a merge went into). */
    outboxOf(otherClubId: number) {
      return outboxStore(db, otherClubId);
    },
  };
}
