import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sql } from "drizzle-orm";
import { backends } from "../support/databases.js";
import { createHarness, type Harness } from "../support/harness.js";
import { referenceMatches } from "../support/reference-matching.js";
import { queryRows, type Database } from "../../src/db/client.js";
import { findClub } from "../../src/db/store/clubs.js";
import { companies, intros, matchSuggestions, members, networkTies, platformUsers, targets, thanks } from "../../src/db/schema/index.js";
import { isoWeek } from "../../src/core/dates.js";
import { pairSet, type HelperTie, type Seeker } from "../../src/core/services/matching.js";
import { REPEAT_AFTER_WEEKS } from "../../src/scheduler/jobs/matches.js";
import type { ClubRef } from "../../src/core/types.js";

// The weekly matches job on random clubs, checked against the rules written out plainly: who
// seeks (opted in, searching, not paused, prompts on, no offer yet), who helps (not paused), who
// gets the message (not asked "still want these?"), what the repeat window and the weekly cap
// hold, then the reference ranking. What the job recorded must be exactly that, in that order.

const NOW = new Date("2026-11-24T10:00:00Z");
const DAY = 86_400_000;
const WEEK = 7 * DAY;

/** A small deterministic PRNG (mulberry32). */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface SeededMember {
  id: number;
  name: string;
  status: "searching" | "employed" | "paused";
  pausedUntil: Date | null;
  matchOptIn: boolean;
  nudges: "on" | "asked" | "off";
  unansweredPrompts: number;
}

/** Seeds a random club in the harness's database and returns what the job should record. */
async function seedRandomClub(database: Database, h: Harness, club: ClubRef, seed: number) {
  const rnd = random(seed);
  const int = (n: number) => Math.floor(rnd() * n);
  const pick = <T,>(list: readonly T[]) => list[int(list.length)]!;
  const db = database.db;
  await h.run(`founder${seed}`, "join", club);
  const clubId = (await findClub(db, club))!.id;
  const at = (daysAgo: number) => new Date(NOW.getTime() - daysAgo * DAY);

  const memberCount = 25 + int(20);
  const seededMembers: SeededMember[] = [];
  for (let i = 0; i < memberCount; i++) {
    const status = pick(["searching", "searching", "searching", "employed", "paused"] as const);
    const pausedUntil = status === "paused" ? pick([null, at(-10), at(3)]) : null;
    const [row] = await db
      .insert(members)
      .values({
        clubId,
        displayName: `m${seed}-${i}`,
        status,
        pausedUntil,
        matchOptIn: rnd() < 0.9,
        nudges: pick(["on", "on", "on", "on", "asked", "off"] as const),
        unansweredPrompts: pick([0, 0, 1, 2, 3]),
        createdAt: at(100),
        updatedAt: at(100),
      })
      .returning();
    seededMembers.push({ id: row!.id, name: row!.displayName, status: row!.status, pausedUntil: row!.pausedUntil, matchOptIn: row!.matchOptIn, nudges: row!.nudges, unansweredPrompts: row!.unansweredPrompts });
    await db.insert(platformUsers).values({ clubId, memberId: row!.id, platform: "console", platformUserId: row!.displayName, createdAt: at(100) });
  }
  const companyRows = await db
    .insert(companies)
    .values(Array.from({ length: 4 + int(8) }, (_, i) => ({ clubId, name: `Co ${seed}-${i}`, normalizedName: `co${seed}x${i}`, createdAt: at(100) })))
    .returning();
  const companyIds = companyRows.map((c) => c.id);

  // Targets in insert order; equal times, so the id decides the order within a member.
  const targetRows: Array<{ memberId: number; companyId: number; stage: string; id: number }> = [];
  const tieRows: HelperTie[] = [];
  for (const m of seededMembers) {
    const targeted = new Set<number>();
    for (let k = int(4); k > 0; k--) targeted.add(pick(companyIds));
    for (const companyId of targeted) {
      const stage = pick(["researching", "researching", "applied", "interviewing", "offer"] as const);
      const [row] = await db.insert(targets).values({ clubId, memberId: m.id, companyId, stage, createdAt: at(5), updatedAt: at(5) }).returning({ id: targets.id });
      targetRows.push({ memberId: m.id, companyId, stage, id: row!.id });
    }
    const tied = new Set<number>();
    for (let k = int(3); k > 0; k--) tied.add(pick(companyIds));
    // Sometimes a tie at one's own target.
    if (targeted.size && rnd() < 0.2) tied.add([...targeted][0]!);
    for (const companyId of tied) {
      const relation = pick(["works", "worked", "knows"] as const);
      await db.insert(networkTies).values({ clubId, memberId: m.id, companyId, relation, createdAt: at(20), touchedAt: at(20) });
      tieRows.push({ memberId: m.id, companyId, relation });
    }
  }

  // Earlier suggestions: this week (the weekly cap), within the 12 weeks, and older (pruned).
  const week = isoWeek(NOW, "UTC");
  const earlier: Array<{ memberId: number; helperId: number; companyId: number; kind: "path" | "team-up"; createdAt: Date; isoWeek: string }> = [];
  for (let k = int(memberCount); k > 0; k--) {
    const target = pick(targetRows);
    const kind = rnd() < 0.8 ? ("path" as const) : ("team-up" as const);
    // A day ago is this week's Monday.
    const daysAgo = pick([1, 1, 20, 70, 83, 90, 120]);
    const row = { memberId: target.memberId, helperId: pick(seededMembers).id, companyId: target.companyId, kind, createdAt: at(daysAgo), isoWeek: isoWeek(at(daysAgo), "UTC") };
    earlier.push(row);
    await db.insert(matchSuggestions).values({ clubId, ...row });
  }

  // Intros: open, declined (for good), answered recently or long ago; and thanks (who helped lately).
  const introRows: Array<{ requesterId: number; helperId: number; companyId: number; status: string; requestedAt: Date; respondedAt: Date | null }> = [];
  for (let k = int(12), number = 1; k > 0; k--, number++) {
    const tie = pick(tieRows);
    const requester = pick(seededMembers);
    if (requester.id === tie.memberId) continue;
    const status = pick(["requested", "accepted", "accepted", "declined", "expired", "withdrawn"] as const);
    const requestedAt = at(pick([2, 30, 100, 200]));
    const respondedAt = status === "requested" ? null : new Date(requestedAt.getTime() + DAY);
    if (status === "requested" || status === "accepted") {
      const open = introRows.some((x) => (x.status === "requested" || x.status === "accepted") && x.requesterId === requester.id && x.helperId === tie.memberId && x.companyId === tie.companyId);
      if (open) continue;
    }
    await db.insert(intros).values({ clubId, number, requesterId: requester.id, helperId: tie.memberId, companyId: tie.companyId, status, requestedAt, respondedAt });
    introRows.push({ requesterId: requester.id, helperId: tie.memberId, companyId: tie.companyId, status, requestedAt, respondedAt });
  }
  const thanked: Array<{ to: number; at: Date }> = [];
  for (let k = int(10); k > 0; k--) {
    const from = pick(seededMembers);
    const to = pick(seededMembers);
    if (from.id === to.id) continue;
    const when = at(pick([1, 10, 30, 100]));
    await db.insert(thanks).values({ clubId, fromMemberId: from.id, toMemberId: to.id, kind: "information", createdAt: when });
    thanked.push({ to: to.id, at: when });
  }

  // --- The rules, plainly ---
  const notPaused = (m: SeededMember) => m.status !== "paused" || (m.pausedUntil !== null && m.pausedUntil <= NOW);
  const byId = new Map(seededMembers.map((m) => [m.id, m]));
  const seekers: Seeker[] = targetRows
    .filter((t) => {
      const m = byId.get(t.memberId)!;
      return t.stage !== "offer" && m.matchOptIn && m.status === "searching" && m.nudges !== "off" && notPaused(m);
    })
    .sort((a, b) => a.memberId - b.memberId || a.id - b.id)
    .map((t) => ({ memberId: t.memberId, companyId: t.companyId }));
  const fate = (m: SeededMember) => (m.nudges !== "on" ? "none" : m.unansweredPrompts >= 3 ? "ask" : "prompt");
  const recipients = new Set(seekers.map((s) => s.memberId).filter((id) => fate(byId.get(id)!) === "prompt"));
  const ties = tieRows.filter((t) => notPaused(byId.get(t.memberId)!));
  const window = new Date(NOW.getTime() - REPEAT_AFTER_WEEKS * WEEK);
  const kept = earlier.filter((e) => e.createdAt >= window);
  const skipPairs = pairSet(kept.filter((e) => e.kind === "path").map((e) => [e.memberId, e.helperId, e.companyId] as const));
  for (const i of introRows) {
    const last = [i.requestedAt, i.respondedAt].filter((d): d is Date => d !== null).sort((a, b) => b.getTime() - a.getTime())[0]!;
    if (i.status === "requested" || i.status === "declined" || last >= window) skipPairs.add(i.requesterId, i.helperId, i.companyId);
  }
  const skipTeamUps = pairSet(kept.filter((e) => e.kind === "team-up").map((e) => [e.memberId, e.helperId, e.companyId] as const));
  const helperLoad = new Map<number, number>();
  for (const e of kept) if (e.kind === "path" && e.isoWeek === week) helperLoad.set(e.helperId, (helperLoad.get(e.helperId) ?? 0) + 1);
  const lastHelped = new Map<number, Date>();
  const helped = (id: number, when: Date) => {
    if (!lastHelped.has(id) || lastHelped.get(id)! < when) lastHelped.set(id, when);
  };
  for (const i of introRows) if (i.status === "accepted") helped(i.helperId, i.respondedAt!);
  for (const t of thanked) helped(t.to, t.at);
  const expected = referenceMatches({ seekers, ties, lastHelped, skipPairs, skipTeamUps, recipients, helperLoad, now: NOW, helperCap: 3, perMember: 3 });
  return { clubId, expected, names: new Map(seededMembers.map((m) => [m.id, m.name])), companyNames: new Map(companyRows.map((c) => [c.id, c.name])), recipients };
}

describe.each(backends)("the weekly matches job on random clubs equals the rules written out plainly ($name)", (backend) => {
  let database: Database;
  let h: Harness;
  beforeAll(async () => {
    database = await backend.open();
    h = createHarness(database);
    h.clock.set(NOW.toISOString());
  });
  afterAll(async () => {
    await database?.close();
  });

  it.each([11, 12, 13, 14, 15, 16])("club %i: records what the reference suggests, in its order, and says it in the DM", async (seed) => {
    const club: ClubRef = { platform: "console", externalId: `random-${seed}`, name: `Random ${seed}` };
    const { clubId, expected, names, companyNames } = await seedRandomClub(database, h, club, seed);
    h.port.deliveries.length = 0;
    expect((await h.runJob("matches", { club })).ran).toBe(true);
    const recorded = await queryRows<{ member: number; helper: number; company: number; kind: string }>(
      database.db,
      sql`select member_id as member, helper_id as helper, company_id as company, kind from match_suggestions
          where club_id = ${clubId} and created_at = ${NOW} order by id`,
    );
    const paths = expected.suggestions.map((s) => ({ member: s.memberId, helper: s.helperId, company: s.companyId, kind: "path" }));
    const teamUps = [...expected.buddies].flatMap(([member, pals]) => pals.map((p) => ({ member, helper: p.memberId, company: p.companyId, kind: "team-up" })));
    expect(recorded.map((r) => ({ member: Number(r.member), helper: Number(r.helper), company: Number(r.company), kind: r.kind }))).toEqual([...paths, ...teamUps]);
    // The random club had something to rank.
    expect(paths.length).toBeGreaterThan(0);

    // Each member's DM lists their paths best first, with an Ask button each, then their team-ups.
    const byMember = new Map<number, typeof expected.suggestions>();
    for (const s of expected.suggestions) byMember.set(s.memberId, [...(byMember.get(s.memberId) ?? []), s]);
    for (const [memberId, mine] of byMember) {
      const dm = h.port.deliveries.find((d) => d.kind === "direct" && d.userId === names.get(memberId) && d.reply.title === "Your matches this week");
      expect(dm, names.get(memberId)).toBeDefined();
      expect(dm!.reply.buttons!.map((b) => b.label)).toEqual(mine.map((s) => `Ask ${names.get(s.helperId)} about ${companyNames.get(s.companyId)}`));
      for (const pal of expected.buddies.get(memberId) ?? []) expect(dm!.reply.text).toContain(`• ${names.get(pal.memberId)}: ${companyNames.get(pal.companyId)}`);
    }
  });
});
