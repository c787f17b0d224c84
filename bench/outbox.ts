/**
 * The outbox against a fake Slack that allows 20 chat.postMessage calls a second and answers 429
 * with Retry-After beyond: delivered DMs per second as a share of that rate, with the Slack port
 * paced to it (deliveriesPerMinute) and without, and a check that every DM arrived exactly once.
 * The DMs are those of a weekly matches run over a small seeded club, queued once and put back
 * before each measurement, so each one delivers the same messages. Take a few hundred: a run's last
 * one-second window is seldom full, so a short run overstates the rate of a sender that bursts.
 */
import { performance } from "node:perf_hooks";
import { sql } from "drizzle-orm";
import { webApi } from "@slack/bolt";
import { openPglite, openPostgres, queryRows, type Database } from "../src/db/client.js";
import { createJobRunner } from "../src/scheduler/runner.js";
import { createDispatcher } from "../src/outbox/dispatcher.js";
import { expandFanouts } from "../src/db/store/fanouts.js";
import { createSlackPort } from "../src/adapters/slack/port.js";
import { silentLogger } from "../src/util/logger.js";
import { startFakeSlackApi } from "../test/slack/fake-slack-api.js";
import { createScratchDatabase, type Driver } from "./lib/databases.js";
import { MATCHES_AT, TEAM, seedClub, slackUserId } from "./lib/seed.js";

const TOKEN = "xoxb-bench-token-000000";

export interface OutboxRun {
  mode: "paced" | "unpaced";
  messages: number;
  delivered?: number;
  seconds?: number;
  /** Delivered per second over the allowed rate. */
  share?: number;
  rateLimited?: number;
  lost?: number;
  doubled?: number;
  error?: string;
}

export interface OutboxOptions {
  driver: Driver;
  postgresBaseUrl?: string;
  members: number;
  perSecond: number;
  runs: number;
  log: (line: string) => void;
}

async function rows<T>(database: Database, query: ReturnType<typeof sql>): Promise<T[]> {
  return queryRows<T>(database.db, query);
}

async function measure(database: Database, options: OutboxOptions, members: number, mode: OutboxRun["mode"]): Promise<OutboxRun> {
  // The same DMs each time: the outbox as the matches job left it.
  await database.db.execute(sql`delete from outbox`);
  await database.db.execute(sql`insert into outbox overriding system value select * from bench_outbox_queued`);
  const [{ n: messages }] = (await rows<{ n: number }>(database, sql`select count(*)::int as n from outbox where status = 'pending'`)) as [{ n: number }];
  const fake = await startFakeSlackApi({
    botToken: TOKEN,
    teamId: TEAM,
    teamName: "Bench",
    botUserId: "UBOT",
    botId: "BBOT",
    users: Array.from({ length: members }, (_, i) => ({ id: slackUserId(i + 1), name: `member${i + 1}` })),
    channels: {},
    rateLimit: { perSecond: options.perSecond },
  });
  const result: OutboxRun = { mode, messages: Number(messages) };
  try {
    // As the Slack adapter builds its client: no retries, a 429 is the dispatcher's to wait out.
    const client = new webApi.WebClient(TOKEN, { slackApiUrl: fake.apiUrl, retryConfig: { retries: 0 }, rejectRateLimitedCalls: true, logLevel: webApi.LogLevel.ERROR });
    // Paced: the port states the platform's own rate, and the dispatcher keeps to it (no margin).
    const port = createSlackPort(client, mode === "paced" ? { deliveriesPerMinute: options.perSecond * 60 } : {});
    // The job queued its DMs at MATCHES_AT: the dispatcher's clock runs from there, in real time.
    const offset = MATCHES_AT.getTime() - Date.now();
    const dispatcher = createDispatcher({ db: database.db, ports: [port], logger: silentLogger, clock: { now: () => new Date(Date.now() + offset) } });
    const start = performance.now();
    const handled = await dispatcher.drain({ waitForRetries: true, maxWaitMs: 30 * 60_000 });
    result.seconds = (performance.now() - start) / 1000;
    await dispatcher.stop();
    const posts = fake.calls("chat.postMessage");
    const ok = posts.filter((p) => p.outcome === "ok");
    const perChannel = new Map<string, number>();
    for (const post of ok) perChannel.set(String(post.body.channel), (perChannel.get(String(post.body.channel)) ?? 0) + 1);
    const [{ sent }] = (await rows<{ sent: number }>(database, sql`select count(*) filter (where status = 'sent')::int as sent from outbox`)) as [{ sent: number }];
    result.delivered = perChannel.size;
    result.doubled = ok.length - perChannel.size;
    // Every queued DM (one per member) should have reached its member's DM channel once, and be marked sent.
    result.lost = result.messages - perChannel.size;
    result.rateLimited = posts.length - ok.length;
    result.share = result.delivered / result.seconds / options.perSecond;
    const problems = [
      ...(Number(sent) !== result.messages ? [`${result.messages - Number(sent)} not marked sent`] : []),
      ...(handled < result.messages ? [`the dispatcher handled ${handled} of ${result.messages}`] : []),
    ];
    if (problems.length) result.error = problems.join("; ");
  } catch (error) {
    result.error = error instanceof Error ? error.message : String(error);
  } finally {
    await fake.close();
  }
  return result;
}

export async function benchOutbox(options: OutboxOptions): Promise<OutboxRun[]> {
  const scratch = options.driver === "postgres" ? await createScratchDatabase(options.postgresBaseUrl!) : undefined;
  const database = scratch ? await openPostgres(scratch.url) : await openPglite();
  const results: OutboxRun[] = [];
  try {
    const seeded = await seedClub(database, options.members);
    const runner = createJobRunner({ db: database.db, clock: { now: () => MATCHES_AT }, logger: silentLogger });
    await runner.run(seeded.clubId, "matches", MATCHES_AT);
    // The run queues its DMs as one fan-out; written out here, so each run delivers the same rows.
    while ((await expandFanouts(database.db, MATCHES_AT)) > 0);
    await database.db.execute(sql`create table bench_outbox_queued as select * from outbox`);
    for (let run = 1; run <= options.runs; run++) {
      for (const mode of ["paced", "unpaced"] as const) {
        const result = await measure(database, options, seeded.members, mode);
        results.push(result);
        options.log(
          result.error && result.delivered === undefined
            ? `    run ${run} ${mode}: failed: ${result.error}`
            : `    run ${run} ${mode}: ${result.delivered} of ${result.messages} DMs in ${result.seconds!.toFixed(1)} s = ${(result.delivered! / result.seconds!).toFixed(1)}/s ` +
                `(${(result.share! * 100).toFixed(1)} % of ${options.perSecond}/s), ${result.rateLimited} answered 429, ${result.lost} lost, ${result.doubled} doubled${result.error ? `; ${result.error}` : ""}`,
        );
      }
    }
  } finally {
    await database.close();
    await scratch?.drop();
  }
  return results;
}
