/**
 * Warmpath as production runs it (`node dist/main.js`, Slack HTTP mode) against the fake Slack:
 * start to /healthz 200, RSS after a few seconds idle, and `/jobclub goal list` time-to-answer next
 * to a bare Bolt app answering a constant (bench/bare-bolt.mjs), concurrency 10, both in one run.
 * The answer is the response_url POST arriving at the fake: both apps ack first, then respond().
 */
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { performance } from "node:perf_hooks";
import { startFakeSlackApi, type FakeSlackApi } from "../test/slack/fake-slack-api.js";
import { sendSigned, slashCommandBody } from "../test/slack/sign.js";
import { createScratchDatabase, type Driver } from "./lib/databases.js";
import { freePort, procStatusMb, startServer, stopServer, waitFor200 } from "./lib/processes.js";
import { percentile } from "./lib/stats.js";

const TOKEN = "xoxb-bench-token-000000";
const SECRET = "bench-signing-secret";
const TEAM = "TBENCHAPP";
const COMMAND = "/jobclub";
const CONCURRENCY = 10;
const users = Array.from({ length: CONCURRENCY }, (_, i) => `UAPP${String(i + 1).padStart(4, "0")}`);

export interface SlackAppRun {
  startMs?: number;
  idleRssMb?: number;
  warmpath?: { p50: number; p99: number };
  bare?: { p50: number; p99: number };
  requests?: number;
  error?: string;
}

export interface SlackAppOptions {
  root: string;
  driver: Driver;
  postgresBaseUrl?: string;
  idleSeconds: number;
  /** Measured requests per app per run (after a warm-up). */
  requests: number;
  log: (line: string) => void;
}

/** The environment the process gets: only what it needs, never the caller's database or tokens. */
function cleanEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  const keep = ["PATH", "HOME", "TZ", "LANG"];
  return { ...Object.fromEntries(keep.filter((k) => process.env[k] !== undefined).map((k) => [k, process.env[k]!])), NODE_ENV: "production", ...extra };
}

/** Sends one signed slash command and resolves with the ms until its answer reached the fake's response_url. */
async function command(fake: FakeSlackApi, appUrl: string, userId: string, text: string, id: string): Promise<{ ms: number; answer: string }> {
  const after = fake.mark();
  const answered = fake.waitFor((r) => r.kind === "response" && r.name === `/respond/${id}`, `answer to ${text}`, after, 30_000);
  const body = slashCommandBody({ command: COMMAND, text, userId, userName: userId.toLowerCase(), teamId: TEAM, teamDomain: "bench", channelId: "CBENCH", responseUrl: fake.responseUrl(id) });
  const start = performance.now();
  const ack = await sendSigned(appUrl, body, "application/x-www-form-urlencoded", { secret: SECRET });
  if (ack.status !== 200) throw new Error(`${text}: HTTP ${ack.status} ${ack.body.slice(0, 200)}`);
  const response = await answered;
  return { ms: performance.now() - start, answer: typeof response.body.text === "string" ? response.body.text : "" };
}

/** `total` requests, CONCURRENCY at a time, each worker as its own user; latencies in ms. */
async function load(fake: FakeSlackApi, appUrl: string, text: string, total: number, tag: string): Promise<number[]> {
  const latencies: number[] = [];
  let next = 0;
  await Promise.all(
    users.map(async (userId) => {
      while (next < total) {
        const n = next++;
        latencies.push((await command(fake, appUrl, userId, text, `${tag}-${n}`)).ms);
      }
    }),
  );
  return latencies;
}

export async function benchSlackAppRun(options: SlackAppOptions, run: number): Promise<SlackAppRun> {
  const fake = await startFakeSlackApi({
    botToken: TOKEN,
    teamId: TEAM,
    teamName: "Bench",
    botUserId: "UBOT",
    botId: "BBOT",
    users: users.map((id, i) => ({ id, name: `bench${i + 1}`, displayName: `Bench member ${i + 1}` })),
    channels: {},
  });
  const scratch = options.driver === "postgres" ? await createScratchDatabase(options.postgresBaseUrl!) : undefined;
  const dataDir = options.driver === "pglite" ? mkdtempSync(path.join(os.tmpdir(), "warmpath-bench-")) : undefined;
  const result: SlackAppRun = {};
  let warmpath: ReturnType<typeof startServer> | undefined;
  let bare: ReturnType<typeof startServer> | undefined;
  try {
    const port = await freePort();
    const env = cleanEnv({
      SLACK_BOT_TOKEN: TOKEN,
      SLACK_SIGNING_SECRET: SECRET,
      SLACK_API_URL: fake.apiUrl,
      SLACK_COMMAND: COMMAND,
      PORT: String(port),
      LOG_LEVEL: "warn",
      ...(scratch ? { DATABASE_URL: scratch.url } : { DATA_DIR: dataDir! }),
    });
    const started = performance.now();
    warmpath = startServer(process.execPath, ["dist/main.js"], { env, cwd: options.root });
    const alive = (s: ReturnType<typeof startServer>) => () => s.child.exitCode === null && s.child.signalCode === null;
    try {
      result.startMs = await waitFor200(`http://127.0.0.1:${port}/healthz`, started, 120_000, alive(warmpath));
    } catch (error) {
      throw new Error(`Warmpath did not become healthy: ${(error as Error).message}; stderr: ${warmpath.stderrTail.slice(-3).join(" | ")}`);
    }
    await new Promise((r) => setTimeout(r, options.idleSeconds * 1000));
    result.idleRssMb = procStatusMb(warmpath.child.pid!, "VmRSS");
    options.log(`    run ${run}: /healthz 200 after ${result.startMs.toFixed(0)} ms; ${result.idleRssMb?.toFixed(0)} MB RSS after ${options.idleSeconds} s idle`);

    const barePort = await freePort();
    bare = startServer(process.execPath, ["bench/bare-bolt.mjs"], { env: cleanEnv({ ...env, PORT: String(barePort) }), cwd: options.root });
    await waitFor200(`http://127.0.0.1:${barePort}/healthz`, performance.now(), 60_000, alive(bare));

    const warmpathUrl = `http://127.0.0.1:${port}/slack/events`;
    const bareUrl = `http://127.0.0.1:${barePort}/slack/events`;
    // Each user joins and sets three goals, so `goal list` reads and renders something real.
    await Promise.all(
      users.map(async (userId, i) => {
        await command(fake, warmpathUrl, userId, "join Data analyst", `setup-join-${i}`);
        for (const n of [1, 2, 3]) await command(fake, warmpathUrl, userId, `goal add Call ${n} people at Acme`, `setup-goal-${i}-${n}`);
      }),
    );
    const check = await command(fake, warmpathUrl, users[0]!, "goal list", "setup-check");
    if (!/Call 3 people/.test(check.answer)) throw new Error(`goal list did not list the goals: ${check.answer.slice(0, 200)}`);
    // Warm-up (JIT, pools, caches), then alternating blocks so both apps see the same machine.
    await load(fake, bareUrl, "goal list", 100, "warm-bare");
    await load(fake, warmpathUrl, "goal list", 100, "warm-warmpath");
    const blocks = 5;
    const per = Math.ceil(options.requests / blocks);
    const times = { warmpath: [] as number[], bare: [] as number[] };
    for (let b = 0; b < blocks; b++) {
      times.bare.push(...(await load(fake, bareUrl, "goal list", per, `bare-${b}`)));
      times.warmpath.push(...(await load(fake, warmpathUrl, "goal list", per, `warmpath-${b}`)));
    }
    result.requests = times.warmpath.length;
    result.warmpath = { p50: percentile(times.warmpath, 50), p99: percentile(times.warmpath, 99) };
    result.bare = { p50: percentile(times.bare, 50), p99: percentile(times.bare, 99) };
    options.log(
      `    run ${run}: goal list p50 ${result.warmpath.p50.toFixed(1)} ms, p99 ${result.warmpath.p99.toFixed(1)} ms; bare Bolt p50 ${result.bare.p50.toFixed(1)} ms, p99 ${result.bare.p99.toFixed(1)} ms ` +
        `(${(result.warmpath.p50 / result.bare.p50).toFixed(2)}× / ${(result.warmpath.p99 / result.bare.p99).toFixed(2)}×)`,
    );
  } catch (error) {
    result.error = error instanceof Error ? error.message : String(error);
    options.log(`    run ${run}: failed: ${result.error}`);
  } finally {
    if (bare) await stopServer(bare);
    if (warmpath) await stopServer(warmpath);
    await fake.close();
    await scratch?.drop().catch(() => undefined);
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  }
  return result;
}
