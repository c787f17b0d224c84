import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sql } from "drizzle-orm";
import { backends } from "../support/databases.js";
import { queryRows, type Database } from "../../src/db/client.js";
import type { ClubRef } from "../../src/core/types.js";
import { CLUB_TABLES, codeIn, createLinkingWorld, type LinkingWorld, type Person } from "./linking-world.js";

const boss: Person = { id: "U_BOSS", name: "boss", admin: true };
const ana: Person = { id: "U_ANA", name: "ana" };
const bob: Person = { id: "U_BOB", name: "bob" };
const mod: Person = { id: "9000", name: "mod", admin: true };
const cy: Person = { id: "3001", name: "cy" };
const dee: Person = { id: "3002", name: "dee" };

describe.each(backends)("linking clubs across Slack and Discord on $name", (backend) => {
  let database: Database;
  let w: LinkingWorld;
  beforeAll(async () => {
    database = await backend.open();
    w = createLinkingWorld(database);
  });
  afterAll(async () => {
    await database?.close();
  });

  /** A Slack club and a Discord club with data on both sides, the same company typed two ways. */
  async function twoClubs() {
    const places = w.places();
    const { slack, discord } = places;
    await w.as(slack, boss, "config timezone Europe/Berlin");
    await w.as(slack, ana, "join Data engineer");
    await w.as(slack, ana, "goal add Send 5 messages");
    await w.as(slack, ana, "target add Acme interviewing");
    await w.as(slack, bob, "network add Acme works");
    await w.as(slack, ana, "intro <@U_BOB> Acme: who leads data?");
    await w.as(slack, ana, "thanks <@U_BOB> information");
    await w.as(discord, mod, "config timezone Asia/Tokyo");
    await w.as(discord, cy, "join Designer");
    await w.as(discord, cy, "network add ACME, Inc. knows");
    await w.as(discord, cy, "target add Initech");
    await w.as(discord, dee, "network add Initech works");
    await w.as(discord, cy, "intro <@3002> Initech: a referral?");
    await w.as(discord, dee, "intro accept 1");
    await w.as(discord, cy, "win Second round at Initech");
    await w.as(discord, cy, "log coffee with dee");
    return places;
  }

  it("config link prints a short one-time code, stored only as a hash", async () => {
    const { slack } = w.places();
    const reply = await w.as(slack, boss, "config link");
    expect(reply.visibility).toBe("private");
    const code = codeIn(reply);
    expect(reply.text).toContain("15 minutes");
    expect(reply.text).toContain("/jobclub config` with setting `link` and value `" + code);
    const rows = await queryRows<{ code_hash: string; kind: string; platform: string }>(database.db, sql`select code_hash, kind, platform from link_codes where club_id = ${(await w.clubId(slack))!}`);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ kind: "club", platform: "slack" });
    expect(rows[0]!.code_hash).not.toContain(code.replace("-", ""));
    expect(rows[0]!.code_hash).toMatch(/^[0-9a-f]{64}$/);
    // A second code replaces the first: one live code per organiser.
    const again = codeIn(await w.as(slack, boss, "config link"));
    expect(again).not.toBe(code);
    expect(await queryRows(database.db, sql`select id from link_codes where club_id = ${(await w.clubId(slack))!}`)).toHaveLength(1);
  });

  it("config link <code> on Discord makes one club: every row kept, companies merged by name, intros renumbered, the code's club's settings", async () => {
    const { slack, discord } = await twoClubs();
    const slackId = (await w.clubId(slack))!;
    const discordId = (await w.clubId(discord))!;
    const before = await w.counts([slackId, discordId], CLUB_TABLES);
    const [companiesBefore] = await queryRows<{ n: number }>(database.db, sql`select count(*)::int as n from companies where club_id in (${slackId}, ${discordId})`);
    const code = codeIn(await w.as(slack, boss, "config link"));
    w.clear();
    const reply = await w.as(discord, mod, `config link ${code.toLowerCase().replace("-", " ")}`);
    expect(reply.tone).toBe("success");
    expect(reply.text).toContain("Linked: this Discord server is now part of “Slack");
    expect(reply.text).toContain("timezone Europe/Berlin");
    expect(reply.text).toContain("#2–#2");
    // One club under both links; the Discord club is gone.
    expect(await w.clubId(discord)).toBe(slackId);
    expect(await queryRows(database.db, sql`select id from clubs where id = ${discordId}`)).toHaveLength(0);
    const after = await w.counts([slackId], CLUB_TABLES);
    // Every row is kept (the outbox gains the link's notes: the code maker's and two renumber DMs).
    for (const table of CLUB_TABLES.filter((t) => t !== "outbox")) expect(after[table], table).toBe(before[table]);
    expect(after.outbox).toBe(before.outbox! + 3);
    const [companiesAfter] = await queryRows<{ n: number }>(database.db, sql`select count(*)::int as n from companies where club_id = ${slackId}`);
    expect(Number(companiesAfter!.n)).toBe(Number(companiesBefore!.n) - 1);
    const numbers = await queryRows<{ number: number }>(database.db, sql`select number from intros where club_id = ${slackId} order by number`);
    expect(numbers.map((n) => Number(n.number))).toEqual([1, 2]);
    // The Slack club's settings win; Discord's timezone is gone with its club.
    expect((await w.as(discord, mod, "config")).text).toContain("Timezone: Europe/Berlin");
    // Warm paths span both: ana on Slack finds cy's tie at "ACME, Inc." under the Slack name Acme.
    const who = await w.as(slack, ana, "who acme");
    expect(who.text).toContain("bob works at Acme");
    expect(who.text).toContain("cy (Designer) knows someone at Acme");
    // The Discord intro answers to its new number, for its own members only.
    expect((await w.as(discord, cy, "intro outcome 2 met")).tone).toBe("success");
    // The code's maker heard on Slack; cy and dee on Discord were told their intro's new number.
    expect(w.slack.deliveries.map((d) => d.kind === "direct" && d.userId)).toContain("U_BOSS");
    const renumbered = w.discord.deliveries.filter((d) => d.reply.title === "Your introductions have new numbers");
    expect(renumbered.map((d) => (d.kind === "direct" ? d.userId : "")).sort()).toEqual(["3001", "3002"]);
    expect(renumbered[0]!.reply.text).toContain("#1 (Initech");
    expect(renumbered[0]!.reply.text).toContain("is now #2");
  });

  it("waiting messages follow the merge, with their intro buttons renumbered", async () => {
    const { slack, discord } = w.places();
    await w.as(slack, ana, "target add Acme");
    await w.as(slack, bob, "network add Acme works");
    await w.as(slack, ana, "intro <@U_BOB> Acme");
    await w.as(discord, dee, "network add Initech works");
    // Discord is down when cy asks: the request waits in the outbox.
    w.discord.failNext(new Error("discord unreachable"));
    await w.as(discord, cy, "intro <@3002> Initech");
    const discordId = (await w.clubId(discord))!;
    const [waiting] = await queryRows<{ id: number }>(database.db, sql`select id from outbox where club_id = ${discordId} and status = 'pending'`);
    expect(waiting).toBeDefined();
    // The code is made while the request still waits for its retry (which `as` would deliver).
    const code = codeIn(await w.core.handle({ club: slack, actor: { platformUserId: boss.id, displayName: "boss", isPlatformAdmin: true }, via: "text", text: "config link" }));
    w.clock.advance(5 * 60_000);
    w.clear();
    await w.as(discord, mod, `config link ${code}`);
    const request = w.discord.deliveries.find((d) => d.kind === "direct" && d.userId === "3002" && d.reply.buttons?.some((b) => b.label === "Accept"));
    expect(request?.reply.buttons?.map((b) => b.command)).toEqual(["intro accept 2", "intro decline 2"]);
    expect(request?.reply.title).toContain("Intro request #2");
    expect(request?.reply.text).toContain("`intro accept 2`");
    expect((await w.as(discord, dee, "intro accept 2")).tone).toBe("success");
    const [row] = await queryRows<{ dedupe_key: string }>(database.db, sql`select dedupe_key from outbox where id = ${waiting!.id}`);
    expect(row!.dedupe_key).toBe("intro:2:request");
  });

  it("refuses an unknown, mistyped, expired or used code, a code of the same platform, a member code and a non-organiser, leaving the code usable", async () => {
    const { slack, discord, slack2, discord2 } = w.places();
    await w.as(slack, ana, "join");
    const code = codeIn(await w.as(slack, boss, "config link"));
    const refused = async (place: ClubRef, who: Person, text: string, says: string) => {
      const reply = await w.as(place, who, text);
      expect(reply.tone, text).toBe("error");
      expect(reply.text, text).toContain(says);
    };
    await refused(discord, mod, "config link ZZZZ-ZZZZ", "I don't know the code ZZZZ-ZZZZ");
    await refused(discord, mod, "config link hello", "is not a link code");
    await refused(slack2, { id: "U_OTHER", name: "other", admin: true }, `config link ${code}`, "made on Slack too");
    await refused(slack, boss, `config link ${code}`, "made in this club");
    await refused(discord, cy, `config link ${code}`, "Only the club's organisers");
    // None of those used it up.
    const [live] = await queryRows<{ used_at: Date | null }>(database.db, sql`select used_at from link_codes where club_id = ${(await w.clubId(slack))!}`);
    expect(live!.used_at).toBeNull();
    expect(await w.clubId(slack)).not.toBe(await w.clubId(discord));
    w.clock.advance(16 * 60_000);
    await refused(discord, mod, `config link ${code}`, "has expired");
    const fresh = codeIn(await w.as(slack, boss, "config link"));
    expect((await w.as(discord, mod, `config link ${fresh}`)).tone).toBe("success");
    await refused(discord2, { id: "9100", name: "mod2", admin: true }, `config link ${fresh}`, "has been used already");
    // A member's code is for profile link.
    const memberCode = codeIn(await w.as(slack, ana, "profile link"));
    await refused(discord2, { id: "9100", name: "mod2", admin: true }, `config link ${memberCode}`, "profile link <code>");
  });

  it("a club already on Discord can't take a second Discord server, and a full club makes no code", async () => {
    const { slack, discord, discord2 } = w.places();
    const code = codeIn(await w.as(slack, boss, "config link"));
    await w.as(discord, mod, `config link ${code}`);
    const full = await w.as(slack, boss, "config link");
    expect(full.tone).toBe("error");
    expect(full.text).toContain("already on Slack and Discord");
    // A code made on the Discord side of the linked club, typed in another Discord server: same platform.
    const fromDiscord = codeIn(await w.as(discord2, mod, "config link"));
    const reply = await w.as(slack, boss, `config link ${fromDiscord}`);
    expect(reply.tone).toBe("error");
    expect(reply.text).toContain("are both on Discord");
    expect(await w.clubId(discord2)).not.toBe(await w.clubId(slack));
  });

  it("two config link <code> at once link once", async () => {
    const { slack, discord, discord2 } = w.places();
    await w.as(discord, cy, "join");
    await w.as(discord2, dee, "join");
    const code = codeIn(await w.as(slack, boss, "config link"));
    const replies = await Promise.all([
      w.core.handle({ club: discord, actor: { platformUserId: mod.id, displayName: "mod", isPlatformAdmin: true }, via: "text", text: `config link ${code}` }),
      w.core.handle({ club: discord, actor: { platformUserId: mod.id, displayName: "mod", isPlatformAdmin: true }, via: "text", text: `config link ${code}` }),
      w.core.handle({ club: discord2, actor: { platformUserId: "9100", displayName: "mod2", isPlatformAdmin: true }, via: "text", text: `config link ${code}` }),
    ]);
    await w.dispatcher.drain();
    expect(replies.filter((r) => r.tone === "success")).toHaveLength(1);
    for (const r of replies.filter((r) => r.tone !== "success")) expect(r.text).toMatch(/has been used already|already (linked|part)|made in this club/);
    const slackId = (await w.clubId(slack))!;
    const links = await queryRows<{ platform: string }>(database.db, sql`select platform from club_links where club_id = ${slackId}`);
    expect(links.map((l) => l.platform).sort()).toEqual(["discord", "slack"]);
    const [used] = await queryRows<{ n: number }>(database.db, sql`select count(*)::int as n from link_codes where used_at is not null and club_id = ${slackId}`);
    expect(Number(used!.n)).toBe(1);
  });

  it("a merge touches only the two clubs: a third club's rows and codes are as they were", async () => {
    const { slack, discord, discord2 } = w.places();
    await w.as(discord2, dee, "join Analyst");
    await w.as(discord2, dee, "target add Umbrella");
    await w.as(discord2, { id: "3003", name: "eve" }, "network add Umbrella works");
    await w.as(discord2, dee, "intro <@3003> Umbrella");
    const thirdCode = codeIn(await w.as(discord2, { id: "9100", name: "mod2", admin: true }, "config link"));
    const thirdId = (await w.clubId(discord2))!;
    const before = await w.counts([thirdId], [...CLUB_TABLES, "companies", "link_codes", "club_links"]);
    await w.as(slack, ana, "target add Umbrella");
    await w.as(discord, cy, "network add Umbrella knows");
    const code = codeIn(await w.as(slack, boss, "config link"));
    await w.as(discord, mod, `config link ${code}`);
    expect(await w.counts([thirdId], [...CLUB_TABLES, "companies", "link_codes", "club_links"])).toEqual(before);
    // The linked club can't see the third club's people.
    expect((await w.as(slack, ana, "who umbrella")).text).not.toContain("eve");
    // And the third club's own code still works for it, elsewhere.
    const other = w.places();
    expect((await w.as(other.slack, boss, `config link ${thirdCode}`)).tone).toBe("success");
    expect(await w.clubId(other.slack)).toBe(thirdId);
  });

  it("the digest goes to each platform's own digest channel", async () => {
    const { slack, discord } = w.places();
    await w.as(slack, ana, "win Offer from Acme!");
    const code = codeIn(await w.as(slack, boss, "config link"));
    await w.as(discord, mod, `config link ${code}`);
    await w.as(slack, boss, "config digest-channel <#C_DIGEST|job-club>");
    await w.as(discord, mod, "config digest-channel here", "777");
    const shown = await w.as(discord, mod, "config");
    expect(shown.text).toContain("Slack: #C_DIGEST");
    expect(shown.text).toContain("Discord: <#777>");
    expect(shown.text).toContain("Linked: one club on Slack and Discord");
    w.clear();
    expect((await w.runJob(slack, "digest")).ran).toBe(true);
    const posts = [...w.slack.deliveries, ...w.discord.deliveries].filter((d) => d.kind === "channel");
    expect(posts.map((d) => (d.kind === "channel" ? [d.club.externalId, d.channelId] : []))).toEqual([
      [slack.externalId, "C_DIGEST"],
      [discord.externalId, "777"],
    ]);
    for (const post of posts) expect(post.reply.text).toContain("ana: Offer from Acme!");
  });

  it("a win is posted on the platform where it was typed", async () => {
    const { slack, discord } = w.places();
    const code = codeIn(await w.as(slack, boss, "config link"));
    await w.as(discord, mod, `config link ${code}`);
    w.clear();
    await w.as(discord, cy, "win First interview!", "555");
    expect(w.discord.deliveries).toEqual([expect.objectContaining({ kind: "channel", channelId: "555" })]);
    expect(w.slack.deliveries).toHaveLength(0);
  });

  it("a table keyed by club alone (the dashboard's signing key) keeps the code's club's row, whatever table it is", async () => {
    const { slack, discord } = w.places();
    await w.as(slack, ana, "join");
    await w.as(discord, cy, "join");
    const slackId = (await w.clubId(slack))!;
    const discordId = (await w.clubId(discord))!;
    const now = w.clock.now();
    await database.db.execute(sql`insert into dashboard_keys (club_id, secret, created_at) values (${slackId}, 'slack-key', ${now}), (${discordId}, 'discord-key', ${now})`);
    const code = codeIn(await w.as(slack, boss, "config link"));
    expect((await w.as(discord, mod, `config link ${code}`)).tone).toBe("success");
    const keys = await queryRows<{ club_id: number; secret: string }>(database.db, sql`select club_id, secret from dashboard_keys where club_id in (${slackId}, ${discordId})`);
    expect(keys.map((k) => [Number(k.club_id), k.secret])).toEqual([[slackId, "slack-key"]]);
  });

  it("every member and company key may be checked at commit, so a merge can move rows between clubs", async () => {
    const keys = await queryRows<{ table: string; name: string; deferrable: boolean }>(
      database.db,
      sql`select conrelid::regclass::text as "table", conname as name, condeferrable as deferrable from pg_constraint
          where contype = 'f' and confrelid in ('members'::regclass, 'companies'::regclass) and cardinality(conkey) = 2`,
    );
    expect(keys.length).toBeGreaterThan(10);
    for (const key of keys) expect(key.deferrable, `${key.table}.${key.name} must be DEFERRABLE (see migration 0008)`).toBe(true);
  });
});
