import { and, arrayContains, eq, or, type SQL } from "drizzle-orm";
import type { PgColumn, PgTable } from "drizzle-orm/pg-core";
import type { Db } from "../client.js";
import type { OutboundMessage } from "../../core/outbound.js";
import { activities, clubOrganisers, goals, intros, matchSuggestions, members, networkTies, outbox, platformUsers, targets, thanks, wins } from "../schema/index.js";

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
];

function ownedBy(entry: (typeof personalTables)[number], clubId: number, memberId: number): SQL {
  return and(eq(entry.table.clubId, clubId), or(...entry.memberColumns.map((c) => eq(c, memberId))))!;
}

export function personalDataStore(db: Db, clubId: number) {
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
      const queued = await db
        .select({ id: outbox.id, status: outbox.status, payload: outbox.payload, createdAt: outbox.createdAt, sentAt: outbox.sentAt })
        .from(outbox)
        .where(and(eq(outbox.clubId, clubId), arrayContains(outbox.memberIds, [memberId])));
      result.outbox = queued.filter((row) => {
        const message = row.payload as OutboundMessage | null;
        return message !== null && (message.kind === "direct" ? message.to === memberId : message.kind === "room" && message.members.includes(memberId));
      });
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
      // Children first, so the counts are honest; the member row's cascades would catch any stragglers.
      for (const entry of [...personalTables].reverse()) {
        const rows = await db.delete(entry.table).where(ownedBy(entry, clubId, memberId)).returning();
        counts[entry.name] = rows.length;
      }
      return counts;
    },
  };
}
