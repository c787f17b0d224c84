import type { Db } from "../client.js";
import { companyStore } from "./companies.js";
import { introStore } from "./intros.js";
import { ledgerStore } from "./ledger.js";
import { linkStore } from "./linking.js";
import { memberStore } from "./members.js";
import { networkStore } from "./network.js";
import { fanoutStore } from "./fanouts.js";
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
 *
 * Each part is built the first time a command uses it: a command uses two or three of the fifteen,
 * and building them all (a few hundred functions) was half of what `goal list` allocated besides
 * its rows.
 */
export function createClubStore(db: Db, clubId: number, known: { goals?: KnownGoals | undefined } = {}) {
  let members: ReturnType<typeof memberStore> | undefined;
  let companies: ReturnType<typeof companyStore> | undefined;
  let plans: ReturnType<typeof planStore> | undefined;
  let network: ReturnType<typeof networkStore> | undefined;
  let intros: ReturnType<typeof introStore> | undefined;
  let ledger: ReturnType<typeof ledgerStore> | undefined;
  let links: ReturnType<typeof linkStore> | undefined;
  let outbox: ReturnType<typeof outboxStore> | undefined;
  let fanouts: ReturnType<typeof fanoutStore> | undefined;
  let personalData: ReturnType<typeof personalDataStore> | undefined;
  let scheduling: ReturnType<typeof schedulingStore> | undefined;
  let retention: ReturnType<typeof retentionStore> | undefined;
  let stats: ReturnType<typeof statsStore> | undefined;
  let dashboard: ReturnType<typeof dashboardAuthStore> | undefined;
  let organisers: ReturnType<typeof organiserStore> | undefined;
  return {
    clubId,
    get members() {
      return (members ??= memberStore(db, clubId));
    },
    get companies() {
      return (companies ??= companyStore(db, clubId));
    },
    get plans() {
      return (plans ??= planStore(db, clubId, known.goals));
    },
    get network() {
      return (network ??= networkStore(db, clubId));
    },
    get intros() {
      return (intros ??= introStore(db, clubId));
    },
    get ledger() {
      return (ledger ??= ledgerStore(db, clubId));
    },
    get links() {
      return (links ??= linkStore(db, clubId));
    },
    get outbox() {
      return (outbox ??= outboxStore(db, clubId));
    },
    get fanouts() {
      return (fanouts ??= fanoutStore(db, clubId));
    },
    get personalData() {
      return (personalData ??= personalDataStore(db, clubId));
    },
    get scheduling() {
      return (scheduling ??= schedulingStore(db, clubId));
    },
    get retention() {
      return (retention ??= retentionStore(db, clubId));
    },
    get stats() {
      return (stats ??= statsStore(db, clubId));
    },
    get dashboard() {
      return (dashboard ??= dashboardAuthStore(db, clubId));
    },
    get organisers() {
      return (organisers ??= organiserStore(db, clubId));
    },
  };
}

export type ClubStore = ReturnType<typeof createClubStore>;
