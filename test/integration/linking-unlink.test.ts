import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sql } from "drizzle-orm";
import { backends } from "../support/databases.js";
import { queryRows, type Database } from "../../src/db/client.js";
import { codeIn, createLinkingWorld, type LinkingWorld, type Person } from "./linking-world.js";

const boss: Person = { id: "U_BOSS", name: "boss", admin: true };
const mod: Person = { id: "9000", name: "mod", admin: true };
const ana: Person = { id: "U_ANA", name: "ana" };
const bob: Person = { id: "U_BOB", name: "bob" };
const cy: Person = { id: "5001", name: "cy" };
const dee: Person = { id: "5002", name: "dee" };
const eve: Person = { id: "U_EVE", name: "eve" };
const eveDiscord: Person = { id: "5005", name: "eve" };

/** Rows that are members' data: none may be lost by unlinking. */
const DATA = ["goals", "targets", "network_ties", "intros", "thanks", "wins", "activities", "match_suggestions"];

describe.each(backends)("unlinking on $name", (backend) => {
  let database: Database;
  let w: LinkingWorld;
  beforeAll(async () => {
    database = await backend.open();
    w = createLinkingWorld(database);
  });
  afterAll(async () => {
    await database?.close();
  });

  it("config unlink discord: Discord becomes its own club again, each side keeps its data, shared history stays", async () => {
    const { slack, discord } = w.places();
    const code = codeIn(await w.as(slack, boss, "config link"));
    await w.as(discord, mod, `config link ${code}`);
    await w.as(discord, mod, "config digest-channel here", "888");
    // Slack only: ana and bob, an intro between them.
    await w.as(slack, ana, "target add Acme");
    await w.as(slack, bob, "network add Acme works");
    await w.as(slack, ana, "intro <@U_BOB> Acme");
    // Discord only: cy and dee, an accepted intro, thanks, a win and a coffee between them.
    await w.as(discord, cy, "target add Initech");
    await w.as(discord, dee, "network add Initech works");
    await w.as(discord, cy, "intro <@5002> Initech");
    const discordIntro = (await queryRows<{ number: number }>(database.db, sql`select max(number)::int as number from intros where club_id = ${(await w.clubId(slack))!}`))[0]!.number;
    await w.as(discord, dee, `intro accept ${discordIntro}`);
    await w.as(discord, cy, "thanks <@5002> referral");
    await w.as(discord, cy, "win Onsite at Initech");
    await w.as(discord, cy, "log coffee with dee");
    await w.as(discord, mod, "config organisers <@5001>");
    // Across the sides: ana asks dee, and thanks her.
    await w.as(slack, ana, "target add Umbrella");
    await w.as(discord, dee, "network add Umbrella works");
    await w.as(slack, ana, "intro @dee Umbrella");
    await w.as(slack, ana, "thanks @dee information");
    // eve is on both.
    await w.as(slack, eve, "join Analyst");
    await w.as(slack, eve, "goal add Apply to 3 roles");
    await w.as(discord, eveDiscord, `profile link ${codeIn(await w.as(slack, eve, "profile link"))}`);
    const linkedId = (await w.clubId(slack))!;
    const before = await w.counts([linkedId], DATA);

    const reply = await w.as(slack, boss, "config unlink discord");
    expect(reply.tone).toBe("success");
    // mod, cy and dee were only on Discord; eve is on both.
    expect(reply.text).toContain("3 members whose only account was on Discord went with it");
    expect(reply.text).toContain("Members with accounts on both (1) keep everything here");
    const slackId = (await w.clubId(slack))!;
    const discordId = (await w.clubId(discord))!;
    expect(slackId).toBe(linkedId);
    expect(discordId).not.toBe(slackId);

    // Nothing is lost: every row is in one club or the other.
    const after = await w.counts([slackId, discordId], DATA);
    expect(after).toEqual(before);
    // The Discord club holds cy and dee with their own rows and what lay between them.
    const there = await w.counts([discordId], DATA);
    expect(there).toMatchObject({ intros: 1, thanks: 1, wins: 1, activities: 1 });
    expect((await w.memberOf("discord", "5001"))!.clubId).toBe(discordId);
    expect((await w.memberOf("discord", "5005"))!.clubId).toBe(discordId);
    expect((await w.memberOf("slack", "U_EVE"))!.clubId).toBe(slackId);
    // The Discord intro keeps its number; its old buttons still work there.
    expect((await w.as(discord, cy, `intro outcome ${discordIntro} met`)).tone).toBe("success");
    expect((await w.as(discord, cy, "who initech")).text).toContain("dee works at Initech");
    expect((await w.as(slack, ana, "who initech")).text).not.toContain("dee");
    // The shared intro (ana → dee) and thanks stay with the Slack club, naming dee's record there,
    // which has no account and gets nothing.
    const shared = await queryRows<{ helper: string; accounts: number; nudges: string }>(
      database.db,
      sql`select m.display_name as helper, (select count(*)::int from platform_users p where p.member_id = m.id) as accounts, m.nudges
          from intros i join members m on m.id = i.helper_id where i.club_id = ${slackId} and m.display_name = 'dee'`,
    );
    expect(shared).toEqual([{ helper: "dee", accounts: 0, nudges: "off" }]);
    // cy named nothing across the sides: no record of cy is left in the Slack club.
    expect(await queryRows(database.db, sql`select id from members where club_id = ${slackId} and display_name = 'cy'`)).toHaveLength(0);
    // eve keeps her data on Slack and starts afresh on Discord with a copy of her profile.
    expect((await w.as(slack, eve, "goal list")).text).toContain("Apply to 3 roles");
    expect((await w.as(discord, eveDiscord, "goal list")).text).not.toContain("Apply to 3 roles");
    expect((await w.as(discord, eveDiscord, "profile")).text).toContain("Headline: Analyst");
    // cy stays an organiser on Discord; the Discord digest channel went with the server.
    expect((await w.as(discord, cy, "config nudges on")).tone).toBe("success");
    w.clear();
    await w.runJob(discord, "digest");
    await w.runJob(slack, "digest");
    expect(w.discord.deliveries.filter((d) => d.kind === "channel").map((d) => (d.kind === "channel" ? [d.club.externalId, d.channelId] : []))).toEqual([[discord.externalId, "888"]]);
    expect(w.slack.deliveries.filter((d) => d.kind === "channel")).toHaveLength(1);
  });

  it("refuses a club on one platform, a platform the club isn't on and a non-organiser", async () => {
    const { slack, discord } = w.places();
    await w.as(slack, ana, "join");
    expect((await w.as(slack, boss, "config unlink slack")).text).toContain("nothing to unlink it from");
    expect((await w.as(slack, boss, "config unlink discord")).text).toContain("isn't on Discord");
    expect((await w.as(slack, boss, "config unlink teams")).text).toContain("Name the platform to unlink");
    const code = codeIn(await w.as(slack, boss, "config link"));
    await w.as(discord, mod, `config link ${code}`);
    expect((await w.as(discord, cy, "config unlink discord")).text).toContain("Only the club's organisers");
    expect(await w.clubId(discord)).toBe(await w.clubId(slack));
  });

  it("a club unlinked can be linked again", async () => {
    const { slack, discord } = w.places();
    await w.as(discord, mod, `config link ${codeIn(await w.as(slack, boss, "config link"))}`);
    await w.as(discord, mod, "config unlink discord");
    expect(await w.clubId(discord)).not.toBe(await w.clubId(slack));
    expect((await w.as(discord, mod, `config link ${codeIn(await w.as(slack, boss, "config link"))}`)).tone).toBe("success");
    expect(await w.clubId(discord)).toBe(await w.clubId(slack));
  });
});
