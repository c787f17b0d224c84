import { spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { sql } from "drizzle-orm";
import { createScratchDatabase } from "../support/databases.js";
import { botCommand, userEnv } from "../support/processes.js";
import { openPostgres, queryRows } from "../../src/db/client.js";
import { createCore } from "../../src/core/core.js";
import { CONSOLE_CLUB } from "../../src/adapters/console/console-adapter.js";
import { silentLogger } from "../../src/util/logger.js";

/** A bot process as a user starts it, on a shared Postgres, with stdin held open so it keeps running. */
function startBot(databaseUrl: string): { child: ChildProcess; output: () => string; banner: Promise<void>; exited: Promise<number | null> } {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "warmpath-mp-"));
  const { command, args, cwd } = botCommand();
  const child = spawn(command, args, { cwd, env: userEnv({ DATABASE_URL: databaseUrl, DATA_DIR: dataDir }), stdio: ["pipe", "pipe", "pipe"] });
  let out = "";
  let resolveBanner: () => void;
  const banner = new Promise<void>((resolve) => (resolveBanner = resolve));
  child.stdout.on("data", (chunk: Buffer) => {
    out += chunk.toString();
    if (out.includes("Warmpath local console")) resolveBanner();
  });
  child.stderr.on("data", (chunk: Buffer) => (out += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.on("close", (code) => resolve(code)));
  return { child, output: () => out, banner, exited };
}

describe.runIf(process.env.TEST_DATABASE_URL)("three bot processes on one Postgres", () => {
  it("post each scheduled digest exactly once", { timeout: 180_000 }, async () => {
    const scratch = await createScratchDatabase(process.env.TEST_DATABASE_URL!);
    try {
      // The club and its schedule: a digest every 2 seconds, other jobs off.
      const setup = await openPostgres(scratch.url, { poolSize: 2 });
      const core = createCore({ db: setup.db, logger: silentLogger });
      const admin = { platformUserId: "org", displayName: "org", isPlatformAdmin: true };
      for (const line of ["config digest */2 * * * * *", "config goals-prompt off", "config check-in off", "config matches off", "config follow-ups off", "config digest-channel #club", "win Ready for the test"]) {
        const reply = await core.handle({ club: CONSOLE_CLUB, actor: admin, via: "text", text: line, channelId: "club" });
        expect(reply.tone, line).not.toBe("error");
      }
      await setup.close();

      const bots = [startBot(scratch.url), startBot(scratch.url), startBot(scratch.url)];
      await Promise.all(bots.map((b) => b.banner));
      // Let them run until five digests have gone out (starting three processes at once is slow on two cores).
      const watch = await openPostgres(scratch.url, { poolSize: 1 });
      try {
        const sentDigests = async () => {
          const [row] = await queryRows<{ n: number }>(watch.db, sql`select count(*)::int as n from outbox where dedupe_key like 'digest:%' and status = 'sent'`);
          return Number(row!.n);
        };
        await expect.poll(sentDigests, { timeout: 90_000, interval: 100 }).toBeGreaterThanOrEqual(5);
      } finally {
        await watch.close();
      }
      for (const bot of bots) bot.child.stdin!.end();
      const codes = await Promise.all(bots.map((b) => b.exited));
      expect(codes).toEqual([0, 0, 0]);

      const printed = bots.map((b) => (b.output().match(/^\[#club\] Weekly digest · /gm) ?? []).length);
      const check = await openPostgres(scratch.url, { poolSize: 1 });
      const runs = await queryRows<{ slot: Date; runner: string }>(check.db, sql`select slot, runner from scheduled_runs where job = 'digest' order by slot`);
      const [sent] = await queryRows<{ n: number }>(check.db, sql`select count(*)::int as n from outbox where dedupe_key like 'digest:%' and status = 'sent'`);
      await check.close();

      // Every run is a distinct 2-second slot, and each was posted once, by one of the three.
      const slots = runs.map((r) => new Date(r.slot).getTime());
      expect(runs.length).toBeGreaterThanOrEqual(5);
      expect(new Set(slots).size).toBe(slots.length);
      for (const slot of slots) expect(slot % 2000).toBe(0);
      expect(printed.reduce((a, b) => a + b, 0)).toBe(runs.length);
      expect(Number(sent!.n)).toBe(runs.length);
    } finally {
      await scratch.drop();
    }
  });
});
