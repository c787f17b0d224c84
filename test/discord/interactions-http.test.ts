import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sql } from "drizzle-orm";
import { backends } from "../support/databases.js";
import { queryRows, type Database } from "../../src/db/client.js";
import { isoWeek } from "../../src/core/dates.js";
import { createLogger } from "../../src/util/logger.js";
import { createHealthCheck, healthRoute } from "../../src/http/health.js";
import { DISCORD_INSTALL_PATH, MAX_INTERACTION_BYTES, type DiscordInteractionsAdapter } from "../../src/adapters/discord/http-adapter.js";
import { inviteUrl } from "../../src/adapters/discord/permissions.js";
import { CALLBACK } from "./fake-discord.js";
import { buttonsOf, startWorld, textOf, type World } from "./world.js";

/**
 * Warmpath over Discord's HTTP interactions, with no gateway connection: the fake Discord signs each
 * interaction with the application's Ed25519 key and POSTs it to the adapter's route on a real web
 * server; answers come back in the HTTP response and, deferred, as edits through the interaction's
 * webhook; DMs and threads go out over REST. This world defers every answer (`deferAfterMs: 0`), so
 * each reply arrives as the edit of the original "thinking…" answer.
 */
describe.each(backends)("Discord over HTTP interactions on $name", (backend) => {
  let database: Database;
  let w: World<DiscordInteractionsAdapter>;
  let base: string;

  beforeAll(async () => {
    database = await backend.open();
    w = await startWorld(database, { mode: "http", deferAfterMs: 0 });
    base = w.url!.replace(/\/discord\/interactions$/, "");
  });
  afterAll(async () => {
    await w?.stop();
    await database?.close();
  });

  const goalsNamed = async (text: string) => (await queryRows<{ n: number }>(database.db, sql`select count(*)::int as n from goals where text = ${text}`))[0]!.n;

  it("passes the Developer Portal's check of the endpoint: a signed PING gets a PONG, a bad signature 401", async () => {
    expect(await w.fake.verifyEndpoint(w.url!)).toEqual({ ok: true, problems: [] });
    const pong = await w.fake.signedPost(w.url!, { id: "1", application_id: w.fake.applicationId, type: 1, token: "t", version: 1 });
    expect(pong).toEqual({ status: 200, contentType: "application/json", text: JSON.stringify({ type: 1 }) });
  });

  it("refuses unsigned, forged, wrongly keyed and stale requests with 401, and does nothing for them", async () => {
    const payload = w.fake.commandPayload(w.guild, w.ana, "goal add", { text: "A goal nobody signed" });
    const now = Math.floor(Date.now() / 1000);
    const attempts = [
      { tamper: "no-signature" as const },
      { tamper: "no-timestamp" as const },
      { tamper: "forged-body" as const },
      { tamper: "other-key" as const },
      // Captured and replayed ten minutes later, or "from the future".
      { timestamp: now - 600 },
      { timestamp: now + 600 },
    ];
    const statuses = [];
    for (const attempt of attempts) statuses.push((await w.fake.signedPost(w.url!, payload, attempt)).status);
    expect(statuses).toEqual([401, 401, 401, 401, 401, 401]);
    // A signature that is not hex, and one of the right length over other bytes.
    const raw = JSON.stringify(payload);
    const bad = await fetch(w.url!, { method: "POST", headers: { "x-signature-ed25519": "zz", "x-signature-timestamp": String(now), "content-type": "application/json" }, body: raw });
    expect(bad.status).toBe(401);
    const zeros = await fetch(w.url!, { method: "POST", headers: { "x-signature-ed25519": "0".repeat(128), "x-signature-timestamp": String(now), "content-type": "application/json" }, body: raw });
    expect(zeros.status).toBe(401);

    expect(await goalsNamed("A goal nobody signed")).toBe(0);
    expect(w.fake.calls.filter((c) => c.path.includes(String(payload.token)))).toEqual([]);
    expect(w.logs.some((l) => l.includes("refused an interaction request") && l.includes('"reason":"forged"'))).toBe(true);
    expect(w.logs.some((l) => l.includes('"reason":"stale"'))).toBe(true);
  });

  it("refuses a body over the size limit before reading it, and a signed body that is not an interaction", async () => {
    const huge = await w.fake.signedPost(w.url!, JSON.stringify({ type: 2, padding: "x".repeat(MAX_INTERACTION_BYTES) }));
    expect(huge.status).toBe(413);
    expect((await w.fake.signedPost(w.url!, "not json")).status).toBe(400);
    expect((await w.fake.signedPost(w.url!, JSON.stringify({ hello: "world" }))).status).toBe(400);
    expect((await fetch(w.url!)).status).toBe(405);
  });

  it("goal add and goal list, each answered as the edit of a private deferred answer", async () => {
    const joined = await w.run(w.ana, "join", { headline: "Data engineer" });
    expect(textOf(joined)).toContain("Welcome to the job club, Ana! You're looking for: Data engineer.");

    const added = await w.run(w.ana, "goal add", { text: "Reach out to 3 people" });
    expect(added.sequence).toEqual([CALLBACK.deferredReply, "edit"]);
    expect(added.ephemeral).toBe(true);
    expect(textOf(added)).toMatch(/^Goal 1 for \d{4}-W\d{2} set: Reach out to 3 people$/m);

    const list = await w.run(w.ana, "goal list");
    expect(list.sequence).toEqual([CALLBACK.deferredReply, "edit"]);
    expect(list.ephemeral).toBe(true);
    expect(textOf(list)).toContain("1. ⬜ Reach out to 3 people");
    expect(buttonsOf(list.message)).toEqual([{ label: "Done #1", customId: `goal done 1 ${isoWeek(w.clock.now(), "UTC")}` }]);
    // The club was created by its first command, named after the server as read over REST.
    const clubs = await queryRows<{ name: string }>(database.db, sql`select name from clubs`);
    expect(clubs.map((c) => c.name)).toEqual(["Job Club"]);
  });

  it("a button click runs its command as the clicker", async () => {
    const listed = await w.fake.answer(w.fake.command(w.guild, w.ana, "goal list"));
    const done = buttonsOf(listed.message)[0]!;
    const click = w.fake.clickOnAnswer(w.guild, w.ana, [...w.fake.interactions.values()].at(-1)!, done.customId);
    const answer = await w.fake.answer(click);
    expect(answer.sequence).toEqual([CALLBACK.deferredReply, "edit"]);
    expect(answer.ephemeral).toBe(true);
    expect(textOf(answer)).toContain("✅ Done: Reach out to 3 people");
    // Someone else's click on the same button acts for them, not for ana.
    const bobs = await w.fake.answer(w.fake.clickOnAnswer(w.guild, w.bob, [...w.fake.interactions.values()].at(-1)!, done.customId));
    expect(textOf(bobs)).not.toContain("Reach out to 3 people");
  });

  it("offers company autocomplete in the HTTP response", async () => {
    await w.run(w.bob, "join");
    await w.run(w.bob, "network add", { company: "Acme Corp", relation: "works" });
    const answer = await w.fake.answer(w.fake.autocomplete(w.guild, w.ana, "who", { company: "ac" }, "company"));
    expect(answer.sequence).toEqual([CALLBACK.autocomplete]);
    expect((answer.message as { choices?: unknown }).choices).toEqual([{ name: "Acme Corp", value: "Acme Corp" }]);
  });

  it("sends export's file with the edit, since an HTTP response can't carry one", async () => {
    const answer = await w.run(w.ana, "export");
    expect(answer.sequence).toEqual([CALLBACK.deferredReply, "edit"]);
    expect(answer.ephemeral).toBe(true);
    expect(answer.files).toHaveLength(1);
    expect(answer.files[0]).toMatchObject({ name: "warmpath-export.json", contentType: "application/json" });
    expect(answer.files[0]!.text).toContain("Reach out to 3 people");
  });

  it("posts a win in the channel where it was shared, over REST, pinging nobody", async () => {
    const random = w.fake.channel(w.guild, "random");
    expect(textOf(await w.run(w.ana, "win", { text: "Second round at Acme! @everyone" }, { channelId: random.id }))).toContain("Congratulations");
    await w.dispatcher.drain();
    const [post] = w.fake.messagesIn(random.id);
    expect(post!.content).toBe("🎉 Ana: Second round at Acme! @everyone");
    expect(w.fake.pingsOf(post!)).toEqual({ everyone: false, users: [], roles: [] });
  });

  it("delivers an intro's DM over REST and opens the room as a private thread in the club channel, with no gateway", async () => {
    const asked = await w.run(w.ana, "intro request", { helper: w.bob.id, company: "Acme", ask: "Could you introduce me?" });
    expect(textOf(asked)).toContain("Asked Bobby for an introduction at Acme Corp (#1)");
    await w.dispatcher.drain();
    const [request] = w.fake.dmsTo(w.bob);
    expect(request!.content).toBe("Intro request #1: Acme Corp");
    const accept = buttonsOf(request!).find((b) => b.label === "Accept")!.customId;
    // The click arrives from a DM, without a server: the custom_id names it and REST confirms bob is in it.
    expect(textOf(await w.fake.answer(w.fake.click(w.bob, request!, accept)))).toContain("Thank you!");
    await w.dispatcher.drain();
    const [thread] = w.fake.threads();
    expect(thread).toMatchObject({ parentId: w.fake.channel(w.guild, "job-club").id, name: "Introduction #1: Acme Corp" });
    expect([...thread!.members!].sort()).toEqual([w.fake.bot.id, w.ana.id, w.bob.id].sort());

    expect(w.fake.gateway.urls).toEqual([]);
    expect(w.fake.gateway.identifies).toEqual([]);
    expect(w.fake.calls.some((c) => c.path === "/gateway/bot")).toBe(false);
    // The server was read over REST when first needed: the "guild join" the gateway would announce.
    expect(w.fake.calls.filter((c) => c.method === "GET" && c.path === `/guilds/${w.guild.id}/channels`).length).toBeGreaterThanOrEqual(1);
  });

  it("answers /healthz with discord up while the REST API accepts the token, and down when it stops", async () => {
    const logger = createLogger({ level: "silent" });
    w.web!.route(healthRoute(createHealthCheck(database.db, [w.adapter]), logger));
    const up = await fetch(`${base}/healthz`);
    expect(up.status).toBe(200);
    expect(await up.json()).toEqual({ status: "ok", discord: "up", database: "up" });

    w.fake.fail({ method: "GET", path: /^\/users\/@me$/, status: 502 });
    expect(await w.adapter.checkRest()).toBe(false);
    const down = await fetch(`${base}/healthz`);
    expect(down.status).toBe(503);
    expect(await down.json()).toMatchObject({ discord: "down", database: "up" });
    expect(await w.adapter.checkRest()).toBe(true);
    expect((await fetch(`${base}/healthz`)).status).toBe(200);
  });

  it("redirects /discord/install to the invite link with the bot and applications.commands scopes", async () => {
    const res = await fetch(`${base}${DISCORD_INSTALL_PATH}`, { redirect: "manual" });
    expect(res.status).toBe(302);
    expect(res.headers.get("location")).toBe(inviteUrl(w.fake.applicationId));
    expect(res.headers.get("location")).toContain("scope=bot+applications.commands");
  });

  it("refuses new interactions with 503 once shutting down", async () => {
    await w.adapter.stop();
    const ping = await w.fake.signedPost(w.url!, { id: "1", application_id: w.fake.applicationId, type: 1, token: "t", version: 1 });
    expect(ping.status).toBe(503);
    expect(w.adapter.healthy()).toBe(false);
  });

  it("never writes the bot token to a log line", () => {
    expect(w.logs.length).toBeGreaterThan(0);
    expect(w.logs.join("\n")).not.toContain(w.fake.token);
  });
});
