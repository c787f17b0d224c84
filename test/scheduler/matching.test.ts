import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { backends } from "../support/databases.js";
import { createHarness, type Harness } from "../support/harness.js";
import type { Database } from "../../src/db/client.js";
import { computeMatches as rankColumns, pairSet, scoreCandidate, tieColumns, type HelperTie, type Seeker, type Suggestion } from "../../src/core/services/matching.js";
import { referenceCandidates, referenceMatches, type ReferenceInput } from "../support/reference-matching.js";

/** The ranking, given the ties as objects (it takes them as columns). */
const computeMatches = (input: ReferenceInput) => rankColumns({ ...input, ties: tieColumns(input.ties) });

const now = new Date("2026-11-24T10:00:00Z");
const DAY = 86_400_000;

/** The names of the fixture's members and companies, for readable expectations. */
const NAMES = new Map<number, string>([
  [10, "Kim"],
  [11, "Wes"],
  [12, "Ola"],
  [13, "Gil"],
  [100, "Acme"],
  [200, "Globex"],
  [300, "Zeta"],
]);
const named = (s: Suggestion) => [NAMES.get(s.companyId), NAMES.get(s.helperId)];

describe("computeMatches", () => {
  const seekers: Seeker[] = [
    { memberId: 1, companyId: 100 },
    { memberId: 1, companyId: 200 },
    { memberId: 2, companyId: 100 },
    { memberId: 3, companyId: 300 },
    { memberId: 4, companyId: 300 },
  ];
  const ties: HelperTie[] = [
    { memberId: 10, companyId: 100, relation: "knows" },
    { memberId: 11, companyId: 100, relation: "works" },
    { memberId: 12, companyId: 100, relation: "worked" },
    { memberId: 13, companyId: 200, relation: "works" },
  ];
  const base = { seekers, ties, lastHelped: new Map<number, Date>(), skipPairs: pairSet(), helperLoad: new Map<number, number>(), now };

  it("scores tie strength first, then how recently a helper helped", () => {
    expect(scoreCandidate("works", undefined, now)).toBeGreaterThan(scoreCandidate("worked", new Date(now.getTime() - DAY), now));
    expect(scoreCandidate("knows", new Date(now.getTime() - 3 * DAY), now)).toBeGreaterThan(scoreCandidate("knows", new Date(now.getTime() - 90 * DAY), now));
    expect(scoreCandidate("knows", new Date(now.getTime() - 90 * DAY), now)).toBeGreaterThan(scoreCandidate("knows", undefined, now));
  });

  it("gives each member the strongest path first, one helper per company", () => {
    const { suggestions } = computeMatches(base);
    const forOne = suggestions.filter((s) => s.memberId === 1);
    expect(forOne.map(named)).toEqual([
      ["Acme", "Wes"],
      ["Globex", "Gil"],
    ]);
    expect(suggestions.find((s) => s.memberId === 2)).toMatchObject({ helperId: 11, relation: "works" });
  });

  it("never suggests a member to themselves, and skips declined or recent pairs", () => {
    const { suggestions } = computeMatches({ ...base, skipPairs: pairSet([[1, 11, 100], [2, 11, 100]]) });
    expect(suggestions.some((s) => s.helperId === s.memberId)).toBe(false);
    expect(suggestions.some((s) => s.helperId === 11)).toBe(false);
    expect(suggestions.find((s) => s.memberId === 1 && s.companyId === 100)?.helperId).toBe(12);
  });

  it("caps the asks per helper per week, counting what they already got", () => {
    const many: Seeker[] = Array.from({ length: 10 }, (_, i) => ({ memberId: 50 + i, companyId: 100 }));
    const { suggestions } = computeMatches({ ...base, seekers: many, helperCap: 2, helperLoad: new Map([[11, 1]]) });
    const perHelper = new Map<number, number>();
    for (const s of suggestions) perHelper.set(s.helperId, (perHelper.get(s.helperId) ?? 0) + 1);
    expect(perHelper.get(11)).toBe(1);
    expect(perHelper.get(12)).toBe(2);
    expect(perHelper.get(10)).toBe(2);
    expect(suggestions).toHaveLength(5);
  });

  it("offers accountability buddies for targets nobody has a path to", () => {
    const { buddies } = computeMatches(base);
    expect(buddies.get(3)).toEqual([{ memberId: 4, companyId: 300 }]);
    expect(buddies.get(4)).toEqual([{ memberId: 3, companyId: 300 }]);
    // Member 3's own tie to Zeta is no path for member 3, but it is one for member 4.
    const withTie = computeMatches({ ...base, ties: [...ties, { memberId: 3, companyId: 300, relation: "knows" }] });
    expect(withTie.buddies.get(3)).toEqual([{ memberId: 4, companyId: 300 }]);
    expect(withTie.buddies.has(4)).toBe(false);
    expect(withTie.suggestions.filter((s) => s.companyId === 300).map((s) => [s.memberId, s.helperId])).toEqual([[4, 3]]);
  });

  it("skips a pair for the one company only", () => {
    const gilAtAcme: HelperTie[] = [...ties, { memberId: 13, companyId: 100, relation: "knows" }];
    const forOne = (skip: [number, number, number]) =>
      computeMatches({ ...base, ties: gilAtAcme, skipPairs: pairSet([skip]) })
        .suggestions.filter((s) => s.memberId === 1)
        .map(named);
    expect(forOne([1, 13, 200])).toEqual([["Acme", "Wes"]]);
    expect(forOne([1, 13, 100])).toEqual([
      ["Acme", "Wes"],
      ["Globex", "Gil"],
    ]);
  });

  it("gives members who get no message this week nothing, and leaves them no helper's place", () => {
    const many: Seeker[] = Array.from({ length: 4 }, (_, i) => ({ memberId: 50 + i, companyId: 200 }));
    const { suggestions } = computeMatches({ ...base, seekers: many, helperCap: 1, recipients: new Set([53]) });
    expect(suggestions.map((s) => [s.memberId, s.helperId])).toEqual([[53, 13]]);
    // Still someone to team up with.
    const { buddies } = computeMatches({ ...base, recipients: new Set([3]) });
    expect([...buddies.keys()]).toEqual([3]);
    expect(buddies.get(3)).toEqual([{ memberId: 4, companyId: 300 }]);
  });

  it("doesn't name the same team-up twice", () => {
    const lots: Seeker[] = [...seekers, { memberId: 5, companyId: 300 }];
    const { buddies } = computeMatches({ ...base, seekers: lots, skipTeamUps: pairSet([[3, 4, 300]]) });
    expect(buddies.get(3)).toEqual([{ memberId: 5, companyId: 300 }]);
    expect(buddies.get(4)?.map((b) => b.memberId)).toEqual([3, 5]);
  });

  it("is deterministic", () => {
    expect(computeMatches(base)).toEqual(computeMatches(base));
  });
});

describe("computeMatches equals a straightforward reference", () => {
  it("on 400 random clubs: ties in scores, own ties, paths to skip, team-ups, capped and busy helpers, members who get no message", () => {
    let compared = 0;
    let suggested = 0;
    let teamUps = 0;
    for (let seed = 1; seed <= 400; seed++) {
      const input = randomInput(seed);
      const fast = computeMatches(input);
      const reference = referenceMatches(input);
      expect(fast.suggestions, `seed ${seed}`).toEqual(reference.suggestions);
      expect([...fast.buddies], `seed ${seed}`).toEqual([...reference.buddies]);
      compared++;
      suggested += reference.suggestions.length;
      teamUps += reference.buddies.size;
    }
    // The inputs exercise what they should: plenty of suggestions and team-ups were compared.
    expect(compared).toBe(400);
    expect(suggested).toBeGreaterThan(4000);
    expect(teamUps).toBeGreaterThan(200);
  });

  it("the random inputs have what the rules are about: equal scores, own ties, skipped paths, full helpers", () => {
    let equalScores = 0;
    let ownTies = 0;
    let skippedTies = 0;
    let fullHelpers = 0;
    for (let seed = 1; seed <= 50; seed++) {
      const input = randomInput(seed);
      const { candidates } = referenceCandidates(input);
      for (const list of candidates.values()) {
        for (let i = 1; i < list.length; i++) if (list[i]!.score === list[i - 1]!.score) equalScores++;
      }
      const targets = new Set(input.seekers.map((s) => `${s.memberId}:${s.companyId}`));
      ownTies += input.ties.filter((t) => targets.has(`${t.memberId}:${t.companyId}`)).length;
      skippedTies += input.seekers.filter((s) => input.ties.some((t) => t.companyId === s.companyId && input.skipPairs.has(s.memberId, t.memberId, s.companyId))).length;
      fullHelpers += [...input.helperLoad.values()].filter((n) => n >= (input.helperCap ?? 3)).length;
    }
    expect(equalScores).toBeGreaterThan(100);
    expect(ownTies).toBeGreaterThan(50);
    expect(skippedTies).toBeGreaterThan(50);
    expect(fullHelpers).toBeGreaterThan(10);
  });
});

/** A small deterministic PRNG (mulberry32): the same seed gives the same club every run. */
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

/** A random club: a few dozen members and companies, crowded enough that helpers run out. */
function randomInput(seed: number): ReferenceInput {
  const rnd = random(seed);
  const int = (n: number) => Math.floor(rnd() * n);
  const memberCount = 5 + int(40);
  const companyCount = 2 + int(12);
  // Ids out of order and with gaps, as in a database shared by clubs; every fifth club's spread
  // over the whole integer range (the ranking numbers them through a Map then, not a table).
  const sparse = seed % 5 === 0;
  const memberIds = Array.from({ length: memberCount }, (_, i) => (sparse ? 1 + i * 40_000_003 : 1000 + i * 7 + int(5)));
  const companyIds = Array.from({ length: companyCount }, (_, i) => (sparse ? 2_140_000_000 - i * 150_000_001 : 50_000 - i * 13));
  const pick = <T,>(list: T[]) => list[int(list.length)]!;
  const relations = ["works", "worked", "knows"] as const;
  const seekers: Seeker[] = [];
  const ties: HelperTie[] = [];
  const seen = new Set<string>();
  for (const memberId of memberIds) {
    for (let k = int(5); k > 0; k--) {
      const companyId = pick(companyIds);
      if (seen.has(`s${memberId}:${companyId}`)) continue;
      seen.add(`s${memberId}:${companyId}`);
      seekers.push({ memberId, companyId });
      // Sometimes a tie at one's own target: never a path for oneself.
      if (rnd() < 0.15) {
        seen.add(`t${memberId}:${companyId}`);
        ties.push({ memberId, companyId, relation: pick([...relations]) });
      }
    }
    for (let k = int(4); k > 0; k--) {
      const companyId = pick(companyIds);
      if (seen.has(`t${memberId}:${companyId}`)) continue;
      seen.add(`t${memberId}:${companyId}`);
      ties.push({ memberId, companyId, relation: pick([...relations]) });
    }
  }
  // Neither list comes sorted.
  shuffle(seekers, rnd);
  shuffle(ties, rnd);
  const lastHelped = new Map<number, Date>();
  for (const memberId of memberIds) {
    // Few distinct recency classes, so scores tie often.
    if (rnd() < 0.4) lastHelped.set(memberId, new Date(now.getTime() - pick([1, 10, 20, 59, 61, 200]) * DAY));
  }
  const skipPairs = pairSet();
  for (let k = int(memberCount * 2); k > 0; k--) {
    const seeker = pick(seekers.length ? seekers : [{ memberId: memberIds[0]!, companyId: companyIds[0]! }]);
    // Usually a helper with a tie there; sometimes one without, or the member themselves.
    const there = ties.filter((t) => t.companyId === seeker.companyId);
    const other = there.length && rnd() < 0.8 ? pick(there).memberId : rnd() < 0.5 ? seeker.memberId : pick(memberIds);
    skipPairs.add(seeker.memberId, other, seeker.companyId);
  }
  const skipTeamUps = pairSet();
  for (let k = int(memberCount); k > 0; k--) {
    const seeker = pick(seekers.length ? seekers : [{ memberId: memberIds[0]!, companyId: companyIds[0]! }]);
    skipTeamUps.add(seeker.memberId, pick(memberIds), seeker.companyId);
  }
  const helperCap = int(4) + (rnd() < 0.1 ? 0 : 1);
  const helperLoad = new Map<number, number>();
  for (const memberId of memberIds) if (rnd() < 0.3) helperLoad.set(memberId, int(helperCap + 2));
  const recipients = rnd() < 0.3 ? undefined : new Set(memberIds.filter(() => rnd() < 0.8));
  return {
    seekers,
    ties,
    lastHelped,
    skipPairs,
    skipTeamUps,
    ...(recipients ? { recipients } : {}),
    helperLoad,
    now,
    helperCap,
    perMember: int(5),
  };
}

function shuffle<T>(list: T[], rnd: () => number): void {
  for (let i = list.length - 1; i > 0; i--) {
    const j = Math.floor(rnd() * (i + 1));
    [list[i], list[j]] = [list[j]!, list[i]!];
  }
}

describe.each(backends)("weekly match suggestions on a seeded club ($name)", (backend) => {
  let database: Database;
  let h: Harness;
  beforeAll(async () => {
    database = await backend.open();
    h = createHarness(database);
    h.clock.set("2026-11-17T10:00:00Z"); // Tuesday
    for (const seeker of ["s1", "s2", "s3", "s4", "s5"]) await h.run(seeker, "target add Acme");
    await h.run("s1", "target add Globex");
    await h.run("lone", "target add Nowhere Inc");
    await h.run("lone2", "target add Nowhere");
    await h.run("wes", "network add Acme works");
    await h.run("ola", "network add Acme worked");
    await h.run("kim", "network add Acme knows");
    await h.run("gil", "network add Globex works");
    await h.run("zed", "network add Globex works");
    await h.run("zed", "snooze 30");
    await h.run("s5", "profile matches off");
    await h.run("s4", "snooze 10");
    // s2 asked wes before and was declined: don't suggest that pair.
    await h.run("s2", "intro @wes Acme");
    await h.run("wes", "intro decline 1");
    h.port.deliveries.length = 0;
  });
  afterAll(async () => {
    await database?.close();
  });

  const suggestionsFor = (user: string) => {
    const dm = h.port.deliveries.find((d) => d.kind === "direct" && d.userId === user && d.reply.title === "Your matches this week");
    return dm?.reply.buttons?.map((b) => b.label) ?? [];
  };

  it("ranks by tie strength, skips declined pairs, snoozed and opted-out members, and caps helpers", async () => {
    await h.runJob("matches");
    expect(suggestionsFor("s1")).toEqual(["Ask wes about Acme", "Ask gil about Globex"]);
    expect(suggestionsFor("s2")).not.toContain("Ask wes about Acme");
    expect(suggestionsFor("s4")).toEqual([]); // snoozed
    expect(suggestionsFor("s5")).toEqual([]); // opted out
    const all = h.port.deliveries.flatMap((d) => d.reply.buttons ?? []).map((b) => b.label);
    expect(all.filter((l) => l.startsWith("Ask wes")).length).toBeLessThanOrEqual(3);
    expect(all.some((l) => l.startsWith("Ask zed"))).toBe(false); // snoozed helper
    const lone = h.port.deliveries.find((d) => d.kind === "direct" && d.userId === "lone");
    expect(lone?.reply.text).toContain("lone2: Nowhere Inc");
  });

  it("a pair suggested once is not suggested again within 12 weeks", async () => {
    h.port.deliveries.length = 0;
    h.clock.set("2026-11-24T10:00:00Z");
    await h.runJob("matches");
    expect(suggestionsFor("s1")).not.toContain("Ask wes about Acme");
    expect(suggestionsFor("s1")).not.toContain("Ask gil about Globex");
    h.port.deliveries.length = 0;
    h.clock.set("2027-02-23T10:00:00Z"); // 14 weeks later; everyone has answered prompts meanwhile
    for (const user of ["s1", "s2", "s3", "lone"]) await h.run(user, "goal list");
    await h.runJob("matches");
    expect(suggestionsFor("s1")).toContain("Ask wes about Acme");
  });
});
