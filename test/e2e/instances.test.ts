import { spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { and, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { openPostgres, type Database } from "../../src/db/client.js";
import { goals, outbox, scheduledRuns, slackInstallations } from "../../src/db/schema/index.js";
import { findClub } from "../../src/db/store/clubs.js";
import { enqueueForClub } from "../../src/db/store/outbox.js";
import { createScratchDatabase } from "../support/databases.js";
import { botCommand, freePort, userEnv } from "../support/processes.js";
import { startFakeSlackApi, type FakeSlackApi, type FakeUser, type FakeWorkspace, type Recorded } from "../slack/fake-slack-api.js";
import { interactionBody, sendSigned, slashCommandBody } from "../slack/sign.js";
import { startFakeDiscord, type FakeDiscord, type FakeGuild, type FakeUser as DiscordUser } from "../discord/fake-discord.js";
import { textOf } from "../discord/world.js";

/**
 * A hosted Warmpath: three identical `node dist/main.js` processes on one Postgres, serving a Slack
 * app any workspace installs (OAuth) and Discord over HTTP interactions, with every request sent to
 * the next instance in turn, as a load balancer would. Each effect must happen once: an install
 * begun on one instance and finished on another, commands, a click sent to two instances at once,
 * Discord interactions, an uninstall, and a digest all three schedulers fire.
 *
 * Postgres only: several processes cannot share one embedded PGlite.
 */
const pgUrl = process.env.TEST_DATABASE_URL;
const SECRET = "instances-signing-secret-0123456789";
const CLIENT_ID = "3333333333.4444444444";
const CLIENT_SECRET = "instances-client-secret";
const STATE_SECRET = "instances-state-secret-0123456789";
const KEY = randomBytes(32).toString("base64");
const FORM = "application/x-www-form-urlencoded";

const workspace = (teamId: string, teamName: string, users: FakeUser[], channel: string): FakeWorkspace => ({
  teamId,
  teamName,
  botUserId: `UBOT${teamId}`,
  botId: `B${teamId}`,
  users: [...users, { id: `UBOT${teamId}`, name: "warmpath", isBot: true }],
  channels: { [channel]: { botIsMember: true } },
});
const ALPHA = workspace("T0ALPHA", "Alpha Club", [{ id: "UAL1", name: "ana", displayName: "Ana", isAdmin: true }, { id: "UAL2", name: "al", displayName: "Al" }], "CALPHA");
const BETA = workspace("T0BETA", "Beta Club", [{ id: "UBE1", name: "bea", displayName: "Bea", isAdmin: true }], "CBETA");

interface Instance {
  url: string;
  child: ChildProcess;
  stderr: () => string;
  exited: Promise<number | null>;
}

describe.skipIf(!pgUrl)("three instances of node dist/main.js on one Postgres, requests round-robin", { timeout: 300_000 }, () => {
  let scratch: Awaited<ReturnType<typeof createScratchDatabase>>;
  let database: Database;
  let slack: FakeSlackApi;
  let discord: FakeDiscord;
  let guild: FakeGuild;
  let dora: DiscordUser;
  let dan: DiscordUser;
  const instances: Instance[] = [];
  let turn = 0;
  let seq = 0;
  /** The next instance, as a round-robin load balancer picks it. */
  const next = () => instances[turn++ % instances.length]!;

  async function startInstance(): Promise<Instance> {
    const port = await freePort();
    const { command, args, cwd } = botCommand();
    const child = spawn(command, args, {
      cwd,
      env: userEnv({
        DATABASE_URL: scratch.url,
        PORT: String(port),
        LOG_LEVEL: "info",
        SLACK_CLIENT_ID: CLIENT_ID,
        SLACK_CLIENT_SECRET: CLIENT_SECRET,
        SLACK_STATE_SECRET: STATE_SECRET,
        SLACK_SIGNING_SECRET: SECRET,
        SLACK_TOKEN_ENCRYPTION_KEY: KEY,
        SLACK_API_URL: slack.apiUrl,
        // Behind one load balancer every instance has the same public address; the test plays the balancer.
        PUBLIC_URL: `http://127.0.0.1:${port}`,
        DISCORD_TOKEN: discord.token,
        DISCORD_APPLICATION_ID: discord.applicationId,
        DISCORD_PUBLIC_KEY: discord.publicKey,
        DISCORD_API_URL: discord.apiUrl,
      }),
    });
    let stderr = "";
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    child.stdout.resume();
    const exited = new Promise<number | null>((resolve) => child.on("close", (code) => resolve(code)));
    const url = `http://127.0.0.1:${port}`;
    await vi.waitFor(
      async () => {
        if (child.exitCode !== null) throw new Error(`instance exited with ${child.exitCode}:\n${stderr}`);
        expect((await fetch(`${url}/healthz`)).status).toBe(200);
      },
      { timeout: 120_000, interval: 100 },
    );
    return { url, child, stderr: () => stderr, exited };
  }

  beforeAll(async () => {
    scratch = await createScratchDatabase(pgUrl!);
    slack = await startFakeSlackApi({
      botToken: "xoxb-legacy-not-used",
      teamId: ALPHA.teamId,
      teamName: ALPHA.teamName,
      botUserId: ALPHA.botUserId,
      botId: ALPHA.botId,
      users: ALPHA.users,
      channels: ALPHA.channels,
      workspaces: [BETA],
      oauth: { clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, appId: "A0WARMPATH" },
    });
    discord = await startFakeDiscord();
    guild = discord.addGuild({ name: "Discord Club", channels: ["general", "job-club"] });
    dora = discord.addMember(guild, { username: "dora", globalName: "Dora", admin: true });
    dan = discord.addMember(guild, { username: "dan", globalName: "Dan" });
    // The first migrates the empty database; the other two start together against it.
    instances.push(await startInstance());
    instances.push(...(await Promise.all([startInstance(), startInstance()])));
    discord.setInteractionsEndpoint(instances.map((i) => `${i.url}/discord/interactions`));
    database = await openPostgres(scratch.url, { poolSize: 2 });
  });

  afterAll(async () => {
    for (const instance of instances) if (instance.child.exitCode === null) instance.child.kill("SIGKILL");
    await database?.close();
    await slack?.close();
    await discord?.close();
    await scratch?.drop();
  });

  const tokenOf = (r: Recorded) => r.authorization?.replace(/^Bearer /, "");
  const clubOf = async (platform: "slack" | "discord", externalId: string) => (await findClub(database.db, { platform, externalId }))!;

  /** The whole install: the page on one instance, Slack's approval, the redirect landing on the next. */
  async function install(ws: FakeWorkspace, userId: string) {
    const page = await fetch(`${next().url}/slack/install`);
    const html = await page.text();
    expect(page.status).toBe(200);
    const authorize = new URL(/id="add-to-slack" href="([^"]+)"/.exec(html)![1]!.replace(/&amp;/g, "&"));
    const cookie = page.headers
      .getSetCookie()
      .map((c) => c.split(";")[0]!)
      .join("; ");
    authorize.searchParams.set("team", ws.teamId);
    authorize.searchParams.set("user", userId);
    const approved = await fetch(authorize, { redirect: "manual" });
    expect(approved.status).toBe(302);
    // Slack sends the browser back to PUBLIC_URL; the balancer hands it to whichever instance is next.
    const back = new URL(approved.headers.get("location")!);
    const landing = new URL(`${back.pathname}${back.search}`, next().url);
    const landed = await fetch(landing, { headers: { cookie } });
    return { status: landed.status, html: await landed.text() };
  }

  async function slash(ws: FakeWorkspace, userId: string, text: string, instance = next()) {
    const id = `inst-cmd${++seq}`;
    const user = ws.users.find((u) => u.id === userId)!;
    const body = slashCommandBody({ command: "/jobclub", text, userId, userName: user.name, teamId: ws.teamId, teamDomain: ws.teamName.toLowerCase().replace(/\W/g, ""), channelId: Object.keys(ws.channels)[0]!, responseUrl: slack.responseUrl(id) });
    const ack = await sendSigned(`${instance.url}/slack/events`, body, FORM, { secret: SECRET });
    expect(ack.status).toBe(200);
    return { id, answer: (await slack.response(id)).body as { text: string; blocks?: unknown[] } };
  }

  it("an install begun on one instance finishes on another, once, with the token stored encrypted", async () => {
    const alpha = await install(ALPHA, "UAL1");
    expect(alpha.status, alpha.html).toBe(200);
    const beta = await install(BETA, "UBE1");
    expect(beta.status, beta.html).toBe(200);
    const rows = await database.db.select().from(slackInstallations);
    expect(rows.map((r) => r.teamId).sort()).toEqual([ALPHA.teamId, BETA.teamId]);
    expect(JSON.stringify(rows)).not.toMatch(/xoxb-/);
    expect(slack.calls("oauth.v2.access")).toHaveLength(2);
  });

  it("commands at every instance reach the workspace's own club, and concurrent goal adds each land once", async () => {
    expect((await slash(ALPHA, "UAL1", "join Product manager")).answer.text).toContain("Welcome");
    expect((await slash(ALPHA, "UAL2", "join Data analyst")).answer.text).toContain("Welcome");
    expect((await slash(BETA, "UBE1", "join Designer")).answer.text).toContain("Welcome");
    // Six adds at once, two at each instance.
    const adds = await Promise.all([1, 2, 3, 4, 5, 6].map((n) => slash(ALPHA, "UAL1", `goal add Reach out to person ${n}`)));
    for (const add of adds) expect(add.answer.text).toMatch(/goal/i);
    const alphaClub = await clubOf("slack", ALPHA.teamId);
    const betaClub = await clubOf("slack", BETA.teamId);
    expect(alphaClub.id).not.toBe(betaClub.id);
    const added = await database.db.select().from(goals).where(eq(goals.clubId, alphaClub.id));
    expect(added.map((g) => g.text).sort()).toEqual([1, 2, 3, 4, 5, 6].map((n) => `Reach out to person ${n}`).sort());
    expect(await database.db.select().from(goals).where(eq(goals.clubId, betaClub.id))).toHaveLength(0);
    // Every call to Slack for a workspace used that workspace's own token.
    const lookups = slack.recorded.filter((r) => r.name === "users.info");
    for (const lookup of lookups) {
      const team = String(lookup.body.user).startsWith("UBE") ? BETA.teamId : ALPHA.teamId;
      expect(lookup.team).toBe(team);
      expect(slack.tokensOf(team)).toContain(tokenOf(lookup));
    }
  });

  it("the same Done click sent to two instances at once marks the goal done once", async () => {
    const listed = await slash(ALPHA, "UAL2", "goal add Apply to Initech");
    expect(listed.answer.text).toContain("Initech");
    const list = await slash(ALPHA, "UAL2", "goal list");
    const button = JSON.stringify(list.answer.blocks ?? []).match(/"value":"(goal done [^"]+)"/)?.[1];
    expect(button, JSON.stringify(list.answer.blocks)).toBeDefined();
    const click = (instance: Instance) => {
      const id = `inst-click${++seq}`;
      const payload = {
        type: "block_actions",
        user: { id: "UAL2", username: "al", team_id: ALPHA.teamId },
        api_app_id: "A0WARMPATH",
        token: "unused",
        container: { type: "message", message_ts: "1800000000.000100", channel_id: "CALPHA", is_ephemeral: true },
        trigger_id: "1337.42.click",
        team: { id: ALPHA.teamId, domain: "alphaclub" },
        channel: { id: "CALPHA", name: "job-club" },
        response_url: slack.responseUrl(id),
        actions: [{ type: "button", action_id: "warmpath:0", block_id: "b1", text: { type: "plain_text", text: "Done" }, value: button, action_ts: "1800000000.1" }],
      };
      return sendSigned(`${instance.url}/slack/events`, interactionBody(payload), FORM, { secret: SECRET }).then(async (ack) => {
        expect(ack.status).toBe(200);
        return (await slack.response(id)).body as { text: string };
      });
    };
    const answers = await Promise.all([click(instances[0]!), click(instances[1]!)]);
    const club = await clubOf("slack", ALPHA.teamId);
    const done = await database.db.select().from(goals).where(and(eq(goals.clubId, club.id), eq(goals.text, "Apply to Initech")));
    expect(done).toHaveLength(1);
    expect(done[0]!.doneAt).not.toBeNull();
    // One click did it; the other was told it was already done (or did nothing new).
    expect(answers.filter((a) => /already/i.test(a.text))).toHaveLength(1);
  });

  it("Discord interactions spread over the instances make one club, and each command's effect once", async () => {
    const joins = await Promise.all([discord.answer(discord.command(guild, dora, "join", { headline: "Engineer" })), discord.answer(discord.command(guild, dan, "join", { headline: "Analyst" }))]);
    for (const join of joins) expect(textOf(join)).toContain("Welcome to the job club");
    const club = await clubOf("discord", guild.id);
    const adds = await Promise.all([1, 2, 3].map((n) => discord.answer(discord.command(guild, dora, "goal add", { text: `Discord goal ${n}` }))));
    for (const add of adds) expect(textOf(add)).toMatch(/goal/i);
    const rows = await database.db.select().from(goals).where(eq(goals.clubId, club.id));
    expect(rows.map((g) => g.text).sort()).toEqual(["Discord goal 1", "Discord goal 2", "Discord goal 3"]);
  });

  it("app_uninstalled at one instance stops every instance sending to that workspace, and keeps its data", async () => {
    const body = JSON.stringify({
      token: "unused",
      team_id: BETA.teamId,
      api_app_id: "A0WARMPATH",
      event: { type: "app_uninstalled", event_ts: "1800000000.000002" },
      type: "event_callback",
      event_id: "EvInstUninstall",
      event_time: Math.floor(Date.now() / 1000),
      authorizations: [{ enterprise_id: null, team_id: BETA.teamId, user_id: BETA.botUserId, is_bot: true, is_enterprise_install: false }],
    });
    expect((await sendSigned(`${next().url}/slack/events`, body, "application/json", { secret: SECRET })).status).toBe(200);
    const betaClub = await clubOf("slack", BETA.teamId);
    await vi.waitFor(async () => {
      const [row] = await database.db.select().from(slackInstallations).where(eq(slackInstallations.teamId, BETA.teamId));
      expect(row?.uninstalledAt ?? null).not.toBeNull();
    });
    // A DM for the uninstalled workspace, queued as the scheduler would: no instance calls Slack for it.
    const mark = slack.mark();
    await enqueueForClub(database.db, { platform: "slack", externalId: BETA.teamId, name: BETA.teamName }, { kind: "account", platform: "slack", userId: "UBE1", reply: { text: "After the uninstall", visibility: "private", tone: "info" }, dedupeKey: "after-uninstall" }, new Date());
    await vi.waitFor(async () => {
      const [row] = await database.db.select().from(outbox).where(and(eq(outbox.clubId, betaClub.id), eq(outbox.dedupeKey, "after-uninstall")));
      expect(row?.status).toBe("failed");
    }, { timeout: 60_000, interval: 200 });
    expect(slack.recorded.slice(mark).filter((r) => r.name === "chat.postMessage" && r.team === BETA.teamId)).toEqual([]);
    // The club and its member are still there.
    expect((await clubOf("slack", BETA.teamId)).id).toBe(betaClub.id);
    // Alpha is unaffected: its commands still work at every instance.
    for (let i = 0; i < instances.length; i++) expect((await slash(ALPHA, "UAL1", "goal list")).answer.text).toContain("Reach out to person 1");
  });

  it("a digest every scheduler fires is posted once per slot", async () => {
    expect((await slash(ALPHA, "UAL1", "config digest-channel here")).answer.text).not.toMatch(/can't|cannot|not/i);
    const mark = slack.mark();
    // Every minute, set at one instance; the others follow within their schedule reload.
    expect((await slash(ALPHA, "UAL1", "config digest * * * * *")).answer.text).toMatch(/digest/i);
    const club = await clubOf("slack", ALPHA.teamId);
    const digestPosts = () => slack.recorded.slice(mark).filter((r) => r.name === "chat.postMessage" && r.body.channel === "CALPHA" && r.outcome === "ok" && /digest|week/i.test(String(r.body.text)));
    await vi.waitFor(() => expect(digestPosts().length).toBeGreaterThan(0), { timeout: 150_000, interval: 500 });
    expect((await slash(ALPHA, "UAL1", "config digest off")).answer.text).toMatch(/digest/i);
    // Let any slot already claimed finish delivering, then count: one post per claimed slot.
    await new Promise((resolve) => setTimeout(resolve, 5_000));
    const runs = await database.db.select().from(scheduledRuns).where(and(eq(scheduledRuns.clubId, club.id), eq(scheduledRuns.job, "digest")));
    expect(runs.length).toBeGreaterThan(0);
    expect(digestPosts()).toHaveLength(runs.length);
  });

  it("every instance stops cleanly on SIGTERM and never logged a token", async () => {
    for (const instance of instances) instance.child.kill("SIGTERM");
    const codes = await Promise.all(instances.map((i) => i.exited));
    expect(codes).toEqual([0, 0, 0]);
    for (const instance of instances) {
      expect(instance.stderr()).not.toContain(CLIENT_SECRET);
      expect(instance.stderr()).not.toMatch(/xoxb-[A-Za-z0-9-]{6,}/);
    }
  });
});
