import type { TieRelation } from "../vocabulary.js";
import type { Button, Reply } from "../types.js";
import { memberRef } from "../mentions.js";
import { RELATION_PHRASES } from "./intros.js";

/** A member aiming at a company (one of their targets). */
export interface Seeker {
  memberId: number;
  companyId: number;
}

/** A member with a path into a company: they work there, used to, or know someone there. */
export interface HelperTie {
  memberId: number;
  companyId: number;
  relation: TieRelation;
}

/** Paths (member, other member, company) to leave alone, looked up by member and company. */
export interface PairSet {
  add(memberId: number, otherId: number, companyId: number): PairSet;
  has(memberId: number, otherId: number, companyId: number): boolean;
  /** The others left alone for this member and company, if any. */
  others(memberId: number, companyId: number): readonly number[] | undefined;
  readonly size: number;
}

/**
 * A PairSet keyed by numbers, not strings: a large club's weekly run checks hundreds of thousands
 * of paths, and a string key per path was most of the ranking's time and garbage.
 */
export function pairSet(entries: Iterable<readonly [memberId: number, otherId: number, companyId: number]> = []): PairSet {
  const byMember = new Map<number, Map<number, number[]>>();
  let size = 0;
  const set: PairSet = {
    add(memberId, otherId, companyId) {
      let companies = byMember.get(memberId);
      if (!companies) byMember.set(memberId, (companies = new Map<number, number[]>()));
      const others = companies.get(companyId);
      if (!others) companies.set(companyId, [otherId]);
      else if (others.includes(otherId)) return set;
      else others.push(otherId);
      size++;
      return set;
    },
    has: (memberId, otherId, companyId) => byMember.get(memberId)?.get(companyId)?.includes(otherId) ?? false,
    others: (memberId, companyId) => byMember.get(memberId)?.get(companyId),
    get size() {
      return size;
    },
  };
  for (const [memberId, otherId, companyId] of entries) set.add(memberId, otherId, companyId);
  return set;
}

export interface MatchInput {
  /** Each (member, company) at most once, as the targets table's unique key guarantees. */
  seekers: Seeker[];
  /** Each (member, company) at most once, as the network's unique key guarantees. */
  ties: HelperTie[];
  /** When each member last helped (accepted an intro, was thanked). */
  lastHelped: Map<number, Date>;
  /** Paths (member, helper, company) not to suggest: recently suggested, declined, recently asked. */
  skipPairs: PairSet;
  /** Team-ups (member, buddy, company) not to suggest again yet. */
  skipTeamUps?: PairSet;
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
  companyId: number;
  relation: TieRelation;
  score: number;
}

/** Another member aiming at a company nobody has a path to: someone to team up with. */
export interface TeamUp {
  memberId: number;
  companyId: number;
}

const STRENGTH: Record<TieRelation, number> = { works: 30, worked: 20, knows: 10 };
const RELATIONS: TieRelation[] = ["works", "worked", "knows"];
const RELATION_CODE: Record<TieRelation, number> = { works: 0, worked: 1, knows: 2 };
const DAY = 86_400_000;

/** What having helped lately adds to a score: whoever helped most recently answers first. */
function recencyBonus(lastHelped: Date | undefined, now: Date): number {
  if (!lastHelped) return 0;
  const days = (now.getTime() - lastHelped.getTime()) / DAY;
  return days <= 14 ? 5 : days <= 60 ? 3 : 1;
}

/** Tie strength first; among equals, whoever helped most recently (they answer). */
export function scoreCandidate(relation: TieRelation, lastHelped: Date | undefined, now: Date): number {
  return STRENGTH[relation] + recencyBonus(lastHelped, now);
}

// A company's ties are sorted once by one number: (SCORE_CEILING - score), then the helper's id,
// then the relation, packed as ((SCORE_CEILING - score) * 2^31 + helperId) * 4 + relation. Ids are
// Postgres integers (< 2^31) and scores small, so the key stays far below 2^53: exact in a double.
const SCORE_CEILING = 64;
const ID_SPAN = 2 ** 31;

/**
 * The week's match suggestions. Members take turns (one suggestion per round, the member with the
 * fewest options first) so helpers' capped capacity is shared rather than taken by whoever sorts
 * first; each turn takes the member's best remaining candidate (score, then company id, then
 * helper id). Deterministic for the same input.
 *
 * Each company's ties are sorted once; a member's candidates are the merge of their companies'
 * sorted lists, walked lazily: a candidate passed over (the member's own tie, a path to skip, a
 * helper the member already got, a helper at their cap) can never become valid again, since each of
 * those only grows, so each member keeps one cursor per company and never looks back.
 */
export function computeMatches(input: MatchInput): { suggestions: Suggestion[]; buddies: Map<number, TeamUp[]> } {
  const cap = input.helperCap ?? 3;
  const perMember = input.perMember ?? 3;
  const receives = (memberId: number) => !input.recipients || input.recipients.has(memberId);

  // Companies that recipients aim at, numbered densely; ties elsewhere are never candidates.
  const companyIndex = new Map<number, number>();
  for (const seeker of input.seekers) {
    if (receives(seeker.memberId) && !companyIndex.has(seeker.companyId)) companyIndex.set(seeker.companyId, companyIndex.size);
  }
  const companyCount = companyIndex.size;
  const companyIds = new Int32Array(companyCount);
  for (const [id, index] of companyIndex) companyIds[index] = id;

  // Each recipient's companies, to find their own ties (never a path for them) on the way.
  const targetsOf = new Map<number, number[]>();
  for (const seeker of input.seekers) {
    if (!receives(seeker.memberId)) continue;
    const c = companyIndex.get(seeker.companyId)!;
    const list = targetsOf.get(seeker.memberId);
    if (list) list.push(c);
    else targetsOf.set(seeker.memberId, [c]);
  }
  const ownTies = new Map<number, number[]>();

  // Ties bucketed by company (counting sort), each bucket sorted by its packed key.
  const start = new Int32Array(companyCount + 1);
  const tieCompany = new Int32Array(input.ties.length);
  for (let i = 0; i < input.ties.length; i++) {
    const tie = input.ties[i]!;
    const index = companyIndex.get(tie.companyId);
    tieCompany[i] = index ?? -1;
    if (index === undefined) continue;
    start[index + 1]!++;
    if (targetsOf.get(tie.memberId)?.includes(index)) {
      const own = ownTies.get(tie.memberId);
      if (own) own.push(index);
      else ownTies.set(tie.memberId, [index]);
    }
  }
  for (let c = 0; c < companyCount; c++) start[c + 1]! += start[c]!;
  const keys = new Float64Array(start[companyCount]!);
  const fill = start.slice(0, companyCount);
  const bonus = new Map<number, number>();
  for (const [memberId, at] of input.lastHelped) bonus.set(memberId, recencyBonus(at, input.now));
  for (let i = 0; i < input.ties.length; i++) {
    const c = tieCompany[i]!;
    if (c < 0) continue;
    const tie = input.ties[i]!;
    const score = STRENGTH[tie.relation] + (bonus.get(tie.memberId) ?? 0);
    keys[fill[c]!++] = ((SCORE_CEILING - score) * ID_SPAN + tie.memberId) * 4 + RELATION_CODE[tie.relation];
  }
  for (let c = 0; c < companyCount; c++) keys.subarray(start[c], start[c + 1]).sort();
  const helperAt = new Int32Array(keys.length);
  const scoreAt = new Int8Array(keys.length);
  const relationAt = new Uint8Array(keys.length);
  for (let k = 0; k < keys.length; k++) {
    const key = keys[k]!;
    relationAt[k] = key % 4;
    const rest = (key - relationAt[k]!) / 4;
    helperAt[k] = rest % ID_SPAN;
    scoreAt[k] = SCORE_CEILING - (rest - helperAt[k]!) / ID_SPAN;
  }

  // Whether a member has a tie at a company, built per company on first need (for paths to skip).
  const helpersOf: Array<Set<number> | undefined> = [];
  const hasTie = (memberId: number, c: number) => (helpersOf[c] ??= new Set(helperAt.subarray(start[c], start[c + 1]))).has(memberId);

  // Each recipient's companies and how many candidates they have: the company's ties, less their
  // own, less the paths to skip that are ties there.
  const seekerCompanies = new Map<number, number[]>();
  const candidateCount = new Map<number, number>();
  const pathless: Seeker[] = [];
  for (const seeker of input.seekers) {
    if (!receives(seeker.memberId)) continue;
    const c = companyIndex.get(seeker.companyId)!;
    const own = ownTies.get(seeker.memberId)?.includes(c) ? 1 : 0;
    const paths = start[c + 1]! - start[c]! - own;
    if (paths === 0) pathless.push(seeker);
    let skipped = 0;
    for (const other of input.skipPairs.others(seeker.memberId, seeker.companyId) ?? []) {
      if (other !== seeker.memberId && hasTie(other, c)) skipped++;
    }
    if (paths - skipped === 0) continue;
    const list = seekerCompanies.get(seeker.memberId);
    if (list) list.push(c);
    else seekerCompanies.set(seeker.memberId, [c]);
    candidateCount.set(seeker.memberId, (candidateCount.get(seeker.memberId) ?? 0) + paths - skipped);
  }

  const order = [...candidateCount.keys()].sort((a, b) => candidateCount.get(a)! - candidateCount.get(b)! || a - b);
  // A cursor per (member, company) into the company's sorted ties; -1 once the company is done.
  const cursorStart = new Int32Array(order.length + 1);
  for (let m = 0; m < order.length; m++) cursorStart[m + 1] = cursorStart[m]! + seekerCompanies.get(order[m]!)!.length;
  const cursorCompany = new Int32Array(cursorStart[order.length]!);
  const cursor = new Int32Array(cursorStart[order.length]!);
  for (let m = 0; m < order.length; m++) {
    const companies = seekerCompanies.get(order[m]!)!;
    for (let j = 0; j < companies.length; j++) {
      cursorCompany[cursorStart[m]! + j] = companies[j]!;
      cursor[cursorStart[m]! + j] = start[companies[j]!]!;
    }
  }

  const load = new Map(input.helperLoad);
  const helpersTaken = new Map<number, number[]>();
  const suggestions: Suggestion[] = [];
  const done = new Uint8Array(order.length);
  for (let round = 0; round < perMember; round++) {
    for (let m = 0; m < order.length; m++) {
      // A member who found nothing once finds nothing later: every constraint only tightens.
      if (done[m]) continue;
      const memberId = order[m]!;
      const taken = helpersTaken.get(memberId);
      let best = -1;
      let bestSlot = -1;
      for (let slot = cursorStart[m]!; slot < cursorStart[m + 1]!; slot++) {
        let k = cursor[slot]!;
        if (k < 0) continue;
        const c = cursorCompany[slot]!;
        const end = start[c + 1]!;
        const skip = input.skipPairs.others(memberId, companyIds[c]!);
        for (; k < end; k++) {
          const helper = helperAt[k]!;
          if (helper === memberId || (load.get(helper) ?? 0) >= cap || taken?.includes(helper) || skip?.includes(helper)) continue;
          break;
        }
        cursor[slot] = k < end ? k : -1;
        if (k >= end) continue;
        // The member's best so far, by score, then company id, then helper id.
        if (best < 0 || scoreAt[k]! > scoreAt[best]! || (scoreAt[k] === scoreAt[best] && companyIds[c]! < companyIds[cursorCompany[bestSlot]!]!)) {
          best = k;
          bestSlot = slot;
        }
      }
      if (best < 0) {
        done[m] = 1;
        continue;
      }
      const helperId = helperAt[best]!;
      suggestions.push({ memberId, helperId, companyId: companyIds[cursorCompany[bestSlot]!]!, relation: RELATIONS[relationAt[best]!]!, score: scoreAt[best]! });
      // One suggestion per company and per helper for each member.
      cursor[bestSlot] = -1;
      if (taken) taken.push(helperId);
      else helpersTaken.set(memberId, [helperId]);
      load.set(helperId, (load.get(helperId) ?? 0) + 1);
    }
  }

  // Accountability buddies: others aiming at a company nobody has a path to, each team-up once
  // (until it may be repeated), at most three per member.
  const seekersByCompany = new Map<number, number[]>();
  for (const seeker of input.seekers) {
    const list = seekersByCompany.get(seeker.companyId);
    if (list) list.push(seeker.memberId);
    else seekersByCompany.set(seeker.companyId, [seeker.memberId]);
  }
  const buddies = new Map<number, TeamUp[]>();
  for (const seeker of pathless) {
    const list = buddies.get(seeker.memberId) ?? [];
    for (const other of seekersByCompany.get(seeker.companyId) ?? []) {
      if (list.length >= 3) break;
      if (other === seeker.memberId || input.skipTeamUps?.has(seeker.memberId, other, seeker.companyId)) continue;
      if (!list.some((b) => b.memberId === other)) list.push({ memberId: other, companyId: seeker.companyId });
    }
    if (list.length) buddies.set(seeker.memberId, list);
  }
  return { suggestions, buddies };
}

/** A member's matches of the week as the outbox keeps them, until delivery writes them out. */
export interface MatchesNote {
  /** Warm paths, best first: [helper's id, helper's name, company, relation]. */
  paths: Array<[helperId: number, helperName: string, company: string, relation: TieRelation]>;
  /** Others aiming at a company nobody has a path to: [their name, company]. */
  teamUps: Array<[name: string, company: string]>;
}

/** The matches message: the greeting, then the warm paths with an Ask button each, then the team-ups. */
export function matchesReply(greeting: Reply, note: MatchesNote): Reply {
  const lines: string[] = [];
  if (note.paths.length) lines.push(`Warm paths to your targets this week:\n${note.paths.map(([, helper, company, relation]) => `• ${helper} ${RELATION_PHRASES[relation]} ${company}`).join("\n")}`);
  if (note.teamUps.length) lines.push(`Aiming at the same companies, with no path yet (team up?):\n${note.teamUps.map(([name, company]) => `• ${name}: ${company}`).join("\n")}`);
  const buttons: Button[] = note.paths
    .map(([helperId, helper, company]) => ({ label: `Ask ${helper} about ${company}`.slice(0, 75), command: `intro ${memberRef(helperId)} ${company}`, style: "primary" as const }))
    .filter((b) => b.command.length <= 100);
  return { ...greeting, text: `${greeting.text}\n${lines.join("\n\n")}`, buttons: [...(greeting.buttons ?? []), ...buttons] };
}
