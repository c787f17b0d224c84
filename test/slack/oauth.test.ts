import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { randomBytes } from "node:crypto";
import { eq, sql } from "drizzle-orm";
import { backends } from "../support/databases.js";
import { createCore, type Core } from "../../src/core/core.js";
import { queryRows, type Database } from "../../src/db/client.js";
import { outbox, slackInstallations } from "../../src/db/schema/index.js";
import { findClub } from "../../src/db/store/clubs.js";
import { enqueueForClub } from "../../src/db/store/outbox.js";
import { createDispatcher, type Dispatcher } from "../../src/outbox/dispatcher.js";
import { createJobRunner } from "../../src/scheduler/runner.js";
import { createHttpServer, type HttpServer } from "../../src/http/server.js";
import { createLogger } from "../../src/util/logger.js";
import { MIDWEEK, runningClock } from "../support/clocks.js";
import { createSlackAdapter, SLACK_BOT_SCOPES, type SlackAdapter } from "../../src/adapters/slack/slack-adapter.js";
import { createInstallationStore } from "../../src/adapters/slack/installation-store.js";
import { createTokenCipher } from "../../src/adapters/slack/token-cipher.js";
import type { Reply } from "../../src/core/types.js";
import { startFakeSlackApi, type FakeSlackApi, type FakeUser, type FakeWorkspace, type Recorded } from "./fake-slack-api.js";
import { sendSigned, slashCommandBody } from "./sign.js";

const clock = runningClock(MIDWEEK);
const SECRET = "0a1b2c3d4e5f-oauth-signing-secret";
const CLIENT_ID = "1111111111.2222222222";
const CLIENT_SECRET = "c1e2n3t4-secret-of-the-warmpath-app";
const STATE_SECRET = "state-secret-0123456789abcdef";
const KEY = randomBytes(32);
const FORM = "application/x-www-form-urlencoded";

const workspace = (teamId: string, teamName: string, users: FakeUser[], channel: string, enterprise?: { id: string; name: string }): FakeWorkspace => ({
  teamId,
  teamName,
  botUserId: `UBOT${teamId}`,
  botId: `B${teamId}`,
  users: [...users, { id: `UBOT${teamId}`, name: "warmpath", isBot: true }],
  channels: { [channel]: { botIsMember: true } },
  ...(enterprise ? { enterprise } : {}),
});

const GRID = { id: "E0GRID", name: "Grid Org" };
const ALPHA = workspace("T0ALPHA", "Alpha Club", [{ id: "UAL1", name: "ana", displayName: "Ana", isAdmin: true }, { id: "UAL2", name: "al", displayName: "Al" }], "CALPHA");
const BETA = workspace("T0BETA", "Beta Club", [{ id: "UBE1", name: "bea", displayName: "Bea", isAdmin: true }, { id: "UBE2", name: "ben", displayName: "Ben" }], "CBETA");
const GAMMA = workspace("T0GAMMA", "Gamma Club", [{ id: "UGA1", name: "gus", displayName: "Gus", isAdmin: true }], "CGAMMA");
const ROT = workspace("T0ROT", "Rotating Club", [{ id: "URO1", name: "rosa", displayName: "Rosa", isAdmin: true }, { id: "URO2", name: "rob", displayName: "Rob" }], "CROT");
const GRID1 = workspace("T0GRID1", "Grid One", [{ id: "WGR1", name: "gina", displayName: "Gina", isAdmin: true }], "CGRID1", GRID);
const GRID2 = workspace("T0GRID2", "Grid Two", [{ id: "WGR2", name: "gil", displayName: "Gil" }], "CGRID2", GRID);

const hello: Reply = { text: "Hello from your job club", visibility: "private", tone: "info" };

describe.each(backends)("Slack distribution (OAuth) on $name", (backend) => {
  let database: Database;
  let fake: FakeSlackApi;
  let core: Core;
  let adapter: SlackAdapter;
  let dispatcher: Dispatcher;
  let baseUrl: string;
  const logs: string[] = [];
  const closers: Array<() => Promise<void>> = [];
  let seq = 0;

  const oauthOptions = { clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, stateSecret: STATE_SECRET, tokenEncryptionKey: KEY };
  const logger = createLogger({ level: "debug", write: (line) => logs.push(line) });

  async function startInstance(): Promise<{ adapter: SlackAdapter; web: HttpServer; baseUrl: string }> {
    const server = createHttpServer({ port: 0, host: "127.0.0.1", logger });
    const started = await createSlackAdapter({ oauth: oauthOptions, signingSecret: SECRET, apiUrl: fake.apiUrl, command: "/jobclub", http: server, port: 0, core, db: database.db, logger });
    await started.start();
    const address = await server.listen();
    closers.push(async () => {
      await started.stop();
      await server.close();
    });
    return { adapter: started, web: server, baseUrl: `http://127.0.0.1:${address.port}` };
  }

  beforeAll(async () => {
    database = await backend.open();
    fake = await startFakeSlackApi({
      // The first workspace's fixed token is never used in distribution mode.
      botToken: "xoxb-legacy-not-used",
      teamId: ALPHA.teamId,
      teamName: ALPHA.teamName,
      botUserId: ALPHA.botUserId,
      botId: ALPHA.botId,
      users: ALPHA.users,
      channels: ALPHA.channels,
      workspaces: [BETA, GAMMA, ROT, GRID1, GRID2],
      oauth: { clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, appId: "A0WARMPATH" },
    });
    core = createCore({ db: database.db, logger, clock });
    ({ adapter, baseUrl } = await startInstance());
    fake.setRedirectUrl(`${baseUrl}/slack/oauth_redirect`);
    dispatcher = createDispatcher({ db: database.db, ports: [adapter.port], logger, clock });
  });

  afterAll(async () => {
    await dispatcher?.stop();
    for (const close of closers.reverse()) await close();
    await fake?.close();
    await database?.close();
  });

  /** GET /slack/install: the page, the Add to Slack link, and the state cookie it set. */
  async function openInstallPage(url = baseUrl) {
    const response = await fetch(`${url}/slack/install`);
    const html = await response.text();
    const href = /id="add-to-slack" href="([^"]+)"/.exec(html)?.[1]?.replace(/&amp;/g, "&");
    const cookie = response.headers
      .getSetCookie()
      .map((c) => c.split(";")[0]!)
      .join("; ");
    return { status: response.status, html, authorizeUrl: href ? new URL(href) : undefined, cookie, setCookie: response.headers.getSetCookie() };
  }

  /** The person approves on Slack's authorize page: where Slack sends their browser back. */
  async function approve(authorizeUrl: URL, params: Record<string, string>): Promise<URL> {
    const url = new URL(authorizeUrl);
    for (const [key, value] of Object.entries(params)) url.searchParams.set(key, value);
    const response = await fetch(url, { redirect: "manual" });
    expect(response.status, await response.clone().text()).toBe(302);
    return new URL(response.headers.get("location")!);
  }

  async function land(redirect: URL, cookie: string | undefined) {
    const response = await fetch(redirect, { headers: cookie ? { cookie } : {} });
    return { status: response.status, html: await response.text() };
  }

  /** The whole flow, in one browser: install page, approval on Slack, back to Warmpath. */
  async function install(params: { team?: string; enterprise?: string; user: string }, url = baseUrl) {
    const page = await openInstallPage(url);
    expect(page.status).toBe(200);
    const query: Record<string, string> = { user: params.user };
    if (params.team) query.team = params.team;
    if (params.enterprise) query.enterprise = params.enterprise;
    return land(await approve(page.authorizeUrl!, query), page.cookie);
  }

  /** `/jobclub <text>` from a user of a workspace; resolves with the answer posted to the response_url. */
  async function slash(ws: FakeWorkspace, userId: string, text: string, options: { orgWide?: boolean } = {}) {
    const id = `oauth-cmd${++seq}`;
    const user = ws.users.find((u) => u.id === userId)!;
    const channelId = Object.keys(ws.channels)[0]!;
    const body = slashCommandBody({
      command: "/jobclub",
      text,
      userId,
      userName: user.name,
      teamId: ws.teamId,
      teamDomain: ws.teamName.toLowerCase().replace(/\W/g, ""),
      channelId,
      responseUrl: fake.responseUrl(id),
      ...(ws.enterprise ? { enterpriseId: ws.enterprise.id, orgWide: options.orgWide ?? false } : {}),
    });
    const ack = await sendSigned(`${baseUrl}/slack/events`, body, FORM, { secret: SECRET });
    expect(ack.status).toBe(200);
    return (await fake.response(id)).body as { text: string; response_type?: string };
  }

  /** An Events API callback as Slack sends it for a workspace install; resolves once handled. */
  async function event(teamId: string, payload: Record<string, unknown>) {
    const eventId = `EvO${++seq}`;
    const body = JSON.stringify({
      token: "unused",
      team_id: teamId,
      api_app_id: "A0WARMPATH",
      event: { ...payload, event_ts: "1800000000.000002" },
      type: "event_callback",
      event_id: eventId,
      event_time: Math.floor(Date.now() / 1000),
      authorizations: [{ enterprise_id: null, team_id: teamId, user_id: `UBOT${teamId}`, is_bot: true, is_enterprise_install: false }],
    });
    expect((await sendSigned(`${baseUrl}/slack/events`, body, "application/json", { secret: SECRET })).status).toBe(200);
    await vi.waitFor(() => expect(logs.some((l) => l.includes('"msg":"slack event handled"') && l.includes(`"eventId":"${eventId}"`))).toBe(true), { timeout: 15_000, interval: 10 });
  }

  const tokenOf = (r: Recorded) => r.authorization?.replace(/^Bearer /, "");
  const installationRows = () => database.db.select().from(slackInstallations);
  const clubOf = async (teamId: string) => (await findClub(database.db, { platform: "slack", externalId: teamId }))!;
  const address = async (teamId: string) => ({ clubId: (await clubOf(teamId)).id, externalId: teamId });
  const dmsTo = (userId: string, after = 0) => fake.recorded.slice(after).filter((r) => r.name === "chat.postMessage" && r.body.channel === `D${userId}` && r.outcome === "ok");

  it("GET /slack/install shows an Add to Slack page linking to Slack's authorize page with the app's scopes and a state cookie", async () => {
    const page = await openInstallPage();
    expect(page.status).toBe(200);
    expect(page.html).toContain("Add to Slack");
    const url = page.authorizeUrl!;
    expect(`${url.origin}${url.pathname}`).toBe(new URL("../oauth/v2/authorize", fake.apiUrl).toString());
    expect(url.searchParams.get("client_id")).toBe(CLIENT_ID);
    expect(url.searchParams.get("scope")!.split(",").sort()).toEqual([...SLACK_BOT_SCOPES].sort());
    const state = url.searchParams.get("state");
    expect(state).toBeTruthy();
    // The state also lives in an HttpOnly cookie: the redirect must come back to the browser that started.
    expect(page.setCookie.some((c) => c.startsWith(`slack-app-oauth-state=${state};`) && /HttpOnly/i.test(c))).toBe(true);
    expect(await installationRows()).toHaveLength(0);
  });

  it("a forged, foreign or missing state gets a clear error page, exchanges no code and stores nothing", async () => {
    const page = await openInstallPage();
    const redirect = await approve(page.authorizeUrl!, { team: ALPHA.teamId, user: "UAL1" });
    const exchangesBefore = fake.calls("oauth.v2.access").length;

    // The same link in another browser: no cookie.
    const elsewhere = await land(redirect, undefined);
    expect(elsewhere.status).toBe(400);
    expect(elsewhere.html).toContain("This install link can't be used");

    // A state the attacker made up, with a cookie to match.
    const forged = new URL(redirect);
    forged.searchParams.set("state", "eyJhbGciOiJIUzI1NiJ9.eyJub3ciOiIyMDI2In0.forged");
    expect((await land(forged, "slack-app-oauth-state=eyJhbGciOiJIUzI1NiJ9.eyJub3ciOiIyMDI2In0.forged")).status).toBe(400);

    // A well-formed state signed by another app's secret.
    const otherState = page.authorizeUrl!.searchParams.get("state")!.replace(/\.[^.]+$/, ".c2lnbmF0dXJlLWZyb20tYW5vdGhlci1zZWNyZXQ");
    const resigned = new URL(redirect);
    resigned.searchParams.set("state", otherState);
    const wrongSecret = await land(resigned, `slack-app-oauth-state=${otherState}`);
    expect(wrongSecret.status).toBe(400);
    expect(wrongSecret.html).toContain("Start again");

    // No state at all.
    const stateless = new URL(redirect);
    stateless.searchParams.delete("state");
    expect((await land(stateless, page.cookie)).status).toBe(400);

    expect(fake.calls("oauth.v2.access").length).toBe(exchangesBefore);
    expect(await installationRows()).toHaveLength(0);
    expect(await queryRows(database.db, sql`select id from clubs`)).toHaveLength(0);
  });

  it("Cancel on Slack's page, or a code Slack refuses, says so and stores nothing", async () => {
    const page = await openInstallPage();
    const cancelled = await land(await approve(page.authorizeUrl!, { deny: "1" }), page.cookie);
    expect(cancelled.html).toContain("Installation cancelled");

    const again = await openInstallPage();
    const redirect = await approve(again.authorizeUrl!, { team: ALPHA.teamId, user: "UAL1" });
    redirect.searchParams.set("code", "code-that-slack-never-issued");
    const refused = await land(redirect, again.cookie);
    expect(refused.status).toBe(502);
    expect(refused.html).toContain("invalid_code");
    expect(await installationRows()).toHaveLength(0);
  });

  it("installs in two workspaces: each stored with its token encrypted, each installer welcomed by DM with their workspace's own token", async () => {
    const mark = fake.mark();
    const alpha = await install({ team: ALPHA.teamId, user: "UAL1" });
    expect(alpha.status).toBe(200);
    expect(alpha.html).toContain("Warmpath is installed in Alpha Club");
    expect((await install({ team: BETA.teamId, user: "UBE1" })).html).toContain("Warmpath is installed in Beta Club");

    const rows = await installationRows();
    expect(rows.map((r) => [r.installKey, r.teamName, r.installerUserId, r.botUserId]).sort()).toEqual([
      ["T0ALPHA", "Alpha Club", "UAL1", "UBOTT0ALPHA"],
      ["T0BETA", "Beta Club", "UBE1", "UBOTT0BETA"],
    ]);
    for (const row of rows) {
      const [token] = fake.tokensOf(row.installKey);
      expect(row.botToken).toMatch(/^v1\./);
      expect(row.botToken).not.toContain(token!);
      expect(row.botToken).not.toContain(token!.slice(5, 20));
    }
    // The clubs exist from the install on, named as Slack names the workspaces.
    expect((await clubOf("T0ALPHA")).name).toBe("Alpha Club");

    await dispatcher.drain();
    const [toAna] = dmsTo("UAL1", mark);
    const [toBea] = dmsTo("UBE1", mark);
    expect(String(toAna?.body.text)).toContain("Thanks for adding me to Alpha Club");
    expect(toAna!.team).toBe("T0ALPHA");
    expect(tokenOf(toAna!)).toBe(fake.tokensOf("T0ALPHA")[0]);
    expect(toBea!.team).toBe("T0BETA");
    expect(tokenOf(toBea!)).toBe(fake.tokensOf("T0BETA")[0]);
  });

  it("commands from each workspace reach their own club, looked up with that workspace's token", async () => {
    const mark = fake.mark();
    expect((await slash(ALPHA, "UAL2", "join Data engineer")).text).toContain("Welcome to the job club, Al!");
    expect((await slash(BETA, "UBE2", "join Designer")).text).toContain("Welcome to the job club, Ben!");
    await slash(ALPHA, "UAL1", "join");
    await slash(BETA, "UBE1", "join");

    const members = await queryRows<{ name: string; team: string }>(
      database.db,
      sql`select m.display_name as name, l.external_id as team from members m join club_links l on l.club_id = m.club_id order by 2, 1`,
    );
    expect(members).toEqual([
      { name: "Al", team: "T0ALPHA" },
      { name: "Ana", team: "T0ALPHA" },
      { name: "Bea", team: "T0BETA" },
      { name: "Ben", team: "T0BETA" },
    ]);
    const lookups = fake.recorded.slice(mark).filter((r) => r.name === "users.info");
    expect(lookups.length).toBeGreaterThanOrEqual(4);
    for (const lookup of lookups) {
      expect(lookup.outcome).toBe("ok");
      expect(tokenOf(lookup)).toBe(fake.tokensOf(lookup.team!)[0]);
    }
    expect(new Set(lookups.map((l) => l.team))).toEqual(new Set(["T0ALPHA", "T0BETA"]));
  });

  it("DMs and the weekly digest go out with each workspace's own token", async () => {
    await slash(ALPHA, "UAL1", "config digest-channel here");
    await slash(BETA, "UBE1", "config digest-channel here");
    const mark = fake.mark();
    await slash(ALPHA, "UAL2", "thanks <@UAL1|ana> for the referral at Acme");
    await slash(BETA, "UBE2", "thanks <@UBE1|bea> for the referral at Globex");
    const runner = createJobRunner({ db: database.db, clock, logger });
    for (const team of ["T0ALPHA", "T0BETA"]) expect(await runner.run((await clubOf(team)).id, "digest", new Date(MIDWEEK))).toMatchObject({ ran: true });
    await dispatcher.drain();

    const posts = fake.recorded.slice(mark).filter((r) => r.name === "chat.postMessage");
    const where = posts.map((p) => [p.body.channel, p.team, p.outcome, tokenOf(p) === fake.tokensOf(p.team!)[0]]);
    expect(where).toEqual(
      expect.arrayContaining([
        ["DUAL1", "T0ALPHA", "ok", true],
        ["DUBE1", "T0BETA", "ok", true],
        ["CALPHA", "T0ALPHA", "ok", true],
        ["CBETA", "T0BETA", "ok", true],
      ]),
    );
    expect(posts).toHaveLength(4);
  });

  it("rotation: an expiring token is refreshed before use, and the new token is what is stored, encrypted", async () => {
    fake.setTokenLifetime(60); // inside Bolt's two-hour refresh window from the start
    expect((await install({ team: ROT.teamId, user: "URO1" })).status).toBe(200);
    fake.setTokenLifetime(43_200);
    const [installed] = fake.tokensOf("T0ROT");
    // Past its time at Slack too: a delivery that did not refresh first would fail.
    fake.expireTokens("T0ROT");
    const mark = fake.mark();
    await dispatcher.drain();

    const calls = fake.recorded.slice(mark).filter((r) => r.kind === "api");
    const refresh = calls.findIndex((r) => r.name === "oauth.v2.access" && r.body.grant_type === "refresh_token");
    const welcome = calls.findIndex((r) => r.name === "chat.postMessage" && r.body.channel === "DURO1");
    expect(refresh).toBeGreaterThan(-1);
    expect(calls[refresh]!.outcome).toBe("ok");
    expect(welcome).toBeGreaterThan(refresh);
    const fresh = String(calls[refresh]!.result!.access_token);
    expect(fresh).not.toBe(installed);
    expect(tokenOf(calls[welcome]!)).toBe(fresh);
    // Every call after the refresh used the new token; none used the old one.
    expect(calls.slice(refresh + 1).every((c) => tokenOf(c) === fresh)).toBe(true);

    const [row] = await database.db.select().from(slackInstallations).where(eq(slackInstallations.installKey, "T0ROT"));
    for (const plain of [installed!, fresh, String(calls[refresh]!.result!.refresh_token)]) {
      expect(JSON.stringify(row)).not.toContain(plain);
    }
    expect(row!.botRefreshToken).toMatch(/^v1\./);
    expect(row!.botTokenExpiresAt!.getTime()).toBeGreaterThan(Date.now() + 11 * 3_600_000);
    // Read back through the store (with the key), the row holds the refreshed pair.
    const stored = await createInstallationStore(database.db, createTokenCipher(KEY)).fetchInstallation({ teamId: "T0ROT", enterpriseId: undefined, isEnterpriseInstall: false });
    expect(stored.bot?.token).toBe(fresh);
    expect(stored.bot?.refreshToken).toBe(calls[refresh]!.result!.refresh_token);

    // A long-lived token now: the next delivery refreshes nothing.
    const next = fake.mark();
    await adapter.port.sendDirect(await address("T0ROT"), "URO2", hello);
    expect(fake.recorded.slice(next).filter((r) => r.name === "oauth.v2.access")).toHaveLength(0);
    expect(tokenOf(dmsTo("URO2", next)[0]!)).toBe(fresh);
  });

  it("two instances delivering at once with an expiring token refresh it once and every DM goes out", async () => {
    fake.setTokenLifetime(60);
    await install({ team: ROT.teamId, user: "URO1" });
    fake.setTokenLifetime(43_200);
    const other = await startInstance();
    const mark = fake.mark();
    const club = await address("T0ROT");
    await Promise.all([adapter.port, other.adapter.port, adapter.port, other.adapter.port].map((port, i) => port.sendDirect(club, i % 2 ? "URO1" : "URO2", hello)));

    const refreshes = fake.recorded.slice(mark).filter((r) => r.name === "oauth.v2.access" && r.body.grant_type === "refresh_token");
    const succeeded = refreshes.filter((r) => r.outcome === "ok");
    expect(succeeded).toHaveLength(1);
    // One refresh per instance at most: within an instance, concurrent deliveries share one.
    expect(refreshes.length).toBeLessThanOrEqual(2);
    expect(fake.recorded.slice(mark).filter((r) => r.name === "chat.postMessage").map((r) => r.outcome)).toEqual(["ok", "ok", "ok", "ok"]);
    const stored = await createInstallationStore(database.db, createTokenCipher(KEY)).fetchInstallation({ teamId: "T0ROT", enterpriseId: undefined, isEnterpriseInstall: false });
    expect(stored.bot?.token).toBe(succeeded[0]!.result!.access_token);
  });

  it("app_uninstalled stops deliveries for that workspace at once, without calling Slack, and keeps its data", async () => {
    const beta = await address("T0BETA");
    const alpha = await address("T0ALPHA");
    // Slack revokes the tokens, then tells us.
    fake.revokeTokens("T0BETA");
    await event("T0BETA", { type: "app_uninstalled" });
    const [row] = await database.db.select().from(slackInstallations).where(eq(slackInstallations.installKey, "T0BETA"));
    expect(row!.uninstalledAt).not.toBeNull();
    expect([row!.botToken, row!.botRefreshToken, row!.userToken]).toEqual([null, null, null]);

    const mark = fake.mark();
    for (const [club, user] of [
      [beta, "UBE2"],
      [alpha, "UAL2"],
    ] as const) {
      await enqueueForClub(database.db, { platform: "slack", externalId: club.externalId }, { kind: "account", platform: "slack", userId: user, reply: hello, dedupeKey: `after-uninstall:${user}` }, clock.now());
    }
    await dispatcher.drain();
    const failed = await database.db.select().from(outbox).where(eq(outbox.dedupeKey, "after-uninstall:UBE2"));
    expect(failed[0]!.status).toBe("failed");
    expect(failed[0]!.lastError).toMatch(/uninstalled from Slack workspace T0BETA/);
    expect(failed[0]!.attempts).toBe(1);
    // Nothing at all was sent to Slack for Beta; Alpha's DM went out as usual.
    const betaTokens = new Set(fake.tokensOf("T0BETA"));
    expect(fake.recorded.slice(mark).filter((r) => betaTokens.has(tokenOf(r) ?? ""))).toEqual([]);
    expect(dmsTo("UAL2", mark)).toHaveLength(1);
    // Beta's club, members and goals stay.
    expect((await clubOf("T0BETA")).id).toBe(beta.clubId);
    const [count] = await queryRows<{ n: number }>(database.db, sql`select count(*)::int as n from members where club_id = ${beta.clubId}`);
    expect(Number(count!.n)).toBe(2);
    // Its weekly jobs stop (claimed and skipped, nothing queued); housekeeping still runs; Alpha's go on.
    const runner = createJobRunner({ db: database.db, clock, logger });
    const queued = async () => (await database.db.select().from(outbox).where(eq(outbox.clubId, beta.clubId))).length;
    const before = await queued();
    const slot = new Date(Date.parse(MIDWEEK) + 7 * 86_400_000);
    expect(await runner.run(beta.clubId, "digest", slot)).toEqual({ ran: false, reason: "unreachable" });
    expect(await runner.run(beta.clubId, "digest", slot)).toEqual({ ran: false, reason: "claimed" });
    expect(await runner.run(beta.clubId, "housekeeping", slot)).toMatchObject({ ran: true });
    expect(await runner.run(alpha.clubId, "digest", slot)).toMatchObject({ ran: true });
    expect(await queued()).toBe(before);
  });

  it("a reinstall picks up where it left off: the same club and members, and deliveries with the new token", async () => {
    const before = await address("T0BETA");
    const page = await install({ team: BETA.teamId, user: "UBE1" });
    expect(page.html).toContain("Warmpath is back in Beta Club");
    const [row] = await database.db.select().from(slackInstallations).where(eq(slackInstallations.installKey, "T0BETA"));
    expect(row!.uninstalledAt).toBeNull();
    expect((await clubOf("T0BETA")).id).toBe(before.clubId);

    const answer = await slash(BETA, "UBE2", "profile");
    expect(answer.text).toContain("Designer");
    const mark = fake.mark();
    await dispatcher.drain();
    const [welcomeBack] = dmsTo("UBE1", mark);
    expect(String(welcomeBack!.body.text)).toContain("as you left them");
    const tokens = fake.tokensOf("T0BETA");
    expect(tokenOf(welcomeBack!)).toBe(tokens[tokens.length - 1]);
    // Its weekly jobs run again.
    const runner = createJobRunner({ db: database.db, clock, logger });
    expect(await runner.run(before.clubId, "digest", new Date(Date.parse(MIDWEEK) + 14 * 86_400_000))).toMatchObject({ ran: true });
  });

  it("tokens_revoked for the bot stops sending to that workspace like an uninstall; user tokens alone change nothing", async () => {
    await install({ team: GAMMA.teamId, user: "UGA1" });
    await dispatcher.drain();
    await event("T0GAMMA", { type: "tokens_revoked", tokens: { oauth: ["UGA1"] } });
    expect((await database.db.select().from(slackInstallations).where(eq(slackInstallations.installKey, "T0GAMMA")))[0]!.uninstalledAt).toBeNull();

    fake.revokeTokens("T0GAMMA");
    await event("T0GAMMA", { type: "tokens_revoked", tokens: { bot: [GAMMA.botUserId] } });
    const mark = fake.mark();
    await expect(adapter.port.sendDirect(await address("T0GAMMA"), "UGA1", hello)).rejects.toMatchObject({ permanent: true, message: expect.stringMatching(/uninstalled/) });
    expect(fake.recorded.slice(mark)).toEqual([]);
  });

  it("another instance that still holds an uninstalled workspace's token reads the installation again on Slack's refusal and stops", async () => {
    const other = await startInstance();
    await install({ team: GAMMA.teamId, user: "UGA1" });
    const club = await address("T0GAMMA");
    await other.adapter.port.sendDirect(club, "UGA1", hello); // the token is cached in the other instance now
    fake.revokeTokens("T0GAMMA");
    await event("T0GAMMA", { type: "app_uninstalled" }); // seen by the first instance only
    const mark = fake.mark();
    await expect(other.adapter.port.sendDirect(club, "UGA1", hello)).rejects.toMatchObject({ permanent: true, message: expect.stringMatching(/uninstalled from Slack workspace T0GAMMA/) });
    expect(fake.recorded.slice(mark).map((r) => `${r.name} ${r.outcome}`)).toEqual(["conversations.open token_revoked"]);
    const later = fake.mark();
    await expect(other.adapter.port.sendDirect(club, "UGA1", hello)).rejects.toMatchObject({ permanent: true });
    expect(fake.recorded.slice(later)).toEqual([]);
  });

  it("an instance holding the token from before a reinstall delivers with the new one, without losing the message", async () => {
    const other = await startInstance();
    const club = await address("T0ALPHA");
    await other.adapter.port.sendDirect(club, "UAL2", hello);
    // Uninstalled and installed again through the first instance, between two deliveries of the other.
    fake.revokeTokens("T0ALPHA");
    await event("T0ALPHA", { type: "app_uninstalled" });
    await install({ team: ALPHA.teamId, user: "UAL1" });
    const mark = fake.mark();
    await other.adapter.port.sendDirect(club, "UAL2", hello);
    const tokens = fake.tokensOf("T0ALPHA");
    const calls = fake.recorded.slice(mark).map((r) => `${r.name} ${r.outcome} ${tokenOf(r) === tokens[tokens.length - 1] ? "new" : "old"}`);
    expect(calls).toEqual(["conversations.open token_revoked old", "conversations.open ok new", "chat.postMessage ok new"]);
  });

  it("two installs of one workspace at once leave one installation and one club", async () => {
    const GAMMA_KEY = "T0GAMMA";
    const [first, second] = await Promise.all([install({ team: GAMMA_KEY, user: "UGA1" }), install({ team: GAMMA_KEY, user: "UGA1" })]);
    expect([first.status, second.status]).toEqual([200, 200]);
    const rows = await database.db.select().from(slackInstallations).where(eq(slackInstallations.installKey, GAMMA_KEY));
    expect(rows).toHaveLength(1);
    expect(rows[0]!.uninstalledAt).toBeNull();
    const [links] = await queryRows<{ n: number }>(database.db, sql`select count(*)::int as n from club_links where platform = 'slack' and external_id = ${GAMMA_KEY}`);
    expect(Number(links!.n)).toBe(1);
    const stored = await createInstallationStore(database.db, createTokenCipher(KEY)).fetchInstallation({ teamId: GAMMA_KEY, enterpriseId: undefined, isEnterpriseInstall: false });
    expect(fake.tokensOf(GAMMA_KEY).slice(-2)).toContain(stored.bot?.token);
  });

  it("tokens refreshed from an installation read before an uninstall do not bring it back", async () => {
    const store = createInstallationStore(database.db, createTokenCipher(KEY), { now: () => clock.now() });
    const query = { teamId: "T0GAMMA", enterpriseId: undefined, isEnterpriseInstall: false } as const;
    const read = await store.fetchInstallation(query);
    expect(await store.markUninstalled("T0GAMMA", clock.now())).toBe(true);
    await store.storeInstallation({ ...read, bot: { ...read.bot!, token: "xoxb-refreshed-too-late", refreshToken: "xoxe-1-too-late", expiresAt: 2_000_000_000 } });
    const [row] = await database.db.select().from(slackInstallations).where(eq(slackInstallations.installKey, "T0GAMMA"));
    expect(row!.uninstalledAt).not.toBeNull();
    expect(row!.botToken).toBeNull();
    await expect(store.fetchInstallation(query)).rejects.toThrow(/uninstalled from Slack workspace T0GAMMA/);
  });

  it("an org-wide Enterprise Grid install serves each workspace of the org with the org's token, club by club", async () => {
    const page = await install({ enterprise: GRID.id, user: "WGR1" });
    expect(page.status).toBe(200);
    expect(page.html).toContain("Grid Org");
    const [row] = await database.db.select().from(slackInstallations).where(eq(slackInstallations.installKey, GRID.id));
    expect(row).toMatchObject({ isEnterpriseInstall: true, enterpriseId: GRID.id, teamId: null });

    expect((await slash(GRID1, "WGR1", "join Platform engineer", { orgWide: true })).text).toContain("Welcome to the job club, Gina!");
    expect((await slash(GRID2, "WGR2", "join", { orgWide: true })).text).toContain("Welcome to the job club, Gil!");
    expect((await clubOf("T0GRID1")).id).not.toBe((await clubOf("T0GRID2")).id);

    const mark = fake.mark();
    await adapter.port.sendDirect(await address("T0GRID2"), "WGR2", hello);
    const [dm] = dmsTo("WGR2", mark);
    expect(dm!.team).toBe("T0GRID2");
    expect(dm!.body.team_id).toBe("T0GRID2");
    expect(tokenOf(dm!)).toBe(fake.tokensOf(GRID.id)[0]);
  });

  it("team_access_revoked takes one workspace out of an org-wide install: its club gets nothing more and keeps its data, the org's others go on; team_access_granted lets it back", async () => {
    // As Slack sends them to an org app: no team at the top, the org in the authorizations.
    async function orgEvent(type: "team_access_revoked" | "team_access_granted", teamIds: string[]) {
      const eventId = `EvO${++seq}`;
      const body = JSON.stringify({
        token: "unused",
        team_id: null,
        enterprise_id: GRID.id,
        api_app_id: "A0WARMPATH",
        event: { type, team_ids: teamIds, event_ts: "1800000000.000003" },
        type: "event_callback",
        event_id: eventId,
        event_time: Math.floor(Date.now() / 1000),
        authorizations: [{ enterprise_id: GRID.id, team_id: "T0GRID1", user_id: "UBOTGRID", is_bot: true, is_enterprise_install: false }],
      });
      expect((await sendSigned(`${baseUrl}/slack/events`, body, "application/json", { secret: SECRET })).status).toBe(200);
      await vi.waitFor(() => expect(logs.some((l) => l.includes('"msg":"slack event handled"') && l.includes(`"eventId":"${eventId}"`))).toBe(true), { timeout: 15_000, interval: 10 });
    }
    const gilsClub = await address("T0GRID2");
    await orgEvent("team_access_revoked", ["T0GRID2"]);
    const mark = fake.mark();
    await expect(adapter.port.sendDirect(gilsClub, "WGR2", hello)).rejects.toMatchObject({ permanent: true, message: expect.stringMatching(/not installed in Slack workspace T0GRID2/) });
    expect(dmsTo("WGR2", mark)).toEqual([]);
    // The org's other workspace goes on, with the org's token.
    await adapter.port.sendDirect(await address("T0GRID1"), "WGR1", hello);
    expect(tokenOf(dmsTo("WGR1", mark)[0]!)).toBe(fake.tokensOf(GRID.id)[0]);
    // The club and its members stay.
    expect((await clubOf("T0GRID2")).id).toBe(gilsClub.clubId);
    const [org] = await database.db.select().from(slackInstallations).where(eq(slackInstallations.installKey, GRID.id));
    expect(org!.orgTeamIds).toEqual(["T0GRID1"]);
    expect(org!.uninstalledAt).toBeNull();
    const runner = createJobRunner({ db: database.db, clock, logger });
    const slot = new Date(Date.parse(MIDWEEK) + 21 * 86_400_000);
    expect(await runner.run(gilsClub.clubId, "digest", slot)).toEqual({ ran: false, reason: "unreachable" });
    expect(await runner.run((await clubOf("T0GRID1")).id, "digest", slot)).toMatchObject({ ran: true });

    await orgEvent("team_access_granted", ["T0GRID2"]);
    const again = fake.mark();
    await adapter.port.sendDirect(gilsClub, "WGR2", hello);
    expect(dmsTo("WGR2", again)).toHaveLength(1);
    expect(await runner.run(gilsClub.clubId, "digest", new Date(Date.parse(MIDWEEK) + 28 * 86_400_000))).toMatchObject({ ran: true });
  });

  it("never logs a workspace's token", () => {
    const tokens = [...["T0ALPHA", "T0BETA", "T0GAMMA", "T0ROT", GRID.id].flatMap((key) => fake.tokensOf(key))];
    expect(tokens.length).toBeGreaterThan(6);
    const all = logs.join("\n");
    for (const token of tokens) expect(all).not.toContain(token);
    expect(all).not.toContain(CLIENT_SECRET);
  });
});
