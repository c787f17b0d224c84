import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sql } from "drizzle-orm";
import { backends } from "../support/databases.js";
import { queryRows, type Database } from "../../src/db/client.js";
import { codeIn, createLinkingWorld, type LinkingWorld, type Person } from "./linking-world.js";

const boss: Person = { id: "U_BOSS", name: "boss", admin: true };
const mod: Person = { id: "9000", name: "mod", admin: true };
const anaSlack: Person = { id: "U_ANA", name: "ana" };
const anaDiscord: Person = { id: "4001", name: "ana" };
const bob: Person = { id: "U_BOB", name: "bob" };
const dee: Person = { id: "4002", name: "dee" };
const cy: Person = { id: "4003", name: "cy" };

describe.each(backends)("members across Slack and Discord on $name", (backend) => {
  let database: Database;
  let w: LinkingWorld;
  beforeAll(async () => {
    database = await backend.open();
    w = createLinkingWorld(database);
  });
  afterAll(async () => {
    await database?.close();
  });

  async function linkedClub() {
    const places = w.places();
    const code = codeIn(await w.as(places.slack, boss, "config link"));
    expect((await w.as(places.discord, mod, `config link ${code}`)).tone).toBe("success");
    return places;
  }

  const rowsOf = async (table: string, memberId: number) =>
    queryRows<Record<string, unknown>>(database.db, sql`select * from ${sql.identifier(table)} where member_id = ${memberId} order by id`);

  it("profile link joins a person's two accounts into one member, merging what each side had", async () => {
    const { slack, discord } = w.places();
    await w.as(slack, anaSlack, "join Data engineer");
    await w.as(slack, anaSlack, "goal add Slack goal");
    await w.as(slack, anaSlack, "target add Acme");
    await w.as(slack, anaSlack, "network add Globex knows");
    await w.as(slack, bob, "network add Acme works");
    await w.as(discord, anaDiscord, "join");
    await w.as(discord, anaDiscord, "goal add Discord goal");
    await w.as(discord, anaDiscord, "target add ACME interviewing");
    await w.as(discord, anaDiscord, "network add Globex works");
    await w.as(discord, dee, "network add Initech works");
    await w.as(discord, anaDiscord, "target add Initech");
    await w.as(discord, anaDiscord, "intro <@4002> Initech");
    await w.as(discord, cy, "target add Globex");
    await w.as(discord, cy, "intro <@4001> Globex");
    await w.as(discord, anaDiscord, "thanks <@4003> information");
    const code = codeIn(await w.as(slack, boss, "config link"));
    await w.as(discord, mod, `config link ${code}`);
    const [membersBefore] = await queryRows<{ n: number }>(database.db, sql`select count(*)::int as n from members where club_id = ${(await w.clubId(slack))!}`);

    const made = await w.as(slack, anaSlack, "profile link");
    expect(made.text).toContain("/jobclub profile` with link `");
    const linked = await w.as(discord, anaDiscord, `profile link ${codeIn(made)}`);
    expect(linked.tone).toBe("success");
    expect(linked.text).toContain("your Slack and Discord accounts are one member now");

    const one = (await w.memberOf("slack", "U_ANA"))!;
    expect((await w.memberOf("discord", "4001"))!.memberId).toBe(one.memberId);
    const [membersAfter] = await queryRows<{ n: number }>(database.db, sql`select count(*)::int as n from members where club_id = ${one.clubId}`);
    expect(Number(membersAfter!.n)).toBe(Number(membersBefore!.n) - 1);
    expect((await rowsOf("goals", one.memberId)).map((g) => g.text)).toEqual(["Slack goal", "Discord goal"]);
    // One target per company, the one further along; one tie per company, the stronger.
    const targets = await queryRows<{ name: string; stage: string }>(
      database.db,
      sql`select c.name, t.stage from targets t join companies c on c.id = t.company_id where t.member_id = ${one.memberId} order by c.name`,
    );
    expect(targets).toEqual([
      { name: "Acme", stage: "interviewing" },
      { name: "Initech", stage: "researching" },
    ]);
    const ties = await queryRows<{ name: string; relation: string }>(
      database.db,
      sql`select c.name, t.relation from network_ties t join companies c on c.id = t.company_id where t.member_id = ${one.memberId}`,
    );
    expect(ties).toEqual([{ name: "Globex", relation: "works" }]);
    // Introductions and thanks now name the one member, from either platform.
    const intros = await queryRows<{ requester_id: number; helper_id: number }>(database.db, sql`select requester_id, helper_id from intros where club_id = ${one.clubId} order by number`);
    expect(intros.map((i) => [Number(i.requester_id) === one.memberId, Number(i.helper_id) === one.memberId])).toEqual([
      [true, false],
      [false, true],
    ]);
    const [thanked] = await queryRows<{ from_member_id: number }>(database.db, sql`select from_member_id from thanks where club_id = ${one.clubId}`);
    expect(Number(thanked!.from_member_id)).toBe(one.memberId);
    // Both accounts see one profile and one intro list.
    expect((await w.as(discord, anaDiscord, "profile")).text).toContain("Headline: Data engineer");
    const list = (await w.as(slack, anaSlack, "intro list")).text;
    expect(list).toContain("Initech");
    expect(list).toContain("Globex");
    // Making another code now answers that there is nothing left to link.
    expect((await w.as(discord, anaDiscord, "profile link")).text).toContain("already linked");
  });

  it("profile link refuses an unlinked club, another club's code, the same platform and a taken platform", async () => {
    const joSlack: Person = { id: "U_JO", name: "jo" };
    const joDiscord: Person = { id: "4300", name: "jo" };
    const kim: Person = { id: "U_KIM", name: "kim" };
    const alone = w.places();
    const refusal = await w.as(alone.slack, joSlack, "profile link");
    expect(refusal.tone).toBe("error");
    expect(refusal.text).toContain("This club is only on Slack");
    expect(refusal.text).toContain("`config link`");

    const { slack, discord } = await linkedClub();
    const other = await linkedClub();
    const code = codeIn(await w.as(slack, joSlack, "profile link"));
    // Another linked club's Discord server: the code is not for it, and nothing changes there.
    const otherId = (await w.clubId(other.discord))!;
    const accountsThere = await w.counts([otherId], ["members", "platform_users"]);
    const foreign = await w.as(other.discord, dee, `profile link ${code}`);
    expect(foreign.tone).toBe("error");
    expect(foreign.text).toContain("isn't linked with");
    expect(await w.counts([otherId], ["members", "platform_users"])).toEqual(accountsThere);
    expect(await queryRows(database.db, sql`select id from platform_users where member_id = ${(await w.memberOf("slack", "U_JO"))!.memberId} and platform = 'discord'`)).toHaveLength(0);
    // Someone else on Slack can't take it: a code is typed on the other platform.
    const same = await w.as(slack, kim, `profile link ${code}`);
    expect(same.tone).toBe("error");
    expect(same.text).toContain("made on Slack too");
    // None of that used the code up: jo's Discord account still can.
    expect((await w.as(discord, joDiscord, `profile link ${code}`)).tone).toBe("success");
    // A profile with a Discord account already can't take a second one.
    const second = codeIn(await w.as(slack, kim, "profile link"));
    const dees = codeIn(await w.as(discord, { id: "4009", name: "dee2" }, "profile link"));
    expect((await w.as(discord, joDiscord, `profile link ${second}`)).text).toContain("That profile already has a Slack account");
    expect((await w.as(slack, joSlack, `profile link ${dees}`)).text).toContain("That profile already has a Discord account");
  });

  it("a Slack member asks a Discord member for an intro: each message reaches its own platform, and the pair get a DM each", async () => {
    const { slack, discord } = await linkedClub();
    const fay: Person = { id: "U_FAY", name: "Fay Lin" };
    await w.as(slack, fay, "target add Initech");
    await w.as(discord, dee, "network add Initech works");
    w.clear();
    // dee can't be mentioned on Slack: the name finds her.
    const asked = await w.as(slack, fay, "intro @dee Initech: the hiring manager?");
    expect(asked.text).toContain("Asked dee for an introduction at Initech");
    expect(w.slack.deliveries).toHaveLength(0);
    expect(w.discord.deliveries).toEqual([expect.objectContaining({ kind: "direct", userId: "4002" })]);
    const number = /#(\d+)/.exec(asked.text)![1];
    w.clear();
    const accepted = await w.as(discord, dee, `intro accept ${number}`);
    expect(accepted.text).toContain("different platforms");
    expect(w.slack.deliveries).toEqual([expect.objectContaining({ kind: "direct", userId: "U_FAY" })]);
    expect(w.discord.deliveries).toEqual([expect.objectContaining({ kind: "direct", userId: "4002" })]);
    expect(w.slack.deliveries[0]!.reply.text).toContain("dee on Discord: https://discord.com/users/4002");
    expect(w.discord.deliveries[0]!.reply.text).toContain(`Fay Lin on Slack: slack://user?team=${slack.externalId}&id=U_FAY`);
    for (const d of [...w.slack.deliveries, ...w.discord.deliveries]) expect(d.reply.text).toContain("Initech");
    // Names typed with spaces and case as shown still find the member.
    expect((await w.as(discord, dee, "thanks @faylin information")).tone).toBe("success");
  });

  it("a pair who share a platform get one room there, even across the club's two sides", async () => {
    const { slack, discord } = await linkedClub();
    const gus: Person = { id: "U_GUS", name: "gus" };
    const gusDiscord: Person = { id: "4100", name: "gus" };
    await w.as(slack, gus, "target add Hooli");
    await w.as(discord, dee, "network add Hooli works");
    const code = codeIn(await w.as(slack, gus, "profile link"));
    await w.as(discord, gusDiscord, `profile link ${code}`);
    const asked = await w.as(slack, gus, "intro @dee Hooli");
    const number = /#(\d+)/.exec(asked.text)![1];
    w.clear();
    await w.as(discord, dee, `intro accept ${number}`);
    expect(w.slack.deliveries).toHaveLength(0);
    expect(w.discord.deliveries).toEqual([expect.objectContaining({ kind: "room", userIds: ["4100", "4002"] })]);
    // Two Slack members of the linked club meet in a Slack group DM.
    const hal: Person = { id: "U_HAL", name: "hal" };
    await w.as(slack, hal, "network add Hooli knows");
    const again = await w.as(slack, gus, "intro <@U_HAL> Hooli");
    w.clear();
    await w.as(slack, hal, `intro accept ${/#(\d+)/.exec(again.text)![1]}`);
    expect(w.slack.deliveries).toEqual([expect.objectContaining({ kind: "room", userIds: ["U_GUS", "U_HAL"] })]);
  });

  it("profile unlink gives the account a member of its own and keeps the data with the other", async () => {
    const { slack, discord } = await linkedClub();
    const ivy: Person = { id: "U_IVY", name: "ivy" };
    const ivyDiscord: Person = { id: "4200", name: "ivy" };
    await w.as(slack, ivy, "join Recruiter");
    await w.as(slack, ivy, "target add Pied Piper");
    await w.as(discord, ivyDiscord, `profile link ${codeIn(await w.as(slack, ivy, "profile link"))}`);
    const joined = (await w.memberOf("slack", "U_IVY"))!.memberId;
    const reply = await w.as(discord, ivyDiscord, "profile unlink discord");
    expect(reply.tone).toBe("success");
    const kept = (await w.memberOf("slack", "U_IVY"))!.memberId;
    const apart = (await w.memberOf("discord", "4200"))!.memberId;
    expect(kept).toBe(joined);
    expect(apart).not.toBe(joined);
    expect(await rowsOf("targets", kept)).toHaveLength(1);
    expect(await rowsOf("targets", apart)).toHaveLength(0);
    expect((await w.as(discord, ivyDiscord, "profile")).text).toContain("Headline: Recruiter");
    // Only one account left: nothing more to unlink.
    expect((await w.as(slack, ivy, "profile unlink slack")).text).toContain("your only one");
  });
});
