import type { Db } from "../client.js";
import { companyStore } from "./companies.js";
import { introStore } from "./intros.js";
import { ledgerStore } from "./ledger.js";
import { linkStore } from "./linking.js";
import { memberStore } from "./members.js";
import { networkStore } from "./network.js";
import { outboxStore } from "./outbox.js";
import { personalDataStore } from "./personal-data.js";
import { planStore, type KnownGoals } from "./plans.js";
import { retentionStore } from "./retention.js";
import { schedulingStore } from "./scheduling.js";
import { statsStore } from "./stats.js";
import { dashboardAuthStore } from "./dashboard-auth.js";
import { organiserStore } from "./organisers.js";

export type { ClubRow } from "./clubs.js";
export type { MemberRow } from "./members.js";
export type { IntroRow } from "./intros.js";
export type { WarmPath } from "./network.js";

/**
 * Every query the commands need, bound to one club (and usually one transaction). Nothing here
 * can read or write another club's rows: each query filters on the club id it was built with.
 */
export function createClubStore(db: Db, clubId: number, known: { goals?: KnownGoals | undefined } = {}) {
  return {
    clubId,
    members: memberStore(db, clubId),
    companies: companyStore(db, clubId),
    plans: planStore(db, clubId, known.goals),
    network: networkStore(db, clubId),
    intros: introStore(db, clubId),
    ledger: ledgerStore(db, clubId),
    links: linkStore(db, clubId),
    outbox: outboxStore(db, clubId),
    personalData: personalDataStore(db, clubId),
    scheduling: schedulingStore(db, clubId),
    retention: retentionStore(db, clubId),
    stats: statsStore(db, clubId),
    dashboard: dashboardAuthStore(db, clubId),
    organisers: organiserStore(db, clubId),
  };
}

export type ClubStore = ReturnType<typeof createClubStore>;
