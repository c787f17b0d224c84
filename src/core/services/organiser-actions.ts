import type { ClubStore, MemberRow } from "../../db/store/club-store.js";
import { UserError } from "../errors.js";
import { checkPauseEnd, pausePatch } from "./pauses.js";

/**
 * What an organiser may do to other members (from the dashboard): pause and resume them, remove
 * them, name and un-name organisers. The same rules hold wherever it is asked from, checked here
 * against the database in the caller's transaction.
 */
export interface OrganiserScope {
  store: ClubStore;
  /** The organiser acting. */
  actor: MemberRow;
  /** The actor is a workspace/server admin, who stays allowed without being on the organiser list. */
  viaAdmin: boolean;
  now: Date;
}

async function memberOf(scope: OrganiserScope, memberId: number): Promise<MemberRow> {
  const member = await scope.store.members.get(memberId);
  if (!member) throw new UserError("MEMBER.NOT_FOUND", "That member is no longer in the club.");
  return member;
}

/** Pauses a member (no prompts, no match suggestions, not suggested as a helper) until a date, or until resumed. */
export async function pauseMember(scope: OrganiserScope, memberId: number, until: { typed: string; end: Date | undefined } | undefined): Promise<MemberRow> {
  const member = await memberOf(scope, memberId);
  if (until) checkPauseEnd(until.typed, until.end, scope.now, "a date within a year");
  return scope.store.members.update(member.id, pausePatch(member, until?.end ?? null), scope.now);
}

/** Ends a member's pause: the status from before it comes back. */
export async function resumeMember(scope: OrganiserScope, memberId: number): Promise<MemberRow> {
  const member = await memberOf(scope, memberId);
  if (member.status !== "paused") throw new UserError("MEMBER.NOT_PAUSED", `${member.displayName} is not paused.`);
  return scope.store.members.endPause(member, scope.now);
}

/**
 * Removes a member from the club the way `forget-me` does: every row about them is deleted, and
 * their accounts are remembered (as a hash) so that only an explicit `join` brings them back.
 * Not yourself (that is `forget-me`), and not an organiser (they stop organising first).
 */
export async function removeMember(scope: OrganiserScope, memberId: number): Promise<{ member: MemberRow; records: number }> {
  const member = await memberOf(scope, memberId);
  if (member.id === scope.actor.id) throw new UserError("MEMBER.REMOVE_SELF", "You can't remove yourself here: `forget-me` deletes your own data.");
  const organisers = await scope.store.scheduling.organisers();
  if (organisers.some((o) => o.memberId === member.id)) {
    throw new UserError("MEMBER.REMOVE_ORGANISER", `${member.displayName} is an organiser: take them off the organiser list first.`);
  }
  const records = await forgetMember(scope.store, member.id, scope.now);
  return { member, records };
}

/** Deletes everything about a member and remembers their accounts' hashes: `forget-me` and removal alike. Returns the rows deleted. */
export async function forgetMember(store: ClubStore, memberId: number, now: Date): Promise<number> {
  // Remembered first, so nothing but an explicit `join` makes these accounts a member again.
  await store.members.markForgotten(memberId, now);
  const counts = await store.personalData.forget(memberId);
  return Object.values(counts).reduce((a, b) => a + b, 0);
}

/**
 * Puts a member on the organiser list or takes them off it. You can't take yourself off here (you
 * would be signed out mid-page): another organiser can, or `config organisers`.
 */
export async function setOrganiser(scope: OrganiserScope, memberId: number, organiser: boolean): Promise<MemberRow> {
  const member = await memberOf(scope, memberId);
  if (!organiser && member.id === scope.actor.id && !scope.viaAdmin) {
    throw new UserError("CONFIG.ORGANISER_SELF", "You can't take yourself off the organiser list here: another organiser can, or use `config organisers`.");
  }
  if (organiser) await scope.store.organisers.add(member.id, scope.now);
  else await scope.store.organisers.remove(member.id);
  // Someone who no longer organises is signed out of the dashboard everywhere.
  if (!organiser) await scope.store.dashboard.endSessionsOf(member.id);
  return member;
}
