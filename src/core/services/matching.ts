import type { TieRelation } from "../vocabulary.js";

export interface Seeker {
  memberId: number;
  companyId: number;
  company: string;
}

export interface HelperTie {
  memberId: number;
  companyId: number;
  relation: TieRelation;
  displayName: string;
}

export interface MatchInput {
  seekers: Seeker[];
  ties: HelperTie[];
  /** When each member last helped (accepted an intro, was thanked). */
  lastHelped: Map<number, Date>;
  /** `pairKey(member, helper, company)` of paths not to suggest (recently suggested, declined, recently asked). */
  skipPairs: Set<string>;
  /** `pairKey(member, buddy, company)` of team-ups (accountability buddies) not to suggest again yet. */
  skipTeamUps?: Set<string>;
  /**
   * Members who get this week's message (default: every seeker). The others take no suggestion and
   * no helper's capacity, but still count as team-ups for those who do.
   */
  recipients?: Set<number>;
  /** Suggestions each helper already got this week. */
  helperLoad: Map<number, number>;
  now: Date;
  /** Most suggestions naming one helper per week, so no one is swamped. */
  helperCap?: number;
  /** Most suggestions one member receives per week. */
  perMember?: number;
}

export interface Suggestion {
  memberId: number;
  helperId: number;
  helperName: string;
  companyId: number;
  company: string;
  relation: TieRelation;
  score: number;
}

/** The key of a suggestion in `skipPairs` and `skipTeamUps`: who gets it, whom it names, and about which company. */
export function pairKey(memberId: number, otherId: number, companyId: number): string {
  return `${memberId}:${otherId}:${companyId}`;
}

/** Another member aiming at a company nobody has a path to: someone to team up with. */
export interface TeamUp {
  memberId: number;
  companyId: number;
  company: string;
}

const STRENGTH: Record<TieRelation, number> = { works: 30, worked: 20, knows: 10 };
const DAY = 86_400_000;

/** Tie strength first; among equals, whoever helped most recently (they answer). */
export function scoreCandidate(relation: TieRelation, lastHelped: Date | undefined, now: Date): number {
  if (!lastHelped) return STRENGTH[relation];
  const days = (now.getTime() - lastHelped.getTime()) / DAY;
  const recency = days <= 14 ? 5 : days <= 60 ? 3 : 1;
  return STRENGTH[relation] + recency;
}

/**
 * The week's match suggestions. Members take turns (one suggestion per round, the member with the
 * fewest options first) so helpers' capped capacity is shared rather than taken by whoever sorts
 * first; each turn takes the best remaining candidate. Deterministic for the same input.
 */
export function computeMatches(input: MatchInput): { suggestions: Suggestion[]; buddies: Map<number, TeamUp[]> } {
  const cap = input.helperCap ?? 3;
  const perMember = input.perMember ?? 3;
  const tiesByCompany = new Map<number, HelperTie[]>();
  for (const tie of input.ties) pushTo(tiesByCompany, tie.companyId, tie);

  const receives = (memberId: number) => !input.recipients || input.recipients.has(memberId);
  const candidates = new Map<number, Suggestion[]>();
  const pathless: Seeker[] = [];
  for (const seeker of input.seekers) {
    if (!receives(seeker.memberId)) continue;
    const ties = (tiesByCompany.get(seeker.companyId) ?? []).filter((t) => t.memberId !== seeker.memberId);
    if (ties.length === 0) pathless.push(seeker);
    for (const tie of ties) {
      if (input.skipPairs.has(pairKey(seeker.memberId, tie.memberId, seeker.companyId))) continue;
      pushTo(candidates, seeker.memberId, {
        memberId: seeker.memberId,
        helperId: tie.memberId,
        helperName: tie.displayName,
        companyId: seeker.companyId,
        company: seeker.company,
        relation: tie.relation,
        score: scoreCandidate(tie.relation, input.lastHelped.get(tie.memberId), input.now),
      });
    }
  }
  for (const list of candidates.values()) list.sort((a, b) => b.score - a.score || a.companyId - b.companyId || a.helperId - b.helperId);

  const load = new Map(input.helperLoad);
  const taken = new Map<number, { companies: Set<number>; helpers: Set<number>; count: number }>();
  const suggestions: Suggestion[] = [];
  const order = [...candidates.keys()].sort((a, b) => candidates.get(a)!.length - candidates.get(b)!.length || a - b);
  for (let round = 0; round < perMember; round++) {
    for (const memberId of order) {
      const mine = taken.get(memberId) ?? { companies: new Set<number>(), helpers: new Set<number>(), count: 0 };
      if (mine.count > round) continue;
      const pick = candidates
        .get(memberId)!
        .find((c) => !mine.companies.has(c.companyId) && !mine.helpers.has(c.helperId) && (load.get(c.helperId) ?? 0) < cap);
      if (!pick) continue;
      suggestions.push(pick);
      mine.companies.add(pick.companyId);
      mine.helpers.add(pick.helperId);
      mine.count++;
      taken.set(memberId, mine);
      load.set(pick.helperId, (load.get(pick.helperId) ?? 0) + 1);
    }
  }

  // Accountability buddies: others aiming at a company nobody has a path to, each team-up once
  // (until it may be repeated).
  const skipTeamUps = input.skipTeamUps ?? new Set<string>();
  const seekersByCompany = new Map<number, Seeker[]>();
  for (const seeker of input.seekers) pushTo(seekersByCompany, seeker.companyId, seeker);
  const buddies = new Map<number, TeamUp[]>();
  for (const seeker of pathless) {
    const others = (seekersByCompany.get(seeker.companyId) ?? []).filter(
      (s) => s.memberId !== seeker.memberId && !skipTeamUps.has(pairKey(seeker.memberId, s.memberId, seeker.companyId)),
    );
    const list = buddies.get(seeker.memberId) ?? [];
    for (const other of others) {
      if (list.length >= 3) break;
      if (!list.some((b) => b.memberId === other.memberId)) list.push({ memberId: other.memberId, companyId: seeker.companyId, company: seeker.company });
    }
    if (list.length) buddies.set(seeker.memberId, list);
  }
  return { suggestions, buddies };
}

function pushTo<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}
