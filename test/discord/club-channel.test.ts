import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sql } from "drizzle-orm";
import { openTemplatePglite } from "../support/databases.js";
import { queryRows, type Database } from "../../src/db/client.js";
import type { DiscordInteractionsAdapter } from "../../src/adapters/discord/http-adapter.js";
import { startWorld, type World } from "./world.js";

/**
 * Where intro threads go in a server without a #job-club channel: the channel where /jobclub was last
 * used (if the bot may open threads there), else the System Messages channel.
 */
describe("choosing the club channel", () => {
  let database: Database;
  let w: World;

  beforeAll(async () => {
    database = await openTemplatePglite();
    w = await startWorld(database, { channels: ["general", "random", "lobby"], systemChannel: "lobby" });
  });
  afterAll(async () => {
    await w?.stop();
    await database?.close();
  });

  async function introThreadParent(company: string): Promise<string | undefined> {
    const general = w.fake.channel(w.guild, "general").id;
    await w.run(w.bob, "network add", { company, relation: "works" }, { channelId: general, botCannotOpenThreads: true });
    await w.run(w.ana, "intro request", { helper: w.bob.id, company }, { channelId: general, botCannotOpenThreads: true });
    await w.dispatcher.drain();
    const request = w.fake.dmsTo(w.bob).at(-1)!;
    const accept = request.components[0]!.components![0]!.custom_id!;
    await w.fake.answer(w.fake.click(w.bob, request, accept));
    await w.dispatcher.drain();
    return w.fake.threads().find((t) => t.name.endsWith(company))?.parentId;
  }

  it("uses the System Messages channel while /jobclub was only used where the bot can't open threads", async () => {
    const general = w.fake.channel(w.guild, "general").id;
    await w.run(w.ana, "join", {}, { channelId: general, botCannotOpenThreads: true });
    await w.run(w.bob, "join", {}, { channelId: general, botCannotOpenThreads: true });
    expect(await introThreadParent("Acme")).toBe(w.fake.channel(w.guild, "lobby").id);
  });

  it("prefers the channel where /jobclub was last used", async () => {
    const random = w.fake.channel(w.guild, "random").id;
    await w.run(w.ana, "goal list", {}, { channelId: random });
    expect(await introThreadParent("Globex")).toBe(random);
  });
});

/**
 * Without a gateway (HTTP interactions) the server is read over REST and kept for minutes, and any
 * instance may deliver: the club channel is the same wherever /jobclub was used (no "last used"
 * hint held by one process), and a permission lost since the server was read moves the thread on.
 */
describe("choosing the club channel over HTTP interactions", () => {
  let database: Database;
  let w: World<DiscordInteractionsAdapter>;

  beforeAll(async () => {
    database = await openTemplatePglite();
    w = await startWorld(database, { mode: "http", channels: ["general", "random", "lobby"], systemChannel: "lobby" });
  });
  afterAll(async () => {
    await w?.stop();
    await database?.close();
  });

  async function introThread(company: string, channelId: string) {
    await w.run(w.bob, "network add", { company, relation: "works" }, { channelId });
    await w.run(w.ana, "intro request", { helper: w.bob.id, company }, { channelId });
    await w.dispatcher.drain();
    const request = w.fake.dmsTo(w.bob).at(-1)!;
    await w.fake.answer(w.fake.click(w.bob, request, request.components[0]!.components![0]!.custom_id!));
    await w.dispatcher.drain();
    return w.fake.threads().find((t) => t.name.endsWith(company));
  }

  it("uses the System Messages channel, wherever /jobclub was used", async () => {
    const random = w.fake.channel(w.guild, "random").id;
    await w.run(w.ana, "join", {}, { channelId: random });
    await w.run(w.bob, "join", {}, { channelId: random });
    expect((await introThread("Acme", random))?.parentId).toBe(w.fake.channel(w.guild, "lobby").id);
  });

  it("opens the thread in the next usable channel when the bot has lost a permission in the one it knew", async () => {
    const lobby = w.fake.channel(w.guild, "lobby");
    w.fake.denyChannel(lobby);
    const thread = await introThread("Globex", w.fake.channel(w.guild, "random").id);
    expect(thread?.parentId).toBe(w.fake.channel(w.guild, "general").id);
    expect(w.fake.calls.some((c) => c.method === "POST" && c.path === `/channels/${lobby.id}/threads` && c.status === 403)).toBe(true);
    const rows = await queryRows<{ status: string }>(database.db, sql`select status from outbox`);
    expect(rows.every((r) => r.status === "sent")).toBe(true);
  });
});
