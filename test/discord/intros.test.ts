import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sql } from "drizzle-orm";
import { backends } from "../support/databases.js";
import { queryRows, type Database } from "../../src/db/client.js";
import { decodeCustomId } from "../../src/adapters/discord/custom-id.js";
import { CHANNEL, type StoredMessage } from "./fake-discord.js";
import { buttonsOf, MODES, startWorld, textOf, type AnyWorld } from "./world.js";

/**
 * Double opt-in introductions on Discord: the helper's DM with Accept / Decline, a private thread in
 * the club channel for the two of them (bots can't open group DMs), closed DMs, and clicks that
 * arrive in DMs without a server. The same in both modes: over the gateway (the server and its
 * channels from the gateway's cache) and over HTTP interactions (no gateway: read over REST).
 */
const cases = backends.flatMap((backend) => MODES.map((mode) => ({ backend, mode, name: `${backend.name}, ${mode}` })));

describe.each(cases)("introductions on Discord on $name", ({ backend, mode }) => {
  let database: Database;
  let w: AnyWorld;

  beforeAll(async () => {
    database = await backend.open();
    w = await startWorld(database, { mode });
    await w.run(w.ana, "join", { headline: "Data engineer" });
    await w.run(w.bob, "join");
    await w.run(w.cy, "join");
    await w.run(w.bob, "network add", { company: "Acme Corp", relation: "works" });
    await w.run(w.bob, "network add", { company: "Initech", relation: "worked" });
    await w.run(w.cy, "network add", { company: "Initech", relation: "knows" });
    await w.run(w.cy, "network add", { company: "Globex", relation: "works" });
  });
  afterAll(async () => {
    await w?.stop();
    await database?.close();
  });

  const clubChannel = () => w.fake.channel(w.guild, "job-club");
  const button = (message: StoredMessage, label: string) => buttonsOf(message).find((b) => b.label.startsWith(label))!.customId;

  it("asks the helper by DM, and a double click on Accept opens one private thread with both", async () => {
    const asked = await w.run(w.ana, "intro request", { helper: w.bob.id, company: "Acme", ask: "Could you introduce me to the data team lead?" });
    expect(textOf(asked)).toContain("Asked Bobby for an introduction at Acme Corp (#1)");
    await w.dispatcher.drain();

    const [request] = w.fake.dmsTo(w.bob);
    expect(request!.content).toBe("Intro request #1: Acme Corp");
    expect(request!.embeds[0]!.description).toContain("Ana (Data engineer) would like your help with Acme Corp");
    expect(request!.embeds[0]!.description).toContain("“Could you introduce me to the data team lead?”");
    const accept = button(request!, "Accept");
    expect(buttonsOf(request!).map((b) => b.label)).toEqual(["Accept", "Decline"]);
    // The DM's buttons carry the server: the click will arrive without one.
    expect(decodeCustomId(accept)).toEqual({ command: "intro accept 1", guildId: w.guild.id });

    // Both clicks are in flight at once, as a double click is.
    const clicks = [w.fake.click(w.bob, request!, accept), w.fake.click(w.bob, request!, accept)];
    const answers = await Promise.all(clicks.map((c) => w.fake.answer(c)));
    expect(answers.every((a) => a.ephemeral)).toBe(true);
    expect(answers.map((a) => textOf(a)).sort()).toEqual([
      "Thank you! I've opened a conversation with you and Ana about Acme Corp (#1).",
      "You already accepted #1: the conversation with Ana is open.",
    ]);

    await w.dispatcher.drain();
    await w.dispatcher.drain();
    const threads = w.fake.threads();
    expect(threads).toHaveLength(1);
    const [thread] = threads;
    expect(thread).toMatchObject({ type: CHANNEL.privateThread, parentId: clubChannel().id, name: "Introduction #1: Acme Corp", invitable: false });
    expect([...thread!.members!].sort()).toEqual([w.fake.bot.id, w.ana.id, w.bob.id].sort());
    const posts = w.fake.messagesIn(thread!.id);
    expect(posts).toHaveLength(1);
    expect(posts[0]!.content).toBe(`<@${w.ana.id}> <@${w.bob.id}> Introduction #1: Acme Corp`);
    expect(posts[0]!.embeds[0]!.description).toContain("👋 Bobby, meet Ana. Ana is looking for a Data engineer role and would love your help with Acme Corp");
    expect(posts[0]!.embeds[0]!.description).toContain("The ask: “Could you introduce me to the data team lead?”");
    expect(w.fake.pingsOf(posts[0]!)).toEqual({ everyone: false, users: [w.ana.id, w.bob.id], roles: [] });
  });

  it("sends the request to a private thread when the helper's DMs are closed, and tells the requester", async () => {
    w.fake.closeDms(w.cy);
    await w.run(w.ana, "intro request", { helper: w.cy.id, company: "Globex" });
    await w.dispatcher.drain();

    expect(w.fake.dmsTo(w.cy)).toEqual([]);
    expect(w.fake.calls.some((c) => c.status === 403 && c.path === `/channels/${w.fake.dmChannelOf(w.cy)!.id}/messages`)).toBe(true);
    const fallback = w.fake.threads().find((t) => t.name === "Intro request #2: Globex")!;
    expect(fallback).toMatchObject({ parentId: clubChannel().id, type: CHANNEL.privateThread });
    expect([...fallback.members!].sort()).toEqual([w.fake.bot.id, w.cy.id].sort());
    const [request] = w.fake.messagesIn(fallback.id);
    expect(request!.content).toBe(`<@${w.cy.id}> Intro request #2: Globex`);
    expect(w.fake.pingsOf(request!)).toEqual({ everyone: false, users: [w.cy.id], roles: [] });
    // In a server thread the click brings its guild: the buttons are the bare command lines.
    expect(buttonsOf(request!).map((b) => b.customId)).toEqual(["intro accept 2", "intro decline 2"]);

    const told = w.fake.dmsTo(w.ana).map((m) => m.content);
    expect(told).toContain("Heads-up: I couldn't message them directly, so your message went to a private thread in #job-club instead.");

    expect(textOf(await w.fake.answer(w.fake.click(w.cy, request!, "intro accept 2")))).toContain("Thank you!");
    await w.dispatcher.drain();
    const room = w.fake.threads().find((t) => t.name === "Introduction #2: Globex")!;
    expect([...room.members!].sort()).toEqual([w.fake.bot.id, w.ana.id, w.cy.id].sort());
  });

  it("declining points the requester to the next warm path, whose button works from their DM", async () => {
    await w.run(w.ana, "intro request", { helper: w.bob.id, company: "Initech" });
    await w.dispatcher.drain();
    const request = w.fake.dmsTo(w.bob).at(-1)!;
    expect(request.content).toBe("Intro request #3: Initech");
    expect(textOf(await w.fake.answer(w.fake.click(w.bob, request, button(request, "Decline"))))).toContain("Declined #3");
    await w.dispatcher.drain();

    const news = w.fake.dmsTo(w.ana).at(-1)!;
    expect(textOf({ message: news })).toContain("Bobby can't help with Initech right now");
    const ask = button(news, "Ask cy");
    expect(decodeCustomId(ask)).toEqual({ command: expect.stringMatching(/^intro <@#\d+> Initech$/), guildId: w.guild.id });
    expect(textOf(await w.fake.answer(w.fake.click(w.ana, news, ask)))).toContain("Asked cy for an introduction at Initech (#4)");
  });

  it("a click in a DM acts only for a current member of the server it names", async () => {
    const request = w.fake.dmsTo(w.bob)[0]!;
    const accept = button(request, "Accept");
    const elsewhere = w.fake.addGuild({ name: "Elsewhere", channels: ["lobby"], bot: false });
    const stranger = w.fake.addMember(elsewhere, { username: "mallory" });
    const strangersDm = w.fake.openDm(stranger);
    const notMember = await w.fake.answer(w.fake.click(stranger, { id: request.id, channel_id: strangersDm.id }, accept));
    expect(textOf(notMember)).toContain("You're not a member of Job Club, so that button can't act for you there.");

    const dee = w.fake.addMember(w.guild, { username: "dee" });
    await w.run(dee, "join");
    w.fake.removeMember(w.guild, dee);
    const left = await w.fake.answer(w.fake.click(dee, { id: request.id, channel_id: w.fake.openDm(dee).id }, `~${BigInt(w.guild.id).toString(36)}~goal list`));
    expect(textOf(left)).toContain("You're not a member of Job Club");

    const unknownServer = await w.fake.answer(w.fake.click(w.bob, request, `~${BigInt(elsewhere.id).toString(36)}~intro list`));
    expect(textOf(unknownServer)).toContain("That button belongs to a server I'm no longer in.");

    const accounts = await queryRows<{ n: number }>(database.db, sql`select count(*)::int as n from platform_users where platform_user_id = ${stranger.id}`);
    expect(accounts[0]!.n).toBe(0);

    // A bare command line from a DM (too long to carry its server) runs in the bot's only server.
    expect(textOf(await w.fake.answer(w.fake.click(w.bob, request, "intro list")))).toContain("#1 Ana (Data engineer) asked you about Acme Corp: accepted");
  });
});
