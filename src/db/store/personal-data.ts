import { and, arrayContains, eq, inArray, or, type SQL } from "drizzle-orm";
import type { PgColumn, PgTable } from "drizzle-orm/pg-core";
import type { Db } from "../client.js";
import type { OutboundMessage } from "../../core/outbound.js";
import { fanoutStore } from "./fanouts.js";
import { activities, clubOrganisers, companies, dashboardSessions, goals, intros, linkCodes, matchSuggestions, members, networkTies, outbox, platformUsers, targets, thanks, wins } from "../schema/index.js";

/**
 * Every table that holds a member's data, with the columns that point at the member. `export`
 * reads exactly this list and `forget-me` deletes through it, so adding a table here covers both;
 * a test checks that no table with a member column is missing.
 */
export const personalTables: Array<{ name: string; table: PgTable & { clubId: PgColumn }; memberColumns: PgColumn[] }> = [
  { name: "members", table: members, memberColumns: [members.id] },
  { name: "platform_users", table: platformUsers, memberColumns: [platformUsers.memberId] },
  { name: "goals", table: goals, memberColumns: [goals.memberId] },
  { name: "targets", table: targets, memberColumns: [targets.memberId] },
  { name: "network_ties", table: networkTies, memberColumns: [networkTies.memberId] },
  { name: "intros", table: intros, memberColumns: [intros.requesterId, intros.helperId] },
  { name: "activities", table: activities, memberColumns: [activities.memberId] },
  { name: "wins", table: wins, memberColumns: [wins.memberId] },
  { name: "thanks", table: thanks, memberColumns: [thanks.fromMemberId, thanks.toMemberId] },
  { name: "match_suggestions", table: matchSuggestions, memberColumns: [matchSuggestions.memberId, matchSuggestions.helperId] },
  { name: "club_organisers", table: clubOrganisers, memberColumns: [clubOrganisers.memberId] },
  { name: "link_codes", table: linkCodes, memberColumns: [linkCodes.memberId] },
  { name: "dashboard_sessions", table: dashboardSessions, memberColumns: [dashboardSessions.memberId] },
];

/**
 * Id columns that get a readable name beside them in the export: `requesterId: 3, requester: "ana"`,
 * `companyId: 7, company: "ACME, Inc."`, `introId: 12, intro: "#4"`.
 */
const NAMED_COLUMNS: Record<string, { key: string; kind: "member" | "company" | "intro" }> = {
  memberId: { key: "member", kind: "member" },
  requesterId: { key: "requester", kind: "member" },
  helperId: { key: "helper", kind: "member" },
  fromMemberId: { key: "from", kind: "member" },
  toMemberId: { key: "to", kind: "member" },
  companyId: { key: "company", kind: "company" },
  introId: { key: "intro", kind: "intro" },
};

function ownedBy(entry: (typeof personalTables)[number], clubId: number, memberId: number): SQL {
  return and(eq(entry.table.clubId, clubId), or(...entry.memberColumns.map((c) => eq(c, memberId))))!;
}

export function personalDataStore(db: Db, clubId: number) {
  /** Puts the name of each member, company and intro beside its id, so the export reads on its own. */
  async function nameIds(tables: Record<string, unknown[]>): Promise<void> {
    const wanted = { member: new Set<number>(), company: new Set<number>(), intro: new Set<number>() };
    for (const rows of Object.values(tables)) {
      for (const row of rows as Array<Record<string, unknown>>) {
        for (const [column, { kind }] of Object.entries(NAMED_COLUMNS)) if (typeof row[column] === "number") wanted[kind].add(row[column]);
      }
    }
    const names = { member: new Map<number, string>(), company: new Map<number, string>(), intro: new Map<number, string>() };
    // One after another: inside a transaction they share one connection.
    if (wanted.member.size) {
      for (const m of await db.select({ id: members.id, name: members.displayName }).from(members).where(and(eq(members.clubId, clubId), inArray(members.id, [...wanted.member])))) names.member.set(m.id, m.name);
    }
    if (wanted.company.size) {
      for (const c of await db.select({ id: companies.id, name: companies.name }).from(companies).where(and(eq(companies.clubId, clubId), inArray(companies.id, [...wanted.company])))) names.company.set(c.id, c.name);
    }
    if (wanted.intro.size) {
      for (const i of await db.select({ id: intros.id, number: intros.number }).from(intros).where(and(eq(intros.clubId, clubId), inArray(intros.id, [...wanted.intro])))) names.intro.set(i.id, `#${i.number}`);
    }
    for (const [table, rows] of Object.entries(tables)) {
      tables[table] = (rows as Array<Record<string, unknown>>).map((row) => {
        const named: Record<string, unknown> = {};
        for (const [column, value] of Object.entries(row)) {
          named[column] = value;
          const naming = NAMED_COLUMNS[column];
          if (naming && typeof value === "number") named[naming.key] = names[naming.kind].get(value) ?? null;
        }
        return named;
      });
    }
  }

  return {
    /**
     * All rows that are about the member, by table, and the messages still waiting to reach them.
     * Waiting messages to others that merely mention them are left out: those are the others' mail.
     */
    async export(memberId: number): Promise<Record<string, unknown[]>> {
      const result: Record<string, unknown[]> = {};
      for (const entry of personalTables) {
        result[entry.name] = await db.select().from(entry.table).where(ownedBy(entry, clubId, memberId));
      }
      await nameIds(result);
      const queued = await db
        .select({ id: outbox.id, status: outbox.status, payload: outbox.payload, createdAt: outbox.createdAt, sentAt: outbox.sentAt })
        .from(outbox)
        .where(and(eq(outbox.clubId, clubId), arrayContains(outbox.memberIds, [memberId])));
      result.outbox = [
        ...queued.filter((row) => {
          const message = row.payload as OutboundMessage | null;
          return message !== null && (message.kind === "direct" ? message.to === memberId : message.kind === "room" && message.members.includes(memberId));
        }),
        // Their weekly matches, if not written out into the outbox yet: as they will read.
        ...(await fanoutStore(db, clubId).waitingFor(memberId)).map((waiting) => ({ status: "pending", ...waiting })),
      ];
      return result;
    },

    /**
     * Deletes the member and everything about them, including waiting messages that carry their
     * name or words, even to others: "complete" beats one late notification. Returns rows per table.
     */
    async forget(memberId: number): Promise<Record<string, number>> {
      const counts: Record<string, number> = {};
      const queued = await db
        .delete(outbox)
        .where(and(eq(outbox.clubId, clubId), arrayContains(outbox.memberIds, [memberId])))
        .returning({ id: outbox.id });
      counts.outbox = queued.length;
      // Fan-outs not written out yet: no message to them; others' no longer name them once their
      // suggestions (below) are gone, since messages are rendered from those.
      counts.outbox_fanouts = await fanoutStore(db, clubId).forget(memberId);
      // Children first, so the counts are honest; the member row's cascades would catch any stragglers.
      for (const entry of [...personalTables].reverse()) {
        const rows = await db.delete(entry.table).where(ownedBy(entry, clubId, memberId)).returning();
        counts[entry.name] = rows.length;
      }
      return counts;
    },
  };
}
