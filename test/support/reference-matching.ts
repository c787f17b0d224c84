import { scoreCandidate, type HelperTie, type MatchInput, type Seeker, type Suggestion, type TeamUp } from "../../src/core/services/matching.js";

/** The ranking's input with the ties as objects, as the reference reads them. */
export type ReferenceInput = Omit<MatchInput, "ties"> & { ties: HelperTie[] };

// The weekly ranking as first written, candidate by candidate: slow (a candidate object per
// seeker and tie) but plain to read. Tests compare the fast ranking with it.

/** Every candidate of every member who gets the message, best first, and the members with no path at all. */
export function referenceCandidates(input: ReferenceInput): { candidates: Map<number, Suggestion[]>; pathless: Seeker[] } {
  const receives = (memberId: number) => !input.recipients || input.recipients.has(memberId);
  const candidates = new Map<number, Suggestion[]>();
  const pathless: Seeker[] = [];
  for (const seeker of input.seekers) {
    if (!receives(seeker.memberId)) continue;
    const ties = input.ties.filter((t) => t.companyId === seeker.companyId && t.memberId !== seeker.memberId);
    if (ties.length === 0) pathless.push(seeker);
    for (const tie of ties) {
      if (input.skipPairs.has(seeker.memberId, tie.memberId, seeker.companyId)) continue;
      const list = candidates.get(seeker.memberId) ?? [];
      list.push({
        memberId: seeker.memberId,
        helperId: tie.memberId,
        companyId: seeker.companyId,
        relation: tie.relation,
        score: scoreCandidate(tie.relation, input.lastHelped.get(tie.memberId), input.now),
      });
      candidates.set(seeker.memberId, list);
    }
  }
  for (const list of candidates.values()) list.sort((a, b) => b.score - a.score || a.companyId - b.companyId || a.helperId - b.helperId);
  return { candidates, pathless };
}

/**
 * The ranking as first written, candidate by candidate: every member's candidates listed and
 * sorted, then members take turns (fewest candidates first), each taking their best candidate whose
 * company and helper they haven't got yet and whose helper is under the cap.
 */
export function referenceMatches(input: ReferenceInput): { suggestions: Suggestion[]; buddies: Map<number, TeamUp[]> } {
  const cap = input.helperCap ?? 3;
  const perMember = input.perMember ?? 3;
  const { candidates, pathless } = referenceCandidates(input);
  const load = new Map(input.helperLoad);
  const taken = new Map<number, { companies: Set<number>; helpers: Set<number> }>();
  const suggestions: Suggestion[] = [];
  const order = [...candidates.keys()].sort((a, b) => candidates.get(a)!.length - candidates.get(b)!.length || a - b);
  for (let round = 0; round < perMember; round++) {
    for (const memberId of order) {
      const mine = taken.get(memberId) ?? { companies: new Set<number>(), helpers: new Set<number>() };
      const pick = candidates
        .get(memberId)!
        .find((c) => !mine.companies.has(c.companyId) && !mine.helpers.has(c.helperId) && (load.get(c.helperId) ?? 0) < cap);
      if (!pick) continue;
      suggestions.push(pick);
      mine.companies.add(pick.companyId);
      mine.helpers.add(pick.helperId);
      taken.set(memberId, mine);
      load.set(pick.helperId, (load.get(pick.helperId) ?? 0) + 1);
    }
  }
  const buddies = new Map<number, TeamUp[]>();
  for (const seeker of pathless) {
    const others = input.seekers.filter(
      (s) => s.companyId === seeker.companyId && s.memberId !== seeker.memberId && !input.skipTeamUps?.has(seeker.memberId, s.memberId, seeker.companyId),
    );
    const list = buddies.get(seeker.memberId) ?? [];
    for (const other of others) {
      if (list.length >= 3) break;
      if (!list.some((b) => b.memberId === other.memberId)) list.push({ memberId: other.memberId, companyId: seeker.companyId });
    }
    if (list.length) buddies.set(seeker.memberId, list);
  }
  return { suggestions, buddies };
}
