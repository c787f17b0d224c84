import { sql } from "drizzle-orm";
import { createCore, type Core } from "../../src/core/core.js";
import type { ClubRef, Reply } from "../../src/core/types.js";
import { queryRows, type Database } from "../../src/db/client.js";
import { createHttpServer, type HttpServer } from "../../src/http/server.js";
import { createDashboard } from "../../src/dashboard/dashboard.js";
import { createLogger } from "../../src/util/logger.js";
import { CLUB_A, CLUB_B, createHarness, type Harness } from "../support/harness.js";

/** The Monday the seeded club starts, and how many weeks it runs: its last week is the one under way. */
export const FIRST_MONDAY = "2026-09-07T08:00:00Z";
export const SEEDED_WEEKS = 12;

/** What `digest preview` said at the end of each seeded week, by ISO week: the numbers the dashboard must show too. */
export type DigestFields = Record<string, Record<string, string>>;

const fieldsOf = (reply: Reply) => Object.fromEntries((reply.fields ?? []).map((f) => [f.label, f.value]));

/**
 * A club with twelve weeks of life (club A): members who join, set and meet goals, aim for
 * companies, add their networks, ask for and make introductions (open, accepted, declined, met,
 * hired), thank each other and log networking; ana is an organiser. Club B, on the same database,
 * has zed as its organiser. `digest preview` is asked at the end of every week; the harness's clock
 * ends midweek in the last week.
 */
export async function seedClub(h: Harness): Promise<{ digests: DigestFields }> {
  const run = async (user: string, text: string, club: ClubRef = CLUB_A) => {
    const reply = await h.run(user, text, club);
    if (reply.tone === "error") throw new Error(`${user}: ${text} → ${reply.text}`);
    return reply;
  };
  const digests: DigestFields = {};
  h.clock.set(FIRST_MONDAY);
  const members: Array<[string, string]> = [
    ["ana", "Senior data engineer"],
    ["bob", "Engineering manager"],
    ["chen", "Product designer"],
    ["dara", "Data analyst"],
    ["eli", "Frontend developer"],
    ["fay", "Product manager"],
  ];
  for (const [name, headline] of members) await run(name, `join ${headline}`);
  await h.admin("boss", "config organisers @ana");
  await run("ana", "target add Acme interviewing");
  await run("ana", "target add Globex applied");
  await run("chen", "target add Acme researching");
  await run("dara", "target add Umbrella researching");
  await run("bob", "network add Acme works");
  await run("bob", "network add Globex worked");
  await run("fay", "network add Globex knows");
  await run("eli", "network add Umbrella worked");

  for (let week = 0; week < SEEDED_WEEKS; week++) {
    const monday = new Date(new Date(FIRST_MONDAY).getTime() + week * 7 * 86_400_000);
    h.clock.set(monday.toISOString());
    for (const [i, [name]] of members.entries()) {
      if ((i + week) % 4 === 3) continue; // everyone skips a week now and then
      const goals = 1 + ((i + week) % 3);
      for (let g = 1; g <= goals; g++) await run(name, `goal add Week ${week + 1}, goal ${g} for ${name}`);
      h.clock.advance(3 * 86_400_000);
      for (let g = 1; g <= goals; g++) if ((g + i + week) % 2 === 0) await run(name, `goal done ${g}`);
      h.clock.set(monday.toISOString());
    }
    h.clock.advance(86_400_000);
    if (week % 2 === 0) await run(members[week % 6]![0], `log ${["coffee", "outreach", "application"][week % 3]} with someone new`);
    if (week === 1) {
      await run("eli", "target add Hooli applied");
      await run("fay", "target add Initech contacting");
      await run("ana", "intro @bob Acme: could you introduce me to the data team lead?");
      await run("bob", "intro accept 1");
    }
    if (week === 2) {
      await run("chen", "intro @bob Acme: a design contact?");
      await run("bob", "intro accept 2");
      await run("ana", "intro outcome 1 met");
      await run("ana", "thanks @bob referral for the intro");
    }
    if (week === 3) {
      await run("dara", "intro @eli Umbrella: anyone on the analytics team?");
      await run("eli", "intro decline 3 I left too long ago");
      await run("chen", "thanks @bob contact");
    }
    if (week === 4) {
      await run("chen", "intro outcome 2 met");
      await run("fay", "thanks @eli information");
      await run("dara", "target add Stark Industries researching");
    }
    if (week === 5) {
      await run("fay", "intro @bob Acme: who leads product there?");
      await run("bob", "intro accept 4");
      await run("fay", "intro outcome 4 met");
    }
    if (week === 6) {
      await run("ana", "intro outcome 1 hired");
      await run("ana", "win Offer from Acme!");
      await run("ana", "thanks @bob referral");
      await run("dara", "thanks @fay");
    }
    if (week === 7) {
      await run("ana", "intro @fay Globex: who runs data there?");
      await run("fay", "intro accept 5");
      await run("eli", "target stage Hooli interviewing");
    }
    if (week === 8) {
      await run("chen", "intro @fay Globex: a design lead?");
      await run("fay", "intro accept 6");
      await run("chen", "thanks @fay contact");
    }
    if (week === 9) {
      await run("chen", "intro outcome 6 met");
      await run("chen", "thanks @fay connection");
      await run("bob", "thanks @chen information");
      await run("eli", 'goal add =HYPERLINK("http://evil.example","click"), then "more"');
    }
    if (week === 10) {
      await run("eli", "intro @bob Globex: anyone in engineering?");
      await run("bob", "intro accept 7");
      await run("eli", "intro outcome 7 no-show");
      await run("eli", "thanks @bob information");
    }
    if (week === SEEDED_WEEKS - 1) {
      await run("dara", "intro @fay Globex: could you pass on my CV?");
      await run("eli", "target stage Hooli offer");
    }
    // The end of the week, or midweek for the week under way: what the digest says there.
    h.clock.set(new Date(monday.getTime() + (week === SEEDED_WEEKS - 1 ? 2.5 : 6.6) * 86_400_000).toISOString());
    const preview = await h.admin("boss", "digest preview");
    const title = preview.title ?? "";
    digests[title.replace(/^Weekly digest · /, "")] = fieldsOf(preview);
  }
  // Club B, on the same database: its own organiser, its own data.
  await h.run("zed", "join Secret agent", CLUB_B);
  await h.run("zed", "network add Acme works", CLUB_B);
  await h.run("zed", "goal add Club B goal", CLUB_B);
  await h.admin("yan", "config organisers @zed", CLUB_B);
  return { digests };
}

export interface DashboardWorld {
  h: Harness;
  core: Core;
  web: HttpServer;
  base: string;
  digests: DigestFields;
  /** A fresh sign-in link for a member, as `dashboard` gives it (admin: as a workspace admin). */
  link(user: string, options?: { club?: ClubRef; admin?: boolean }): Promise<string>;
  clubId(club: ClubRef): Promise<number>;
  close(): Promise<void>;
}

/** The seeded club, the real core with its web settings, and the dashboard on a real HTTP server on 127.0.0.1. */
export async function startWorld(database: Database, options: { secret?: string } = {}): Promise<DashboardWorld> {
  const h = createHarness(database);
  const { digests } = await seedClub(h);
  const logger = createLogger({ level: "warn", write: (line) => h.logs.push(line) });
  const web = createHttpServer({ port: 0, host: "127.0.0.1", logger });
  await web.listen();
  const base = `http://127.0.0.1:${web.address()!.port}`;
  web.route(createDashboard({ db: database.db, logger, publicUrl: base, clock: h.clock, ...(options.secret ? { secret: options.secret } : {}) }).route);
  const core = createCore({ db: database.db, logger, clock: h.clock, web: { publicUrl: base, ...(options.secret ? { dashboardSecret: options.secret } : {}) } });
  return {
    h,
    core,
    web,
    base,
    digests,
    async link(user, { club = CLUB_A, admin = false } = {}) {
      const reply = await core.handle({ club, actor: { platformUserId: user, displayName: user, isPlatformAdmin: admin }, via: "text", text: "dashboard" });
      const url = reply.links?.[0]?.url;
      if (!url) throw new Error(`no link for ${user}: ${reply.text}`);
      return url;
    },
    async clubId(club) {
      const [row] = await queryRows<{ club_id: number }>(database.db, sql`select club_id from club_links where platform = ${club.platform} and external_id = ${club.externalId}`);
      return Number(row!.club_id);
    },
    close: () => web.close(),
  };
}
