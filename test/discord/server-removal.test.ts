import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sql } from "drizzle-orm";
import { openTemplatePglite } from "../support/databases.js";
import { queryRows, type Database } from "../../src/db/client.js";
import { findClub } from "../../src/db/store/clubs.js";
import { createJobRunner } from "../../src/scheduler/runner.js";
import { silentLogger } from "../../src/util/logger.js";
import { startWorld, type World } from "./world.js";

/**
 * A bot removed from a server (gateway mode: Discord dispatches GUILD_DELETE) stops running that
 * club's weekly jobs and keeps its data; added back (GUILD_CREATE), the club carries on.
 */
describe("a Discord server that removes the bot", () => {
  let database: Database;
  let w: World;

  beforeAll(async () => {
    database = await openTemplatePglite();
    w = await startWorld(database);
  });
  afterAll(async () => {
    await w?.stop();
    await database?.close();
  });

  const unreachableSince = async () =>
    (await queryRows<{ at: Date | null }>(database.db, sql`select unreachable_since as at from club_links where platform = 'discord' and external_id = ${w.guild.id}`))[0]?.at ?? null;

  it("runs no weekly jobs for its club until the bot is back, and keeps the club's members", async () => {
    await w.run(w.ana, "join");
    await w.run(w.bob, "join");
    const clubId = (await findClub(database.db, { platform: "discord", externalId: w.guild.id }))!.id;
    const runner = createJobRunner({ db: database.db, clock: w.clock, logger: silentLogger });
    const week = 7 * 86_400_000;
    const start = w.clock.now().getTime();

    w.fake.removeBot(w.guild);
    await expect.poll(unreachableSince, { timeout: 10_000 }).not.toBeNull();
    expect(await runner.run(clubId, "digest", new Date(start + week))).toEqual({ ran: false, reason: "unreachable" });
    const [members] = await queryRows<{ n: number }>(database.db, sql`select count(*)::int as n from members where club_id = ${clubId}`);
    expect(Number(members!.n)).toBe(2);

    w.fake.addBot(w.guild);
    await expect.poll(unreachableSince, { timeout: 10_000 }).toBeNull();
    expect(await runner.run(clubId, "digest", new Date(start + 2 * week))).toMatchObject({ ran: true });
  });
});
