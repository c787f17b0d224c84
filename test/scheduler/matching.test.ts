import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { backends } from "../support/databases.js";
import { createHarness, type Harness } from "../support/harness.js";
import type { Database } from "../../src/db/client.js";
import { computeMatches, pairKey, scoreCandidate, type HelperTie, type Seeker } from "../../src/core/services/matching.js";

const now = new Date("2026-11-24T10:00:00Z");
const DAY = 86_400_000;

describe("computeMatches", () => {
  const seekers: Seeker[] = [
    { memberId: 1, companyId: 100, company: "Acme" },
    { memberId: 1, companyId: 200, company: "Globex" },
    { memberId: 2, companyId: 100, company: "Acme" },
    { memberId: 3, companyId: 300, company: "Zeta" },
    { memberId: 4, companyId: 300, company: "Zeta" },
  ];
  const ties: HelperTie[] = [
    { memberId: 10, companyId: 100, relation: "knows", displayName: "Kim" },
    { memberId: 11, companyId: 100, relation: "works", displayName: "Wes" },
    { memberId: 12, companyId: 100, relation: "worked", displayName: "Ola" },
    { memberId: 13, companyId: 200, relation: "works", displayName: "Gil" },
  ];
  const base = { seekers, ties, lastHelped: new Map<number, Date>(), skipPairs: new Set<string>(), helperLoad: new Map<number, number>(), now };

  it("scores tie strength first, then how recently a helper helped", () => {
    expect(scoreCandidate("works", undefined, now)).toBeGreaterThan(scoreCandidate("worked", new Date(now.getTime() - DAY), now));
    expect(scoreCandidate("knows", new Date(now.getTime() - 3 * DAY), now)).toBeGreaterThan(scoreCandidate("knows", new Date(now.getTime() - 90 * DAY), now));
    expect(scoreCandidate("knows", new Date(now.getTime() - 90 * DAY), now)).toBeGreaterThan(scoreCandidate("knows", undefined, now));
  });

  it("gives each member the strongest path first, one helper per company", () => {
    const { suggestions } = computeMatches(base);
    const forOne = suggestions.filter((s) => s.memberId === 1);
    expect(forOne.map((s) => [s.company, s.helperName])).toEqual([
      ["Acme", "Wes"],
      ["Globex", "Gil"],
    ]);
    expect(suggestions.find((s) => s.memberId === 2)).toMatchObject({ helperName: "Wes", relation: "works" });
  });

  it("never suggests a member to themselves, and skips declined or recent pairs", () => {
    const { suggestions } = computeMatches({ ...base, skipPairs: new Set([pairKey(1, 11, 100), pairKey(2, 11, 100)]) });
    expect(suggestions.some((s) => s.helperId === s.memberId)).toBe(false);
    expect(suggestions.some((s) => s.helperId === 11)).toBe(false);
    expect(suggestions.find((s) => s.memberId === 1 && s.companyId === 100)?.helperName).toBe("Ola");
  });

  it("caps the asks per helper per week, counting what they already got", () => {
    const many: Seeker[] = Array.from({ length: 10 }, (_, i) => ({ memberId: 50 + i, companyId: 100, company: "Acme" }));
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
    expect(buddies.get(3)).toEqual([{ memberId: 4, companyId: 300, company: "Zeta" }]);
    expect(buddies.get(4)).toEqual([{ memberId: 3, companyId: 300, company: "Zeta" }]);
    // Member 3's own tie to Zeta is no path for member 3, but it is one for member 4.
    const withTie = computeMatches({ ...base, ties: [...ties, { memberId: 3, companyId: 300, relation: "knows", displayName: "Tess" }] });
    expect(withTie.buddies.get(3)).toEqual([{ memberId: 4, companyId: 300, company: "Zeta" }]);
    expect(withTie.buddies.has(4)).toBe(false);
    expect(withTie.suggestions.filter((s) => s.companyId === 300).map((s) => [s.memberId, s.helperId])).toEqual([[4, 3]]);
  });

  it("skips a pair for the one company only", () => {
    const gilAtAcme: HelperTie[] = [...ties, { memberId: 13, companyId: 100, relation: "knows", displayName: "Gil" }];
    const forOne = (skip: string) =>
      computeMatches({ ...base, ties: gilAtAcme, skipPairs: new Set([skip]) })
        .suggestions.filter((s) => s.memberId === 1)
        .map((s) => [s.company, s.helperName]);
    expect(forOne(pairKey(1, 13, 200))).toEqual([["Acme", "Wes"]]);
    expect(forOne(pairKey(1, 13, 100))).toEqual([
      ["Acme", "Wes"],
      ["Globex", "Gil"],
    ]);
  });

  it("gives members who get no message this week nothing, and leaves them no helper's place", () => {
    const many: Seeker[] = Array.from({ length: 4 }, (_, i) => ({ memberId: 50 + i, companyId: 200, company: "Globex" }));
    const { suggestions } = computeMatches({ ...base, seekers: many, helperCap: 1, recipients: new Set([53]) });
    expect(suggestions.map((s) => [s.memberId, s.helperName])).toEqual([[53, "Gil"]]);
    // Still someone to team up with.
    const { buddies } = computeMatches({ ...base, recipients: new Set([3]) });
    expect([...buddies.keys()]).toEqual([3]);
    expect(buddies.get(3)).toEqual([{ memberId: 4, companyId: 300, company: "Zeta" }]);
  });

  it("doesn't name the same team-up twice", () => {
    const lots: Seeker[] = [...seekers, { memberId: 5, companyId: 300, company: "Zeta" }];
    const { buddies } = computeMatches({ ...base, seekers: lots, skipTeamUps: new Set([pairKey(3, 4, 300)]) });
    expect(buddies.get(3)).toEqual([{ memberId: 5, companyId: 300, company: "Zeta" }]);
    expect(buddies.get(4)?.map((b) => b.memberId)).toEqual([3, 5]);
  });

  it("is deterministic", () => {
    expect(computeMatches(base)).toEqual(computeMatches(base));
  });
});

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
