import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openTemplatePglite } from "../support/databases.js";
import type { Database } from "../../src/db/client.js";
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
