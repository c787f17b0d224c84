import type http from "node:http";
import { createHmac, randomBytes, timingSafeEqual, createHash } from "node:crypto";
import { parse as parseCookies, serialize as serializeCookie, type SerializeOptions } from "cookie";
import type { Db } from "../db/client.js";
import { createClubStore, type ClubRow, type ClubStore, type MemberRow } from "../db/store/club-store.js";
import { clubById } from "../db/store/dashboard-auth.js";
import { clubTables, type ClubTable } from "../db/store/stats.js";
import { isDatabaseUnavailable, isRetryableConflict, isTimeout } from "../db/errors.js";
import { clubLinkKey, readLink, signedBy, type LinkClaims } from "../core/services/dashboard-links.js";
import { pauseMember, removeMember, resumeMember, setOrganiser, type OrganiserScope } from "../core/services/organiser-actions.js";
import { UserError } from "../core/errors.js";
import { parseUntil } from "../core/dates.js";
import { systemClock, type Clock } from "../core/types.js";
import type { HttpRoute } from "../http/server.js";
import type { Logger } from "../util/logger.js";
import { ASSETS } from "./assets.js";
import { toCsv } from "./csv.js";
import { html, type SafeHtml } from "./html.js";
import { plainPage, signedInPage, type Chrome, type PageName } from "./layout.js";
import { confirmRemovalPage, downloadPage, funnelPage, introsPage, peoplePage, peopleQuery, weeksPage, type PageInput } from "./pages.js";

/** A session lasts a working day; signing in again is one `dashboard` away. */
export const SESSION_LIFETIME_MS = 8 * 3_600_000;
const SESSION_COOKIE = "warmpath_session";
const SIGN_IN_COOKIE = "warmpath_sign_in";
const FLASH_COOKIE = "warmpath_flash";
/** Forms are small; anything bigger is not ours. */
const MAX_FORM_BYTES = 16 * 1024;

export interface DashboardOptions {
  db: Db;
  logger: Logger;
  /** Where browsers reach this process: decides whether cookies are Secure (https). */
  publicUrl: string;
  /** DASHBOARD_SECRET; without it each club's link key comes from the database. */
  secret?: string;
  clock?: Clock;
  /** How the chat command is typed, for the sign-in help ("/jobclub dashboard"). */
  command?: string;
}

/** Every response of the dashboard carries these: no framing, no sniffing, no referrer, nothing inline. */
const SECURITY_HEADERS: Record<string, string> = {
  "content-security-policy": "default-src 'none'; style-src 'self'; script-src 'self'; img-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
  "x-content-type-options": "nosniff",
  "referrer-policy": "no-referrer",
  "x-frame-options": "DENY",
  "cross-origin-opener-policy": "same-origin",
  "cross-origin-resource-policy": "same-origin",
};

const TABLE_COLUMNS: Record<ClubTable, string[]> = {
  members: ["id", "name", "headline", "status", "paused_until", "joined_at", "last_active_at", "organiser"],
  goals: ["id", "member_id", "member", "week", "text", "done", "done_at", "created_at"],
  targets: ["id", "member_id", "member", "company_id", "company", "stage", "created_at", "updated_at"],
  ties: ["id", "member_id", "member", "company_id", "company", "relation", "created_at", "touched_at"],
  intros: ["number", "requester_id", "requester", "helper_id", "helper", "company_id", "company", "kind", "status", "outcome", "requested_at", "responded_at", "met_at", "hired_at", "withdrawn_at"],
  thanks: ["id", "from_member_id", "from_member", "to_member_id", "to_member", "kind", "intro_number", "created_at"],
};

const sha256 = (text: string) => createHash("sha256").update(text).digest("hex");
/** The forms of a session carry this: derived from the cookie's token, which no other site can read. */
const formToken = (sessionToken: string) => createHmac("sha256", sessionToken).update("warmpath dashboard forms").digest("base64url");
function sameText(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/** A row id as Postgres keeps it (a positive int4), written in digits. */
const isId = (text: string) => /^\d{1,10}$/.test(text) && Number(text) > 0 && Number(text) <= 2_147_483_647;

interface Signed {
  club: ClubRow;
  member: MemberRow;
  viaAdmin: boolean;
  sessionToken: string;
  csrf: string;
}

/**
 * The organisers' dashboard, as one prefix route (`/dashboard/...`) on the shared web server.
 * Sign-in is a one-time link from the `dashboard` command; a session is a server-side row behind an
 * HttpOnly cookie scoped to the club's path, so a cookie for one club is never even sent to another
 * club's pages, and a session row answers only for its own club.
 */
export function createDashboard(options: DashboardOptions): { route: HttpRoute } {
  const { db, logger } = options;
  const clock = options.clock ?? systemClock;
  const secure = options.publicUrl.startsWith("https:");
  const command = options.command ?? "/jobclub";
  const cookieBase: SerializeOptions = { httpOnly: true, secure, sameSite: "lax" };

  function send(res: http.ServerResponse, status: number, body: string, headers: Record<string, string | string[]> = {}): void {
    res.writeHead(status, {
      ...SECURITY_HEADERS,
      "cache-control": "no-store",
      "content-type": "text/html; charset=utf-8",
      ...(secure ? { "strict-transport-security": "max-age=31536000" } : {}),
      ...headers,
    });
    res.end(body);
  }

  function redirect(res: http.ServerResponse, location: string, cookies: string[] = []): void {
    send(res, 303, "", { location, ...(cookies.length ? { "set-cookie": cookies } : {}) });
  }

  const signInHelp = html`<p>Type <code>${command} dashboard</code> in your club (or <code>dashboard</code> in the local console) for a sign-in link. The dashboard is for the club's organisers.</p>`;

  function refuse(res: http.ServerResponse, status: number, title: string, text: SafeHtml, cookies: string[] = []): void {
    send(res, status, plainPage(title, html`${text}${signInHelp}`), cookies.length ? { "set-cookie": cookies } : {});
  }

  async function readForm(req: http.IncomingMessage): Promise<URLSearchParams | undefined> {
    const type = req.headers["content-type"] ?? "";
    if (!type.startsWith("application/x-www-form-urlencoded")) return undefined;
    let size = 0;
    const chunks: Buffer[] = [];
    for await (const chunk of req as AsyncIterable<Buffer>) {
      size += chunk.length;
      if (size > MAX_FORM_BYTES) return undefined;
      chunks.push(chunk);
    }
    return new URLSearchParams(Buffer.concat(chunks).toString("utf8"));
  }

  /**
   * Whether a form post came from one of our own pages. Browsers say so in Sec-Fetch-Site; their
   * Origin header is "null" on our pages (Referrer-Policy: no-referrer), so it only counts when it
   * names a site. The form's token stays the real check; this one refuses the obvious early.
   */
  function sameOrigin(req: http.IncomingMessage): boolean {
    const site = req.headers["sec-fetch-site"];
    if (site !== undefined) return site === "same-origin";
    const origin = req.headers.origin;
    if (origin === undefined || origin === "null") return true;
    const host = req.headers.host;
    return host !== undefined && (origin === `http://${host}` || origin === `https://${host}` || origin === new URL(options.publicUrl).origin);
  }

  /** A link's claims, verified against its club's key; why not, otherwise. */
  async function verifyLink(token: string | null): Promise<{ ok: true; claims: LinkClaims; club: ClubRow } | { ok: false; status: number; title: string; text: SafeHtml }> {
    const invalid = { ok: false as const, status: 400, title: "This sign-in link doesn't work", text: html`<p>The link is incomplete or not one Warmpath made. Copy the whole link, or ask for a new one.</p>` };
    const link = token ? readLink(token) : undefined;
    if (!link) return invalid;
    const club = await clubById(db, link.clubId);
    if (!club) return invalid;
    const store = createClubStore(db, club.id);
    const key = await clubLinkKey(store, options.secret, clock.now(), false);
    if (!key || !signedBy(key, link)) return invalid;
    if (link.expiresAt <= clock.now()) {
      return { ok: false, status: 410, title: "This sign-in link has expired", text: html`<p>Links work for 15 minutes after they are made.</p>` };
    }
    if (await store.dashboard.wasUsed(link.nonce)) {
      return { ok: false, status: 410, title: "This sign-in link was used already", text: html`<p>Each link signs in once. If that wasn't you, ask for a new link and tell the club's admins.</p>` };
    }
    return { ok: true, claims: link, club };
  }

  /** GET /dashboard/sign-in?token=…: checks the link and asks the browser to post it, so a link preview can't use it up. */
  async function signInPage(req: http.IncomingMessage, res: http.ServerResponse, query: URLSearchParams): Promise<void> {
    const token = query.get("token");
    const verified = await verifyLink(token);
    if (!verified.ok) return refuse(res, verified.status, verified.title, verified.text);
    const check = randomBytes(18).toString("base64url");
    const cookie = serializeCookie(SIGN_IN_COOKIE, check, { ...cookieBase, sameSite: "strict", path: "/dashboard/sign-in", maxAge: 15 * 60 });
    send(
      res,
      200,
      plainPage(
        `Sign in to ${verified.club.name}`,
        html`<p>Signing you in to the club's dashboard…</p>
<form id="sign-in" method="post" action="/dashboard/sign-in">
<input type="hidden" name="token" value="${token}"><input type="hidden" name="check" value="${check}">
<button type="submit" class="primary">Continue to the dashboard</button>
</form>`,
        { script: ASSETS.signInJs.path },
      ),
      { "set-cookie": [cookie] },
    );
  }

  /** POST /dashboard/sign-in: uses the link (once), starts a session, and sends the browser to the club's page. */
  async function signIn(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const form = await readForm(req);
    const expected = parseCookies(req.headers.cookie ?? "")[SIGN_IN_COOKIE];
    const check = form?.get("check") ?? "";
    if (!form || !expected || !check || !sameText(check, expected) || !sameOrigin(req)) {
      return refuse(res, 403, "Please open the link again", html`<p>Your browser didn't come from the sign-in page. Open the sign-in link again; it still works if you haven't used it.</p>`);
    }
    const verified = await verifyLink(form.get("token"));
    if (!verified.ok) return refuse(res, verified.status, verified.title, verified.text);
    const { claims, club } = verified;
    const session = randomBytes(32).toString("base64url");
    const now = clock.now();
    const outcome = await db.transaction(async (tx) => {
      const store = createClubStore(tx, club.id);
      const member = await store.members.get(claims.memberId);
      if (!member) return "gone" as const;
      const organiser = (await store.scheduling.organisers()).some((o) => o.memberId === member.id);
      if (!organiser && !claims.viaAdmin) return "not-organiser" as const;
      if (!(await store.dashboard.useLink(claims.nonce, claims.expiresAt, now))) return "used" as const;
      await store.dashboard.prune(now);
      await store.dashboard.createSession({ memberId: member.id, tokenHash: sha256(session), viaAdmin: claims.viaAdmin, now, expiresAt: new Date(now.getTime() + SESSION_LIFETIME_MS) });
      return "ok" as const;
    });
    if (outcome === "used") return refuse(res, 410, "This sign-in link was used already", html`<p>Each link signs in once.</p>`);
    if (outcome !== "ok") return refuse(res, 403, "Not an organiser", html`<p>This dashboard is for the organisers of ${club.name}, and you're not one of them now.</p>`);
    logger.info("dashboard sign-in", { clubId: club.id, memberId: claims.memberId });
    redirect(res, `/dashboard/${club.id}/weeks`, [
      serializeCookie(SESSION_COOKIE, session, { ...cookieBase, path: `/dashboard/${club.id}`, maxAge: SESSION_LIFETIME_MS / 1000 }),
      serializeCookie(SIGN_IN_COOKIE, "", { ...cookieBase, sameSite: "strict", path: "/dashboard/sign-in", maxAge: 0 }),
    ]);
  }

  /** The session behind the request's cookie, for this club only; answers 401/403 itself when there is none. */
  async function authenticate(req: http.IncomingMessage, res: http.ServerResponse, clubId: number, store: ClubStore): Promise<Signed | undefined> {
    const token = parseCookies(req.headers.cookie ?? "")[SESSION_COOKIE];
    const club = token ? await clubById(db, clubId) : undefined;
    const found = token && club ? await store.dashboard.session(sha256(token), clock.now()) : undefined;
    if (!token || !club || !found) {
      const clear = token ? [serializeCookie(SESSION_COOKIE, "", { ...cookieBase, path: `/dashboard/${clubId}`, maxAge: 0 })] : [];
      refuse(res, 401, "Please sign in", html`<p>You're not signed in to this club's dashboard, or your session has ended.</p>`, clear);
      return undefined;
    }
    if (!found.organiser && !found.session.viaAdmin) {
      await store.dashboard.endSession(sha256(token));
      refuse(res, 403, "Not an organiser", html`<p>This dashboard is for the organisers of ${club.name}, and you're not one of them now.</p>`, [
        serializeCookie(SESSION_COOKIE, "", { ...cookieBase, path: `/dashboard/${clubId}`, maxAge: 0 }),
      ]);
      return undefined;
    }
    return { club, member: found.member, viaAdmin: found.session.viaAdmin, sessionToken: token, csrf: formToken(token) };
  }

  function flashOf(req: http.IncomingMessage): Chrome["flash"] {
    const raw = parseCookies(req.headers.cookie ?? "")[FLASH_COOKIE];
    if (!raw) return undefined;
    try {
      const parsed = JSON.parse(raw) as { text?: unknown; tone?: unknown };
      return typeof parsed.text === "string" ? { text: parsed.text.slice(0, 500), tone: parsed.tone === "error" ? "error" : "ok" } : undefined;
    } catch {
      return undefined;
    }
  }

  const flashCookie = (clubId: number, flash: NonNullable<Chrome["flash"]> | undefined) =>
    serializeCookie(FLASH_COOKIE, flash ? JSON.stringify(flash) : "", { ...cookieBase, path: `/dashboard/${clubId}`, maxAge: flash ? 60 : 0 });

  async function showPage(req: http.IncomingMessage, res: http.ServerResponse, signed: Signed, store: ClubStore, name: PageName, query: URLSearchParams): Promise<void> {
    const input: PageInput = { store, club: signed.club, now: clock.now(), query, csrf: signed.csrf, viewerId: signed.member.id };
    const titles: Record<PageName, string> = { weeks: "The club's weeks", funnel: "Funnel", people: "People", intros: "Introductions", download: "Download the club's data" };
    const builders: Record<PageName, () => Promise<SafeHtml> | SafeHtml> = {
      weeks: () => weeksPage(input),
      funnel: () => funnelPage(input),
      people: () => peoplePage(input),
      intros: () => introsPage(input),
      download: () => downloadPage(input),
    };
    const body = await builders[name]();
    const flash = flashOf(req);
    send(res, 200, signedInPage(chromeOf(signed, name, flash), titles[name], body), flash ? { "set-cookie": [flashCookie(signed.club.id, undefined)] } : {});
  }

  function chromeOf(signed: Signed, current: PageName, flash?: Chrome["flash"]): Chrome {
    return { clubId: signed.club.id, clubName: signed.club.name, viewer: signed.member.displayName, csrf: signed.csrf, current, ...(flash ? { flash } : {}) };
  }

  async function download(res: http.ServerResponse, signed: Signed, store: ClubStore, file: string): Promise<void> {
    const table = /^([a-z]+)\.csv$/.exec(file)?.[1] as ClubTable | undefined;
    if (!table || !(clubTables as readonly string[]).includes(table)) return refuse(res, 404, "No such file", html`<p>The dashboard offers ${clubTables.join(", ")} as CSV.</p>`);
    const rows = await store.stats.table(table);
    const day = clock.now().toISOString().slice(0, 10);
    const slug = signed.club.name.toLowerCase().replace(/[^a-z0-9]+/g, "-").replace(/^-|-$/g, "").slice(0, 40) || "club";
    send(res, 200, toCsv(TABLE_COLUMNS[table], rows), {
      "content-type": "text/csv; charset=utf-8",
      "content-disposition": `attachment; filename="warmpath-${slug}-${table}-${day}.csv"`,
    });
  }

  /** POST /dashboard/<club>/people: pause, resume, remove (after a confirmation page), organise. */
  async function act(req: http.IncomingMessage, res: http.ServerResponse, signed: Signed, form: URLSearchParams): Promise<void> {
    const clubId = signed.club.id;
    const { sort, descending, page } = peopleQuery(form);
    const back = `/dashboard/${clubId}/people?sort=${sort}&dir=${descending ? "desc" : "asc"}${page > 1 ? `&page=${page}` : ""}`;
    const memberId = Number(form.get("member"));
    const action = form.get("action");
    if (!isId(form.get("member") ?? "") || !["pause", "resume", "remove", "organise", "unorganise"].includes(action ?? "")) {
      return refuse(res, 400, "That didn't work", html`<p>The form was incomplete. Go back to the <a href="${back}">member list</a> and try again.</p>`);
    }
    if (action === "remove" && form.get("confirm") !== "yes") {
      const member = await createClubStore(db, clubId).members.get(memberId);
      if (!member) return redirect(res, back, [flashCookie(clubId, { text: "That member is no longer in the club.", tone: "error" })]);
      return send(res, 200, signedInPage(chromeOf(signed, "people"), `Remove ${member.displayName}?`, confirmRemovalPage(signed, { id: member.id, name: member.displayName }, back)));
    }
    let done: string;
    try {
      done = await db.transaction(async (tx) => {
        const store = createClubStore(tx, clubId);
        // Checked again inside the change: a session ended meanwhile (sign-out elsewhere, no longer organiser) does nothing.
        const still = await store.dashboard.session(sha256(signed.sessionToken), clock.now());
        if (!still || (!still.organiser && !still.session.viaAdmin)) throw new UserError("DASHBOARD.SESSION", "Your session has ended: sign in again.");
        const scope: OrganiserScope = { store, actor: still.member, viaAdmin: still.session.viaAdmin, now: clock.now() };
        switch (action) {
          case "pause": {
            const typed = (form.get("until") ?? "").trim();
            const until = typed ? { typed, end: /^\d{4}-\d{2}-\d{2}$/.test(typed) ? parseUntil(typed, scope.now, signed.club.timezone) : undefined } : undefined;
            const member = await pauseMember(scope, memberId, until);
            return `Paused ${member.displayName}${until ? ` until ${typed}` : " until resumed"}.`;
          }
          case "resume":
            return `${(await resumeMember(scope, memberId)).displayName} is no longer paused.`;
          case "remove": {
            const { member, records } = await removeMember(scope, memberId);
            return `Removed ${member.displayName} (${records} records deleted).`;
          }
          case "organise":
            return `${(await setOrganiser(scope, memberId, true)).displayName} is an organiser now.`;
          default:
            return `${(await setOrganiser(scope, memberId, false)).displayName} is no longer an organiser.`;
        }
      });
    } catch (error) {
      if (error instanceof UserError) return redirect(res, back, [flashCookie(clubId, { text: error.message, tone: "error" })]);
      throw error;
    }
    logger.info("dashboard action", { clubId, memberId: signed.member.id, action, target: memberId });
    redirect(res, back, [flashCookie(clubId, { text: done, tone: "ok" })]);
  }

  async function handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const url = new URL(req.url ?? "/", "http://localhost");
    const parts = url.pathname.replace(/\/+$/, "").split("/").slice(2);
    const method = req.method === "HEAD" ? "GET" : (req.method ?? "GET");
    const [first, second, third, ...rest] = parts;

    if (first === "assets" && method === "GET" && second && !third) {
      const asset = Object.values(ASSETS).find((a) => a.path === url.pathname);
      if (!asset) return refuse(res, 404, "Not found", html``);
      res.writeHead(200, { ...SECURITY_HEADERS, "content-type": asset.type, "cache-control": "public, max-age=31536000, immutable" });
      res.end(asset.body);
      return;
    }
    if (first === undefined) {
      return send(res, 200, plainPage("Warmpath dashboard", html`<p>The club's weeks at a glance, for its organisers.</p>${signInHelp}`));
    }
    if (first === "sign-in" && !second) {
      if (method === "GET") return signInPage(req, res, url.searchParams);
      if (method === "POST") return signIn(req, res);
    }
    if (first === "signed-out" && !second && method === "GET") {
      return send(res, 200, plainPage("Signed out", html`<p>You're signed out of the dashboard.</p>${signInHelp}`));
    }
    if (!first || !isId(first) || rest.length > 0) return refuse(res, 404, "Not found", html`<p>There is no such page.</p>`);

    const clubId = Number(first);
    const store = createClubStore(db, clubId);
    const signed = await authenticate(req, res, clubId, store);
    if (!signed) return;
    const page = second ?? "";
    if (method === "GET") {
      if (page === "") return redirect(res, `/dashboard/${clubId}/weeks`);
      if (page === "download" && third) return download(res, signed, store, third);
      if (!third && (["weeks", "funnel", "people", "intros", "download"] as const).includes(page as PageName)) return showPage(req, res, signed, store, page as PageName, url.searchParams);
      return refuse(res, 404, "Not found", html`<p>There is no such page.</p>`);
    }
    if (method === "POST" && !third && (page === "people" || page === "sign-out")) {
      const form = await readForm(req);
      const csrf = form?.get("csrf") ?? "";
      if (!form || !csrf || !sameText(csrf, signed.csrf) || !sameOrigin(req)) {
        return refuse(res, 403, "This form has expired", html`<p>Nothing was changed. Go back, reload the page and try again.</p>`);
      }
      if (page === "sign-out") {
        await store.dashboard.endSession(sha256(signed.sessionToken));
        return redirect(res, "/dashboard/signed-out", [serializeCookie(SESSION_COOKIE, "", { ...cookieBase, path: `/dashboard/${clubId}`, maxAge: 0 })]);
      }
      return act(req, res, signed, form);
    }
    return refuse(res, 405, "Not here", html`<p>That page can't do that.</p>`);
  }

  return {
    route: {
      method: ["GET", "HEAD", "POST"],
      path: "/dashboard",
      prefix: true,
      handle: (req, res) =>
        handle(req, res).catch((error: unknown) => {
          const busy = isDatabaseUnavailable(error) || isTimeout(error) || isRetryableConflict(error);
          if (busy) logger.warn("dashboard request failed: the database is unavailable or busy", { error });
          else logger.error("dashboard request failed", { path: req.url?.split("?")[0], error });
          if (res.headersSent) return void res.end();
          send(
            res,
            busy ? 503 : 500,
            plainPage(busy ? "The club's database is unavailable" : "Something went wrong", html`<p>${busy ? "Please try again in a minute." : "Nothing was changed. Please try again in a moment."}</p>`),
          );
        }),
    },
  };
}
