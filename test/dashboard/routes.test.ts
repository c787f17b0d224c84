import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sql } from "drizzle-orm";
import { backends } from "../support/databases.js";
import { CLUB_A, CLUB_B } from "../support/harness.js";
import { queryRows, type Database } from "../../src/db/client.js";
import { createClubStore } from "../../src/db/store/club-store.js";
import { clubWeeks } from "../../src/core/services/club-weeks.js";
import { findClub } from "../../src/db/store/clubs.js";
import { SEEDED_WEEKS, startWorld, type DashboardWorld } from "./world.js";

/** A response's cookies as `name=value`, by name, and each Set-Cookie line whole. */
function cookiesOf(res: Response): { pairs: Record<string, string>; lines: string[] } {
  const lines = res.headers.getSetCookie();
  const pairs: Record<string, string> = {};
  for (const line of lines) {
    const [pair] = line.split(";");
    const eq = pair!.indexOf("=");
    pairs[pair!.slice(0, eq)] = pair!.slice(eq + 1);
  }
  return { pairs, lines };
}

const form = (fields: Record<string, string>) => new URLSearchParams(fields).toString();
const FORM = { "content-type": "application/x-www-form-urlencoded" };

/** GET the link as a browser does, then post its form back: the sign-in response (a 303 when it worked). */
async function signIn(world: DashboardWorld, url: string): Promise<Response> {
  const page = await fetch(url);
  if (page.status !== 200) return page;
  const body = await page.text();
  const check = /name="check" value="([^"]+)"/.exec(body)![1]!;
  const token = new URL(url).searchParams.get("token")!;
  return fetch(`${world.base}/dashboard/sign-in`, {
    method: "POST",
    redirect: "manual",
    headers: { ...FORM, cookie: `warmpath_sign_in=${cookiesOf(page).pairs.warmpath_sign_in}`, "sec-fetch-site": "same-origin" },
    body: form({ token, check }),
  });
}

/** A signed-in session's cookie header, for a member's fresh link. */
async function session(world: DashboardWorld, user: string, options: { club?: typeof CLUB_A; admin?: boolean } = {}): Promise<string> {
  const res = await signIn(world, await world.link(user, options));
  expect(res.status).toBe(303);
  return `warmpath_session=${cookiesOf(res).pairs.warmpath_session}`;
}

describe.each(backends)("the organisers' dashboard over HTTP ($name)", (backend) => {
  let database: Database;
  let world: DashboardWorld;
  let clubA: number;
  let clubB: number;
  let ana: string;
  const page = (path: string, cookie?: string, init: RequestInit = {}) =>
    fetch(`${world.base}${path}`, { redirect: "manual", ...init, headers: { ...(cookie ? { cookie } : {}), ...(init.headers as Record<string, string> | undefined) } });
  const memberId = async (name: string, club = clubA) => {
    const [row] = await queryRows<{ id: number }>(database.db, sql`select id from members where club_id = ${club} and display_name = ${name}`);
    return row ? Number(row.id) : undefined;
  };
  /** The anti-forgery token of a session, as its pages carry it. */
  const csrfOf = async (cookie: string) => {
    const html = await (await page(`/dashboard/${clubA}/people`, cookie)).text();
    return /name="csrf" value="([^"]+)"/.exec(html)![1]!;
  };
  const act = (cookie: string, fields: Record<string, string>, headers: Record<string, string> = { "sec-fetch-site": "same-origin" }) =>
    page(`/dashboard/${clubA}/people`, cookie, { method: "POST", headers: { ...FORM, ...headers }, body: form(fields) });

  beforeAll(async () => {
    database = await backend.open();
    world = await startWorld(database);
    clubA = await world.clubId(CLUB_A);
    clubB = await world.clubId(CLUB_B);
    ana = await session(world, "ana");
  });
  afterAll(async () => {
    await world?.close();
    await database?.close();
  });

  it("`dashboard` gives an organiser a private one-time link with a button; others a private refusal", async () => {
    const reply = await world.core.handle({ club: CLUB_A, actor: { platformUserId: "ana", displayName: "ana" }, via: "text", text: "dashboard" });
    expect(reply.visibility).toBe("private");
    expect(reply.tone).not.toBe("error");
    const url = reply.links![0]!.url;
    expect(url.startsWith(`${world.base}/dashboard/sign-in?token=`)).toBe(true);
    expect(reply.text).toContain(url);
    expect(reply.text).toContain("15 minutes");
    const refused = await world.core.handle({ club: CLUB_A, actor: { platformUserId: "bob", displayName: "bob" }, via: "text", text: "dashboard" });
    expect(refused).toMatchObject({ visibility: "private", tone: "error" });
    expect(refused.text).toContain("Only the club's organisers");
    expect(refused.links).toBeUndefined();
  });

  it("the sign-in page checks the link, uses nothing yet, and sends the browser on with a form", async () => {
    const url = await world.link("ana");
    const res = await fetch(url);
    expect(res.status).toBe(200);
    const body = await res.text();
    expect(body).toContain('<form id="sign-in" method="post" action="/dashboard/sign-in">');
    expect(res.headers.get("content-security-policy")).toContain("frame-ancestors 'none'");
    expect(res.headers.get("content-security-policy")).toContain("script-src 'self'");
    expect(res.headers.get("content-security-policy")).not.toContain("unsafe-inline");
    expect(res.headers.get("referrer-policy")).toBe("no-referrer");
    expect(res.headers.get("x-content-type-options")).toBe("nosniff");
    expect(res.headers.get("cache-control")).toBe("no-store");
    // A link preview fetching the link twice doesn't use it up.
    expect((await fetch(url)).status).toBe(200);
    expect((await signIn(world, url)).status).toBe(303);
  });

  it("signing in sets an HttpOnly SameSite cookie for the club's path and leaves the token behind", async () => {
    const res = await signIn(world, await world.link("ana"));
    expect(res.status).toBe(303);
    expect(res.headers.get("location")).toBe(`/dashboard/${clubA}/weeks`);
    const line = cookiesOf(res).lines.find((l) => l.startsWith("warmpath_session="))!;
    expect(line).toContain("HttpOnly");
    expect(line).toContain("SameSite=Lax");
    expect(line).toContain(`Path=/dashboard/${clubA}`);
    expect(line).toMatch(/Max-Age=28800/);
    expect(line).not.toContain("Secure"); // http here; Secure when PUBLIC_URL is https
    const [stored] = await queryRows<{ token_hash: string; n: number }>(database.db, sql`select token_hash, count(*) over ()::int as n from dashboard_sessions where club_id = ${clubA} limit 1`);
    expect(stored!.token_hash).toMatch(/^[0-9a-f]{64}$/);
    expect(line).not.toContain(stored!.token_hash);
  });

  it("a used link is refused, on the page and on the form", async () => {
    const url = await world.link("ana");
    const first = await fetch(url);
    const check = /name="check" value="([^"]+)"/.exec(await first.text())![1]!;
    expect((await signIn(world, url)).status).toBe(303);
    const again = await fetch(url);
    expect(again.status).toBe(410);
    expect(await again.text()).toContain("was used already");
    // Posting the form of the page opened before the first use: still once only.
    const replay = await fetch(`${world.base}/dashboard/sign-in`, {
      method: "POST",
      redirect: "manual",
      headers: { ...FORM, cookie: `warmpath_sign_in=${check}` },
      body: form({ token: new URL(url).searchParams.get("token")!, check }),
    });
    expect(replay.status).toBe(410);
    expect(cookiesOf(replay).pairs.warmpath_session).toBeUndefined();
  });

  it("two browsers racing with one link: exactly one is signed in", async () => {
    const url = await world.link("ana");
    const page1 = await fetch(url);
    const check = /name="check" value="([^"]+)"/.exec(await page1.text())![1]!;
    const token = new URL(url).searchParams.get("token")!;
    const post = () =>
      fetch(`${world.base}/dashboard/sign-in`, { method: "POST", redirect: "manual", headers: { ...FORM, cookie: `warmpath_sign_in=${check}` }, body: form({ token, check }) });
    const results = await Promise.all([post(), post(), post(), post()]);
    expect(results.map((r) => r.status).sort()).toEqual([303, 410, 410, 410]);
  });

  it("an expired link is refused", async () => {
    const url = await world.link("ana");
    world.h.clock.advance(15 * 60_000 + 1000);
    try {
      const res = await fetch(url);
      expect(res.status).toBe(410);
      expect(await res.text()).toContain("has expired");
    } finally {
      world.h.clock.advance(-(15 * 60_000 + 1000));
    }
  });

  it("a changed or foreign link is refused: another member, another club, another key", async () => {
    const url = new URL(await world.link("ana"));
    const token = url.searchParams.get("token")!;
    const parts = token.split(".");
    const forged = (i: number, value: string) => `${world.base}/dashboard/sign-in?token=${parts.map((p, j) => (j === i ? value : p)).join(".")}`;
    const bob = await memberId("bob");
    expect((await fetch(forged(2, String(bob)))).status).toBe(400); // another member
    expect((await fetch(forged(1, String(clubB)))).status).toBe(400); // another club
    expect((await fetch(forged(3, "a"))).status).toBe(400); // an admin's link
    // zed's link (club B) signs in to club B only.
    const zed = await signIn(world, await world.link("zed", { club: CLUB_B }));
    expect(zed.headers.get("location")).toBe(`/dashboard/${clubB}/weeks`);
    expect((await fetch(`${world.base}/dashboard/sign-in?token=nonsense`)).status).toBe(400);
    expect((await fetch(`${world.base}/dashboard/sign-in`)).status).toBe(400);
  });

  it("without a session every page answers 401 with how to sign in", async () => {
    for (const path of ["weeks", "funnel", "people", "intros", "download", "download/members.csv"]) {
      const res = await page(`/dashboard/${clubA}/${path}`);
      expect(res.status, path).toBe(401);
      const body = await res.text();
      expect(body).toContain("Please sign in");
      expect(body).toContain("/jobclub dashboard");
      expect(body).not.toContain("ana");
    }
    expect((await page(`/dashboard/${clubA}/weeks`, "warmpath_session=forged-token")).status).toBe(401);
    expect((await page(`/dashboard/${clubA}/people`, undefined, { method: "POST", headers: FORM, body: "action=remove" })).status).toBe(401);
  });

  it("another club's cookie opens nothing here", async () => {
    const zed = await session(world, "zed", { club: CLUB_B });
    const mine = await page(`/dashboard/${clubB}/people`, zed);
    expect(mine.status).toBe(200);
    expect(await mine.text()).toContain("zed");
    for (const path of ["weeks", "people", "download/members.csv"]) {
      const res = await page(`/dashboard/${clubA}/${path}`, zed);
      expect(res.status, path).toBe(401);
      expect(await res.text()).not.toContain("bob");
    }
    // And ana's (club A) cookie opens nothing of club B's.
    expect((await page(`/dashboard/${clubB}/people`, ana)).status).toBe(401);
  });

  it("every signed-in page renders, privately, with the security headers", async () => {
    for (const path of ["weeks", "funnel", "people", "intros", "download"]) {
      const res = await page(`/dashboard/${clubA}/${path}`, ana);
      expect(res.status, path).toBe(200);
      expect(res.headers.get("cache-control")).toBe("no-store");
      expect(res.headers.get("content-security-policy")).toContain("default-src 'none'");
      expect(res.headers.get("x-frame-options")).toBe("DENY");
      const body = await res.text();
      expect(body).toContain('<a class="skip" href="#main">Skip to content</a>');
      expect(body).toContain(`href="/dashboard/${clubA}/${path}" aria-current="page"`);
      expect(body).not.toMatch(/<script(?![^>]*src=)/); // no inline script anywhere
      expect(body).not.toContain("zed"); // nothing of club B
    }
    expect((await page(`/dashboard/${clubA}`, ana)).headers.get("location")).toBe(`/dashboard/${clubA}/weeks`);
  });

  it("the weeks page draws the charts, and this week's numbers are the digest's", async () => {
    const body = await (await page(`/dashboard/${clubA}/weeks?weeks=26`, ana)).text();
    expect(body.match(/<svg class="chart"/g)).toHaveLength(5);
    expect(body.match(/<rect class="bar s0"/g)!.length).toBeGreaterThan(20);
    expect(body).toContain('<polyline class="line"');
    const tile = (label: string) => new RegExp(`<span class="n">([^<]+)</span><span class="k">${label}</span>`).exec(body)?.[1];
    const digest = Object.values(world.digests).at(-1)!;
    const goals = /^(\d+) of (\d+) goals? met/.exec(digest["🎯 Goals"]!) ?? /^(\d+) goals? set/.exec(digest["🎯 Goals"]!);
    expect(goals, digest["🎯 Goals"]).not.toBeNull();
    expect(tile("goals met / set")).toBe(goals![2] ? `${goals![1]} / ${goals![2]}` : `0 / ${goals![1]}`);
    const intros = /^(\d+) requested · (\d+) accepted · (\d+) meetings? reported/.exec(digest["🤝 Introductions"]!)!;
    expect(tile("intros requested")).toBe(intros[1]);
    expect(tile("intros accepted")).toBe(intros[2]);
    expect(tile("meetings reported")).toBe(intros[3]);
    expect(Number(tile("intros requested"))).toBeGreaterThan(0);
    // The week's series in the tables are the clubWeeks figures, and the range selector says 26.
    expect(body).toContain('<a href="?weeks=26" aria-current="page">26 weeks</a>');
    expect(body).toMatch(/from 20\d\d-W\d\d to 20\d\d-W\d\d/);
  });

  it("every seeded week's figures equal what `digest preview` said at the end of that week", async () => {
    const club = (await findClub(database.db, CLUB_A))!;
    const weeks = await clubWeeks(createClubStore(database.db, club.id), club, world.h.clock.now(), SEEDED_WEEKS);
    expect(Object.keys(world.digests)).toEqual(weeks.map((w) => w.week));
    let checked = 0;
    for (const w of weeks) {
      const d = world.digests[w.week]!;
      const intros = /^(\d+) requested · (\d+) accepted · (\d+) meetings? reported(?: · (\d+) hires?)?/.exec(d["🤝 Introductions"]!)!;
      expect([w.intros.requested, w.intros.accepted, w.intros.met, w.intros.hired], w.week).toEqual([1, 2, 3, 4].map((i) => Number(intros[i] ?? 0)));
      const goals = d["🎯 Goals"]!;
      const met = /^(\d+) of (\d+) goals? met/.exec(goals);
      if (met) expect([w.goals.met, w.goals.set], w.week).toEqual([Number(met[1]), Number(met[2])]);
      else if (/goals? set this week/.test(goals)) expect([w.goals.met, w.goals.set]).toEqual([0, Number(/^(\d+)/.exec(goals)![1])]);
      else expect(w.goals.set).toBe(0);
      const logged = d["📈 Networking logged"];
      expect(w.activities, w.week).toBe(logged ? Number(/^(\d+)/.exec(logged)![1]) : 0);
      const newTargets = d["🏢 New target companies"];
      expect(w.newTargetCompanies, w.week).toBe(newTargets ? newTargets.split(", ").length : 0);
      checked += w.intros.requested + w.goals.set;
    }
    expect(checked).toBeGreaterThan(30);
  });

  it("the funnel counts targets by stage and lists the open asks the digest asks about", async () => {
    const body = await (await page(`/dashboard/${clubA}/funnel`, ana)).text();
    const [{ n }] = (await queryRows<{ n: number }>(database.db, sql`select count(*)::int as n from targets where club_id = ${clubA} and stage = 'interviewing'`)) as [{ n: number }];
    expect(body).toContain(`<th scope="row">Interviewing</th><td class="num">${n}</td>`);
    // Stark Industries: dara seeks it, nobody has a path there: an open ask, as in the digest.
    expect(body).toMatch(/<th scope="row">Stark Industries<span class="badge open">open ask<\/span><\/th><td class="num">1<\/td><td class="num">0<\/td>/);
    const digestAsks = Object.values(world.digests).at(-1)!["🙋 Who knows someone at…?"]!;
    expect(digestAsks).toContain("Stark Industries");
    const tile = /<span class="n">(\d+)<\/span><span class="k">open asks/.exec(body)![1]!;
    expect(Number(tile)).toBe(digestAsks.split("\n").filter((l) => l.startsWith("• ")).length);
  });

  it("people: the member list sorts on the server by each column", async () => {
    const names = (html: string) => [...html.matchAll(/<th scope="row">([a-z]+)(?:<span class="badge">organiser<\/span>)?<\/th>/g)].map((m) => m[1]);
    const byName = names(await (await page(`/dashboard/${clubA}/people?sort=name&dir=asc`, ana)).text());
    expect(byName).toEqual([...byName].sort());
    expect(byName).toContain("ana");
    const desc = names(await (await page(`/dashboard/${clubA}/people?sort=name&dir=desc`, ana)).text());
    expect(desc).toEqual([...byName].reverse());
    const byGoals = await (await page(`/dashboard/${clubA}/people?sort=goals-met&dir=desc`, ana)).text();
    const counts = [...byGoals.matchAll(/<\/td>\n<td class="num">(\d+)<\/td>\n<td class="num">\d+<\/td>\n<td class="num">\d+<\/td>/g)].map((m) => Number(m[1]));
    expect(counts.length).toBe(byName.length);
    expect(counts).toEqual([...counts].sort((a, b) => b - a));
    expect(byGoals).toContain('aria-sort="descending"><a href="?sort=goals-met&amp;dir=asc">Goals met ▼');
    // Intros given: bob made four accepted introductions; nobody made more.
    expect(names(await (await page(`/dashboard/${clubA}/people?sort=intros-given&dir=desc`, ana)).text())[0]).toBe("bob");
    // Unknown columns fall back to the name.
    expect(names(await (await page(`/dashboard/${clubA}/people?sort=password`, ana)).text())).toEqual(byName);
  });

  it("intros: open requests with their age and who they wait on; outcomes", async () => {
    const body = await (await page(`/dashboard/${clubA}/intros`, ana)).text();
    expect(body).toMatch(/<td>8<\/td><td>dara<\/td><td><strong>fay<\/strong><\/td><td>Globex<\/td><td>connection<\/td><td>\d+ (hours|days?) ago<\/td>/);
    expect(body).toMatch(/<td>5<\/td><td>ana<\/td><td>fay<\/td><td>Globex<\/td>/); // accepted, no report yet
    expect(body).toContain('<th scope="row">reported no-show</th><td class="num">1</td>');
    expect(body).toContain('<th scope="row">reported hired</th><td class="num">1</td>');
    expect(body).toContain('<th scope="row">declined</th><td class="num">1</td>');
  });

  it("CSV downloads: one file per table, names beside ids, escaped, formulas defused", async () => {
    const res = await page(`/dashboard/${clubA}/download/goals.csv`, ana);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("text/csv; charset=utf-8");
    expect(res.headers.get("content-disposition")).toMatch(/^attachment; filename="warmpath-club-a-goals-\d{4}-\d{2}-\d{2}\.csv"$/);
    const bytes = Buffer.from(await res.arrayBuffer());
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]); // a byte-order mark: spreadsheets read UTF-8
    const text = bytes.subarray(3).toString("utf8");
    expect(text.startsWith("id,member_id,member,week,text,done,done_at,created_at\r\n")).toBe(true);
    // A comma and quotes are quoted; the formula gets an apostrophe first.
    expect(text).toContain(`,eli,2026-W46,"'=HYPERLINK(""http://evil.example"",""click""), then ""more""",false,,`);
    expect(text).toMatch(/\r\n\d+,\d+,ana,2026-W37,"Week 1, goal 1 for ana",(true|false),/);
    const [{ n }] = (await queryRows<{ n: number }>(database.db, sql`select count(*)::int as n from goals where club_id = ${clubA}`)) as [{ n: number }];
    expect(text.trim().split("\r\n")).toHaveLength(n + 1);
    expect(text).not.toContain("Club B goal");

    const intros = await (await page(`/dashboard/${clubA}/download/intros.csv`, ana)).text();
    const bob = await memberId("bob");
    expect(intros).toMatch(new RegExp(`\\r\\n1,\\d+,ana,${bob},bob,\\d+,Acme,connection,accepted,hired,20`));
    expect(intros).not.toContain("data team lead"); // the ask is between the two members
    const thanks = await (await page(`/dashboard/${clubA}/download/thanks.csv`, ana)).text();
    expect(thanks.split("\r\n")[0]).toBe("id,from_member_id,from_member,to_member_id,to_member,kind,intro_number,created_at");
    expect(thanks).not.toContain("for the intro"); // a thank-you's note is the helper's
    const expected: Record<string, string> = { members: ",ana,Senior data engineer,", targets: ",ana,", ties: ",bob," };
    for (const [table, row] of Object.entries(expected)) {
      const csv = await (await page(`/dashboard/${clubA}/download/${table}.csv`, ana)).text();
      expect(csv, table).toContain(row);
    }
    expect((await page(`/dashboard/${clubA}/download/secrets.csv`, ana)).status).toBe(404);
  });

  it("a form without the session's token, or from another site, changes nothing", async () => {
    const chen = String(await memberId("chen"));
    const csrf = await csrfOf(ana);
    expect((await act(ana, { action: "pause", member: chen })).status).toBe(403);
    expect((await act(ana, { action: "pause", member: chen, csrf: "x".repeat(csrf.length) })).status).toBe(403);
    expect((await act(ana, { action: "pause", member: chen, csrf }, { "sec-fetch-site": "cross-site" })).status).toBe(403);
    expect((await act(ana, { action: "pause", member: chen, csrf }, { origin: "https://evil.example" })).status).toBe(403);
    // Another session's token is not this one's.
    const other = await session(world, "ana");
    expect((await act(ana, { action: "pause", member: chen, csrf: await csrfOf(other) })).status).toBe(403);
    const [row] = await queryRows<{ status: string }>(database.db, sql`select status from members where id = ${Number(chen)}`);
    expect(row!.status).toBe("searching");
    expect((await page(`/dashboard/${clubA}/sign-out`, ana, { method: "POST", headers: FORM, body: "" })).status).toBe(403);
  });

  it("pause (until a date) and resume, through the same rules as the chat commands", async () => {
    const chen = String(await memberId("chen"));
    const csrf = await csrfOf(ana);
    const paused = await act(ana, { action: "pause", member: chen, csrf, until: "2026-12-24", sort: "name", dir: "desc" });
    expect(paused.status).toBe(303);
    expect(paused.headers.get("location")).toBe(`/dashboard/${clubA}/people?sort=name&dir=desc`);
    const flash = cookiesOf(paused).pairs.warmpath_flash!;
    const [row] = await queryRows<{ status: string; paused_until: string | Date; status_before_pause: string }>(
      database.db,
      sql`select status, paused_until, status_before_pause from members where id = ${Number(chen)}`,
    );
    expect(row!.status).toBe("paused");
    expect(new Date(row!.paused_until).toISOString()).toBe("2026-12-24T00:00:00.000Z");
    expect(row!.status_before_pause).toBe("searching");
    const after = await (await page(`/dashboard/${clubA}/people`, `${ana}; warmpath_flash=${flash}`)).text();
    expect(after).toContain('role="status">Paused chen until 2026-12-24.</p>');
    expect(after).toMatch(/<td>paused until [^<]*24 Dec[^<]* 2026<\/td>/);
    // A date in the past, or beyond a year, is refused the way `snooze` refuses it.
    const past = await act(ana, { action: "pause", member: chen, csrf, until: "2020-01-01" });
    expect(decodeURIComponent(cookiesOf(past).pairs.warmpath_flash!)).toContain("is not in the future");
    expect(decodeURIComponent(cookiesOf(await act(ana, { action: "pause", member: chen, csrf, until: "2030-01-01" })).pairs.warmpath_flash!)).toContain("a year at most");
    expect((await act(ana, { action: "resume", member: chen, csrf })).status).toBe(303);
    const [resumed] = await queryRows<{ status: string }>(database.db, sql`select status from members where id = ${Number(chen)}`);
    expect(resumed!.status).toBe("searching");
  });

  it("organisers are named and un-named here; who stops organising is signed out", async () => {
    const csrf = await csrfOf(ana);
    const bob = await memberId("bob");
    expect((await act(ana, { action: "organise", member: String(bob), csrf })).status).toBe(303);
    const organisers = async () => (await queryRows<{ id: number }>(database.db, sql`select member_id as id from club_organisers where club_id = ${clubA} order by 1`)).map((r) => Number(r.id));
    expect(await organisers()).toContain(bob);
    const bobs = await session(world, "bob");
    expect((await page(`/dashboard/${clubA}/weeks`, bobs)).status).toBe(200);
    // ana can't take herself off here.
    const self = await act(ana, { action: "unorganise", member: String(await memberId("ana")), csrf });
    expect(decodeURIComponent(cookiesOf(self).pairs.warmpath_flash!)).toContain("can't take yourself off");
    expect((await act(ana, { action: "unorganise", member: String(bob), csrf })).status).toBe(303);
    expect(await organisers()).not.toContain(bob);
    expect((await page(`/dashboard/${clubA}/weeks`, bobs)).status).toBe(401);
    // And `config organisers` taking someone off ends their next request too.
    const b2 = await (async () => {
      await world.h.admin("boss", "config organisers @ana @bob");
      return session(world, "bob");
    })();
    await world.h.admin("boss", "config organisers @ana");
    expect((await page(`/dashboard/${clubA}/weeks`, b2)).status).toBe(403);
  });

  it("two organisers naming two others at the same moment: both are named", async () => {
    const boss = await session(world, "boss", { admin: true });
    const [anaCsrf, bossCsrf] = [await csrfOf(ana), await csrfOf(boss)];
    const [eli, fay] = [await memberId("eli"), await memberId("fay")];
    const post = (cookie: string, csrf: string, member: number | undefined) =>
      page(`/dashboard/${clubA}/people`, cookie, { method: "POST", headers: { ...FORM, "sec-fetch-site": "same-origin" }, body: form({ action: "organise", member: String(member), csrf }) });
    const results = await Promise.all([post(ana, anaCsrf, eli), post(boss, bossCsrf, fay)]);
    expect(results.map((r) => r.status)).toEqual([303, 303]);
    const organisers = (await queryRows<{ id: number }>(database.db, sql`select member_id as id from club_organisers where club_id = ${clubA}`)).map((r) => Number(r.id));
    expect(organisers).toEqual(expect.arrayContaining([await memberId("ana"), eli, fay]));
    await world.h.admin("boss", "config organisers @ana");
  });

  it("a workspace admin's link works without being on the organiser list", async () => {
    const boss = await session(world, "boss", { admin: true });
    expect((await page(`/dashboard/${clubA}/funnel`, boss)).status).toBe(200);
  });

  it("remove asks first, then deletes the member as forget-me does; not yourself, not an organiser", async () => {
    const csrf = await csrfOf(ana);
    const dara = await memberId("dara");
    const confirm = await act(ana, { action: "remove", member: String(dara), csrf });
    expect(confirm.status).toBe(200);
    const body = await confirm.text();
    expect(body).toContain("<h1>Remove dara?</h1>");
    expect(body).toContain('name="confirm" value="yes"');
    expect(await memberId("dara")).toBe(dara);
    const removed = await act(ana, { action: "remove", member: String(dara), csrf, confirm: "yes" });
    expect(removed.status).toBe(303);
    expect(decodeURIComponent(cookiesOf(removed).pairs.warmpath_flash!)).toMatch(/Removed dara \(\d+ records deleted\)\./);
    expect(await memberId("dara")).toBeUndefined();
    const left = await queryRows(database.db, sql`select 1 from intros where club_id = ${clubA} and (requester_id = ${dara!} or helper_id = ${dara!})`);
    expect(left).toHaveLength(0);
    // Like forget-me: a read or click doesn't bring dara back; only `join` does.
    expect((await world.h.run("dara", "goal list")).text).toContain("forget");
    const self = await act(ana, { action: "remove", member: String(await memberId("ana")), csrf, confirm: "yes" });
    expect(decodeURIComponent(cookiesOf(self).pairs.warmpath_flash!)).toContain("forget-me");
    await world.h.admin("boss", "config organisers @ana @fay");
    const fay = await act(ana, { action: "remove", member: String(await memberId("fay")), csrf, confirm: "yes" });
    expect(decodeURIComponent(cookiesOf(fay).pairs.warmpath_flash!)).toContain("fay is an organiser");
    expect(await memberId("fay")).toBeDefined();
  });

  it("sign-out ends the session: the cookie is cleared and no longer opens anything", async () => {
    const mine = await session(world, "ana");
    const csrf = await csrfOf(mine);
    const out = await page(`/dashboard/${clubA}/sign-out`, mine, { method: "POST", headers: { ...FORM, "sec-fetch-site": "same-origin" }, body: form({ csrf }) });
    expect(out.status).toBe(303);
    expect(out.headers.get("location")).toBe("/dashboard/signed-out");
    expect(cookiesOf(out).lines.find((l) => l.startsWith("warmpath_session="))).toContain("Max-Age=0");
    expect((await page(`/dashboard/${clubA}/weeks`, mine)).status).toBe(401);
    expect((await page(`/dashboard/${clubA}/weeks`, ana)).status).toBe(200); // other sessions go on
  });

  it("the stylesheet and sign-in script are served for good under their hash; nothing else is", async () => {
    const html = await (await page(`/dashboard/${clubA}/weeks`, ana)).text();
    const css = /href="(\/dashboard\/assets\/dashboard\.[0-9a-f]{12}\.css)"/.exec(html)![1]!;
    const res = await page(css);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("text/css; charset=utf-8");
    expect(res.headers.get("cache-control")).toContain("immutable");
    expect((await page("/dashboard/assets/dashboard.000000000000.css")).status).toBe(404);
    expect((await page(`/dashboard/${clubA}/nowhere`, ana)).status).toBe(404);
    expect((await page("/dashboard/99999999999/weeks", ana)).status).toBe(404);
  });
});
