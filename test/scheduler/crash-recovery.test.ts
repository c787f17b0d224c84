import { spawn } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, expect, it, vi } from "vitest";
import { sql } from "drizzle-orm";
import { createScratchDatabase } from "../support/databases.js";
import { botCommand, freePort, userEnv } from "../support/processes.js";
import { startFakeSlackApi } from "../slack/fake-slack-api.js";
import { openPostgres, queryRows, type Db } from "../../src/db/client.js";
import { createCore } from "../../src/core/core.js";
import { findClub } from "../../src/db/store/clubs.js";
import { createJobRunner } from "../../src/scheduler/runner.js";
import { systemClock } from "../../src/core/types.js";
import { silentLogger } from "../../src/util/logger.js";

const TEAM = "T0CRASH";
const BOT_TOKEN = "xoxb-crash-test-bot-token-0001";
const SECRET = "crash-test-signing-secret-0001";
const MEMBERS = 500;
const userId = (i: number) => `U${String(i).padStart(5, "0")}`;

function startBot(env: Record<string, string>) {
  const { command, args, cwd } = botCommand();
  const child = spawn(command, args, { cwd, env: userEnv(env), stdio: ["ignore", "ignore", "pipe"] });
  let stderr = "";
  child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<number | string | null>((resolve) => child.on("exit", (code, signal) => resolve(code ?? signal)));
  return { child, exited, stderr: () => stderr };
}

/** Waits until `check` holds, polling it; fails naming `what` if it doesn't within `timeoutMs`. */
async function until(check: () => boolean | Promise<boolean>, what: string, timeoutMs: number): Promise<void> {
  await vi.waitFor(
    async () => {
      if (!(await check())) throw new Error(`timed out waiting for ${what}`);
    },
    { timeout: timeoutMs, interval: 20 },
  );
}

/** Outbox rows by status, in the database the bots share. */
async function outboxCounts(db: Db): Promise<{ sent: number; other: number }> {
  const [counts] = await queryRows<{ sent: number; other: number }>(
    db,
    sql`select count(*) filter (where status = 'sent')::int as sent, count(*) filter (where status <> 'sent')::int as other from outbox`,
  );
  return { sent: Number(counts!.sent), other: Number(counts!.other) };
}

describe.runIf(process.env.TEST_DATABASE_URL)("a bot killed with -9 during a 500-DM fan-out", () => {
  it("delivers every DM after a restart, repeating at most the one in flight", { timeout: 240_000 }, async () => {
    const scratch = await createScratchDatabase(process.env.TEST_DATABASE_URL!);
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "warmpath-crash-"));
    const fake = await startFakeSlackApi({
      botToken: BOT_TOKEN,
      teamId: TEAM,
      teamName: "Crash Club",
      botUserId: "UBOTCRASH",
      botId: "B0CRASH",
      users: Array.from({ length: MEMBERS }, (_, i) => ({ id: userId(i), name: `member${i}` })),
      channels: { CCLUB: { botIsMember: true } },
    });
    try {
      // 500 members, and a Monday goals prompt for each queued in the outbox.
      const setup = await openPostgres(scratch.url, { poolSize: 4 });
      const core = createCore({ db: setup.db, logger: silentLogger });
      const club = { platform: "slack" as const, externalId: TEAM };
      // The organiser is member 0: one of the 500.
      const admin = { platformUserId: userId(0), displayName: "member0", isPlatformAdmin: true };
      for (const job of ["goals-prompt", "check-in", "digest", "matches", "follow-ups"]) {
        expect((await core.handle({ club, actor: admin, via: "text", text: `config ${job} off` })).tone).toBe("success");
      }
      for (let i = 1; i < MEMBERS; i++) await core.handle({ club, actor: { platformUserId: userId(i), displayName: `member${i}` }, via: "text", text: "join" });
      const clubRow = (await findClub(setup.db, club))!;
      const run = await createJobRunner({ db: setup.db, clock: systemClock, logger: silentLogger }).run(clubRow.id, "goals-prompt", new Date());
      expect(run).toEqual({ ran: true, sent: MEMBERS });
      await setup.close();

      // The fake Slack has no rate limit: no pacing to Slack's 50 DMs a minute, or 500 DMs take ten.
      const env = {
        SLACK_BOT_TOKEN: BOT_TOKEN,
        SLACK_SIGNING_SECRET: SECRET,
        SLACK_API_URL: fake.apiUrl,
        SLACK_DELIVERIES_PER_MINUTE: "6000",
        DATABASE_URL: scratch.url,
        DATA_DIR: dataDir,
        OUTBOX_LEASE_SECONDS: "2",
      };
      const posts = () => fake.calls("chat.postMessage").filter((c) => c.outcome === "ok");

      const first = startBot({ ...env, PORT: String(await freePort()) });
      await until(() => posts().length >= 100, "the first 100 DMs", 120_000);
      first.child.kill("SIGKILL");
      expect(await first.exited).toBe("SIGKILL");
      const atKill = posts().length;
      expect(atKill).toBeLessThan(MEMBERS);

      const second = startBot({ ...env, PORT: String(await freePort()) });
      const recipients = () => new Set(posts().map((c) => String(c.body.channel)));
      await until(() => recipients().size >= MEMBERS, "all 500 recipients", 120_000);
      // Every row marked sent: nothing is left to (re)send, so a duplicate (if the bug were there)
      // has already arrived and is counted below.
      const watch = await openPostgres(scratch.url, { poolSize: 1 });
      try {
        await until(async () => (await outboxCounts(watch.db)).other === 0, "every outbox row marked sent", 60_000);
      } finally {
        await watch.close();
      }
      const atIdle = posts().length;
      second.child.kill("SIGTERM");
      await second.exited;

      expect(recipients().size).toBe(MEMBERS);
      const duplicates = posts().length - MEMBERS;
      expect(duplicates).toBeGreaterThanOrEqual(0);
      expect(duplicates).toBeLessThanOrEqual(1);
      // Nothing was sent while the second bot shut down either.
      expect(posts().length).toBe(atIdle);
      const check = await openPostgres(scratch.url, { poolSize: 1 });
      const counts = await outboxCounts(check.db);
      await check.close();
      expect(counts).toEqual({ sent: MEMBERS, other: 0 });
    } finally {
      await fake.close();
      await scratch.drop();
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
