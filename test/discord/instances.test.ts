import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sql } from "drizzle-orm";
import { backends } from "../support/databases.js";
import { queryRows, type Database } from "../../src/db/client.js";
import { startFakeDiscord, type FakeDiscord, type FakeGuild, type FakeInteraction, type FakeUser } from "./fake-discord.js";
import { buttonsOf, startHttpInstance, textOf, type HttpInstance } from "./world.js";

/**
 * Two Warmpath instances on one database behind one Interactions Endpoint URL, as behind a load
 * balancer: the fake Discord sends interactions to them in turn (round robin), each runs its own
 * outbox dispatcher, and neither holds a gateway connection. Every effect happens once, whichever
 * instance (or both at once) handled it.
 */
describe.each(backends)("two instances answering Discord's interactions on $name", (backend) => {
  let database: Database;
  let fake: FakeDiscord;
  let guild: FakeGuild;
  let ana: FakeUser;
  let bob: FakeUser;
  let a: HttpInstance;
  let b: HttpInstance;

  beforeAll(async () => {
    database = await backend.open();
    fake = await startFakeDiscord();
    guild = fake.addGuild({ name: "Job Club", channels: ["general", "job-club"], systemChannel: "general" });
    ana = fake.addMember(guild, { username: "ana", globalName: "Ana" });
    bob = fake.addMember(guild, { username: "bob", globalName: "Bob" });
    // Registered globally, so a server added later has /jobclub too.
    a = await startHttpInstance(fake, database);
    b = await startHttpInstance(fake, database);
    fake.setInteractionsEndpoint([a.url, b.url]);
  });
  afterAll(async () => {
    await a?.stop();
    await b?.stop();
    await fake?.close();
    await database?.close();
  });

  const send = (user: FakeUser, command: string, values: Record<string, string | number | undefined> = {}, where = guild) => fake.command(where, user, command, values);
  const run = async (user: FakeUser, command: string, values: Record<string, string | number | undefined> = {}) => textOf(await fake.answer(send(user, command, values)));
  const servedBy = (interactions: FakeInteraction[]) => new Set(interactions.map((i) => i.http!.url));
  const drainBoth = async () => {
    await Promise.all([a.dispatcher.drain(), b.dispatcher.drain()]);
    await Promise.all([a.dispatcher.drain(), b.dispatcher.drain()]);
  };
  const count = async (query: ReturnType<typeof sql>) => (await queryRows<{ n: number }>(database.db, query))[0]!.n;

  it("registers /jobclub once: the second instance finds it up to date, and neither opens a gateway", () => {
    expect(fake.commandPuts).toHaveLength(1);
    expect(fake.gateway.urls).toEqual([]);
  });

  it("takes each command once, whichever instance answers it", async () => {
    expect(await run(ana, "join")).toContain("Welcome to the job club, Ana!");
    expect(await run(bob, "join")).toContain("Welcome to the job club, Bob!");
    // Four goals at once, two to each instance.
    const adds = ["One", "Two", "Three", "Four"].map((text) => send(ana, "goal add", { text }));
    expect(servedBy(adds)).toEqual(new Set([a.url, b.url]));
    const answers = (await Promise.all(adds.map((i) => fake.answer(i)))).map((answer) => textOf(answer));
    const numbers = answers.map((text) => Number(/^Goal (\d+) for/m.exec(text)?.[1]));
    expect(numbers.sort()).toEqual([1, 2, 3, 4]);

    const list = await run(ana, "goal list");
    for (const text of ["One", "Two", "Three", "Four"]) expect(list.split("\n").filter((line) => line.endsWith(`⬜ ${text}`))).toHaveLength(1);
    expect(await count(sql`select count(*)::int as n from goals`)).toBe(4);
    expect(await count(sql`select count(*)::int as n from clubs`)).toBe(1);
  });

  it("a server's first commands at both instances at once create one club", async () => {
    const second = fake.addGuild({ name: "Second Club", channels: ["lobby"], systemChannel: "lobby" });
    const dee = fake.addMember(second, { username: "dee", globalName: "Dee" });
    const eli = fake.addMember(second, { username: "eli", globalName: "Eli" });
    const joins = [send(dee, "join", {}, second), send(eli, "join", {}, second)];
    expect(servedBy(joins)).toEqual(new Set([a.url, b.url]));
    const answers = (await Promise.all(joins.map((i) => fake.answer(i)))).map((answer) => textOf(answer));
    expect(answers[0]).toContain("Welcome to the job club, Dee!");
    expect(answers[1]).toContain("Welcome to the job club, Eli!");
    expect(await count(sql`select count(*)::int as n from club_links where platform = 'discord' and external_id = ${second.id}`)).toBe(1);
    const [club] = await queryRows<{ name: string; members: number }>(
      database.db,
      sql`select c.name, (select count(*)::int from members m where m.club_id = c.id) as members from clubs c join club_links l on l.club_id = c.id where l.external_id = ${second.id}`,
    );
    expect(club).toEqual({ name: "Second Club", members: 2 });
  });

  it("an intro's DM goes once with both dispatchers running, and a double click on Accept at both instances opens one room", async () => {
    await run(bob, "network add", { company: "Acme Corp", relation: "works" });
    expect(await run(ana, "intro request", { helper: bob.id, company: "Acme" })).toContain("Asked Bob for an introduction at Acme Corp (#1)");
    await drainBoth();
    const requests = fake.dmsTo(bob).filter((m) => m.content === "Intro request #1: Acme Corp");
    expect(requests).toHaveLength(1);

    const accept = buttonsOf(requests[0]!).find((button) => button.label === "Accept")!.customId;
    const clicks = [fake.click(bob, requests[0]!, accept), fake.click(bob, requests[0]!, accept)];
    expect(servedBy(clicks)).toEqual(new Set([a.url, b.url]));
    const answers = (await Promise.all(clicks.map((i) => fake.answer(i)))).map((answer) => textOf(answer));
    expect(answers.sort()).toEqual(["Thank you! I've opened a conversation with you and Ana about Acme Corp (#1).", "You already accepted #1: the conversation with Ana is open."]);

    await drainBoth();
    const rooms = fake.threads().filter((t) => t.name === "Introduction #1: Acme Corp");
    expect(rooms).toHaveLength(1);
    expect(fake.messagesIn(rooms[0]!.id)).toHaveLength(1);
    expect(await count(sql`select count(*)::int as n from outbox where status <> 'sent'`)).toBe(0);
    // No message went twice: every delivery is one post.
    const delivered = await count(sql`select count(*)::int as n from outbox`);
    expect(fake.messages).toHaveLength(delivered);
  });
});
