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

/**
 * Network ties as columns, one entry per tie: a large club has a million, which as objects would
 * cost more to build and collect than ranking them takes. `relations` index TIE_RELATIONS.
 */
export interface TieColumns {
  memberIds: Int32Array;
  companyIds: Int32Array;
  relations: Uint8Array;
}

/** The relations in the order `TieColumns.relations` numbers them. */
export const TIE_RELATIONS: readonly TieRelation[] = ["works", "worked", "knows"];

/** Ties as columns. */
export function tieColumns(ties: readonly HelperTie[]): TieColumns {
  const columns = { memberIds: new Int32Array(ties.length), companyIds: new Int32Array(ties.length), relations: new Uint8Array(ties.length) };
  ties.forEach((tie, i) => {
    columns.memberIds[i] = tie.memberId;
    columns.companyIds[i] = tie.companyId;
    columns.relations[i] = TIE_RELATIONS.indexOf(tie.relation);
  });
  return columns;
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
  ties: TieColumns;
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
const STRENGTH_OF_CODE = TIE_RELATIONS.map((r) => STRENGTH[r]);
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
 * Dense numbers (0, 1, 2 ... in order of first sight) for ids, looked up by id: an array over the
 * ids' range when they lie close together (a club's members and companies mostly do), else a Map.
 */
function denseIds(ids: ArrayLike<number>): { of(id: number): number; size: number } {
  let min = Infinity;
  let max = -Infinity;
  for (let i = 0; i < ids.length; i++) {
    min = Math.min(min, ids[i]!);
    max = Math.max(max, ids[i]!);
  }
  let size = 0;
  const span = max - min + 1;
  if (ids.length > 0 && span <= 4 * ids.length + 65_536) {
    const table = new Int32Array(span).fill(-1);
    for (let i = 0; i < ids.length; i++) if (table[ids[i]! - min] === -1) table[ids[i]! - min] = size++;
    return {
      of: (id) => (id >= min && id <= max ? table[id - min]! : -1),
      get size() {
        return size;
      },
    };
  }
  const map = new Map<number, number>();
  for (let i = 0; i < ids.length; i++) if (!map.has(ids[i]!)) map.set(ids[i]!, size++);
  return { of: (id) => map.get(id) ?? -1, size };
}

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
  const { memberIds: tieMember, companyIds: tieCompany, relations: tieRelation } = input.ties;

  // Those who get the message and the companies they aim at, numbered densely; ties elsewhere are
  // never candidates.
  const wanted = input.seekers.filter((s) => receives(s.memberId));
  const companies = denseIds(wanted.map((s) => s.companyId));
  const members = denseIds(wanted.map((s) => s.memberId));
  const companyIds = new Int32Array(companies.size);
  const memberIds = new Int32Array(members.size);
  // Each member's targets, grouped by member: targetStart[m] .. targetStart[m + 1] in targetCompany.
  const targetStart = new Int32Array(members.size + 1);
  const seekerMember = new Int32Array(wanted.length);
  const seekerCompany = new Int32Array(wanted.length);
  for (let j = 0; j < wanted.length; j++) {
    const m = members.of(wanted[j]!.memberId);
    const c = companies.of(wanted[j]!.companyId);
    seekerMember[j] = m;
    seekerCompany[j] = c;
    memberIds[m] = wanted[j]!.memberId;
    companyIds[c] = wanted[j]!.companyId;
    targetStart[m + 1]!++;
  }
  for (let m = 0; m < members.size; m++) targetStart[m + 1]! += targetStart[m]!;
  const targetCompany = new Int32Array(wanted.length);
  const seekerTarget = new Int32Array(wanted.length);
  const filled = targetStart.slice(0, members.size);
  for (let j = 0; j < wanted.length; j++) {
    seekerTarget[j] = filled[seekerMember[j]!]!++;
    targetCompany[seekerTarget[j]!] = seekerCompany[j]!;
  }

  // Ties bucketed by company (counting sort), each bucket sorted by its packed key; a member's own
  // tie at a company they aim at (never a path for them) is marked on the way.
  const start = new Int32Array(companies.size + 1);
  const bucket = new Int32Array(tieMember.length);
  const ownTie = new Uint8Array(wanted.length);
  for (let i = 0; i < tieMember.length; i++) {
    const c = companies.of(tieCompany[i]!);
    bucket[i] = c;
    if (c < 0) continue;
    start[c + 1]!++;
    const m = members.of(tieMember[i]!);
    if (m < 0) continue;
    for (let t = targetStart[m]!; t < targetStart[m + 1]!; t++) if (targetCompany[t] === c) ownTie[t] = 1;
  }
  for (let c = 0; c < companies.size; c++) start[c + 1]! += start[c]!;
  const keys = new Float64Array(start[companies.size]!);
  const fill = start.slice(0, companies.size);
  const bonus = new Map<number, number>();
  for (const [memberId, at] of input.lastHelped) bonus.set(memberId, recencyBonus(at, input.now));
  for (let i = 0; i < tieMember.length; i++) {
    const c = bucket[i]!;
    if (c < 0) continue;
    const score = STRENGTH_OF_CODE[tieRelation[i]!]! + (bonus.size ? (bonus.get(tieMember[i]!) ?? 0) : 0);
    keys[fill[c]!++] = ((SCORE_CEILING - score) * ID_SPAN + tieMember[i]!) * 4 + tieRelation[i]!;
  }
  for (let c = 0; c < companies.size; c++) keys.subarray(start[c], start[c + 1]).sort();
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
  // Helpers numbered densely too: their weekly load is counted in an array.
  const helpers = denseIds(helperAt);
  const helperSlotAt = new Int32Array(keys.length);
  for (let k = 0; k < keys.length; k++) helperSlotAt[k] = helpers.of(helperAt[k]!);
  const load = new Int32Array(helpers.size);
  for (const [helperId, n] of input.helperLoad) {
    const h = helpers.of(helperId);
    if (h >= 0) load[h] = n;
  }

  // Whether a member has a tie at a company, built per company on first need (for paths to skip).
  const helpersOf: Array<Set<number> | undefined> = [];
  const hasTie = (memberId: number, c: number) => (helpersOf[c] ??= new Set(helperAt.subarray(start[c], start[c + 1]))).has(memberId);

  // How many candidates each member has: their companies' ties, less their own, less the paths to
  // skip that are ties there. A company left with none takes no cursor.
  const candidateCount = new Int32Array(members.size);
  const open = new Uint8Array(wanted.length);
  const pathless: Seeker[] = [];
  for (let j = 0; j < wanted.length; j++) {
    const seeker = wanted[j]!;
    const c = seekerCompany[j]!;
    const t = seekerTarget[j]!;
    const paths = start[c + 1]! - start[c]! - ownTie[t]!;
    if (paths === 0) pathless.push(seeker);
    let skipped = 0;
    for (const other of input.skipPairs.others(seeker.memberId, seeker.companyId) ?? []) {
      if (other !== seeker.memberId && hasTie(other, c)) skipped++;
    }
    if (paths - skipped === 0) continue;
    open[t] = 1;
    candidateCount[seekerMember[j]!]! += paths - skipped;
  }

  const order: number[] = [];
  for (let m = 0; m < members.size; m++) if (candidateCount[m]! > 0) order.push(m);
  order.sort((a, b) => candidateCount[a]! - candidateCount[b]! || memberIds[a]! - memberIds[b]!);
  // A cursor per (member, company) into the company's sorted ties; -1 once the company is done. A
  // member takes at most one helper per company, so the helpers they took fit beside the cursors.
  const cursorStart = new Int32Array(order.length + 1);
  for (let o = 0; o < order.length; o++) {
    let n = 0;
    for (let t = targetStart[order[o]!]!; t < targetStart[order[o]! + 1]!; t++) n += open[t]!;
    cursorStart[o + 1] = cursorStart[o]! + n;
  }
  const cursorCompany = new Int32Array(cursorStart[order.length]!);
  const cursor = new Int32Array(cursorStart[order.length]!);
  const taken = new Int32Array(cursorStart[order.length]!);
  for (let o = 0; o < order.length; o++) {
    let slot = cursorStart[o]!;
    for (let t = targetStart[order[o]!]!; t < targetStart[order[o]! + 1]!; t++) {
      if (!open[t]) continue;
      cursorCompany[slot] = targetCompany[t]!;
      cursor[slot++] = start[targetCompany[t]!]!;
    }
  }

  const suggestions: Suggestion[] = [];
  const takenCount = new Int32Array(order.length);
  const done = new Uint8Array(order.length);
  for (let round = 0; round < perMember; round++) {
    for (let o = 0; o < order.length; o++) {
      // A member who found nothing once finds nothing later: every constraint only tightens.
      if (done[o]) continue;
      const memberId = memberIds[order[o]!]!;
      const first = cursorStart[o]!;
      let best = -1;
      let bestSlot = -1;
      for (let slot = first; slot < cursorStart[o + 1]!; slot++) {
        let k = cursor[slot]!;
        if (k < 0) continue;
        const c = cursorCompany[slot]!;
        const end = start[c + 1]!;
        const skip = input.skipPairs.others(memberId, companyIds[c]!);
        for (; k < end; k++) {
          const helper = helperAt[k]!;
          if (helper === memberId || load[helperSlotAt[k]!]! >= cap || skip?.includes(helper)) continue;
          let again = false;
          for (let x = first; x < first + takenCount[o]!; x++) again ||= taken[x] === helperSlotAt[k];
          if (!again) break;
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
        done[o] = 1;
        continue;
      }
      suggestions.push({ memberId, helperId: helperAt[best]!, companyId: companyIds[cursorCompany[bestSlot]!]!, relation: TIE_RELATIONS[relationAt[best]!]!, score: scoreAt[best]! });
      // One suggestion per company and per helper for each member.
      cursor[bestSlot] = -1;
      taken[first + takenCount[o]!++] = helperSlotAt[best]!;
      load[helperSlotAt[best]!]!++;
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

/** The greeting the matches message opens with; matchesReply writes the matches under it. */
export function matchesGreeting(name: string): Reply {
  return { title: "Your matches this week", text: `Hi ${name}!`, visibility: "private", tone: "info" };
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
