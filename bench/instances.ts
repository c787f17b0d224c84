/**
 * npm run bench:instances — how many commands a second 1 and 3 identical Warmpath instances on one
 * Postgres sustain with p99 time-to-answer under 1 s (issue 11's load figure).
 *
 * Each instance is production's `node dist/main.js` in Slack HTTP mode against the fake Slack. The
 * load is open-loop: signed slash commands arrive at a fixed rate whatever the answers do (as
 * Slack's traffic would), round-robin over the instances, four `goal list` to one `goal add`, from
 * 50 members. Each rate step runs STEP_SECONDS; the figure is the highest rate whose p99 stayed
 * under 1 s with every command answered. The load generator, the fake Slack, Postgres and the
 * instances share this machine's cores, so the figures are for this machine only.
 *
 * Knobs: BENCH_INSTANCES=1,3, BENCH_RATES=20,40,...; BENCH_STEP_SECONDS (8); BENCH_NO_BUILD=1.
 * Needs BENCH_DATABASE_URL or TEST_DATABASE_URL (several processes cannot share a PGlite).
 */
import { execFileSync } from "node:child_process";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { performance } from "node:perf_hooks";
import { startFakeSlackApi, type FakeSlackApi } from "../test/slack/fake-slack-api.js";
import { sendSigned, slashCommandBody } from "../test/slack/sign.js";
import { createScratchDatabase, postgresBaseUrl, postgresVersion } from "./lib/databases.js";
import { freePort, startServer, stopServer, waitFor200 } from "./lib/processes.js";
import { percentile, table } from "./lib/stats.js";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const TOKEN = "xoxb-bench-instances-0000";
const SECRET = "bench-instances-signing-secret";
const TEAM = "TBENCHINST";
const COMMAND = "/jobclub";
const MEMBERS = 50;
const P99_LIMIT_MS = 1000;
const ANSWER_TIMEOUT_MS = 15_000;

const list = (value: string | undefined, fallback: number[]) => (value ? value.split(",").map((v) => Number(v.trim())) : fallback);
const instanceCounts = list(process.env.BENCH_INSTANCES, [1, 3]);
const rates = list(process.env.BENCH_RATES, [10, 20, 30, 40, 60, 80, 100, 150, 200, 300, 400]);
const stepSeconds = Number(process.env.BENCH_STEP_SECONDS ?? 8);
const users = Array.from({ length: MEMBERS }, (_, i) => `UINST${String(i + 1).padStart(4, "0")}`);

type Server = ReturnType<typeof startServer>;

function cleanEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  const keep = ["PATH", "HOME", "TZ", "LANG"];
  return { ...Object.fromEntries(keep.filter((k) => process.env[k] !== undefined).map((k) => [k, process.env[k]!])), NODE_ENV: "production", ...extra };
}

let sequence = 0;
/** One signed command; resolves with ms to its answer at the fake's response_url, or rejects. */
async function command(fake: FakeSlackApi, url: string, userId: string, text: string): Promise<number> {
  const id = `c${++sequence}`;
  const answered = fake.waitFor((r) => r.kind === "response" && r.name === `/respond/${id}`, `answer to ${text}`, fake.mark(), ANSWER_TIMEOUT_MS);
  const body = slashCommandBody({ command: COMMAND, text, userId, userName: userId.toLowerCase(), teamId: TEAM, teamDomain: "bench", channelId: "CBENCH", responseUrl: fake.responseUrl(id) });
  const start = performance.now();
  const ack = await sendSigned(url, body, "application/x-www-form-urlencoded", { secret: SECRET });
  if (ack.status !== 200) {
    answered.catch(() => undefined);
    throw new Error(`HTTP ${ack.status}`);
  }
  await answered;
  return performance.now() - start;
}

interface Step {
  rate: number;
  sent: number;
  answered: number;
  p50: number;
  p99: number;
}

/** Open loop at `rate` a second for stepSeconds, round-robin over the instances. */
async function step(fake: FakeSlackApi, urls: string[], rate: number): Promise<Step> {
  const total = Math.round(rate * stepSeconds);
  const latencies: number[] = [];
  const pending: Promise<void>[] = [];
  const start = performance.now();
  for (let n = 0; n < total; n++) {
    const due = start + (n * 1000) / rate;
    const wait = due - performance.now();
    if (wait > 1) await new Promise((r) => setTimeout(r, wait));
    const user = users[n % users.length]!;
    const text = n % 5 === 4 ? `goal add Reach out to contact ${n}` : "goal list";
    pending.push(
      command(fake, urls[n % urls.length]!, user, text).then(
        (ms) => void latencies.push(ms),
        () => undefined,
      ),
    );
  }
  await Promise.all(pending);
  return { rate, sent: total, answered: latencies.length, p50: latencies.length ? percentile(latencies, 50) : Infinity, p99: latencies.length ? percentile(latencies, 99) : Infinity };
}

async function run(instances: number, baseUrl: string, log: (line: string) => void): Promise<{ best?: Step; steps: Step[] }> {
  const fake = await startFakeSlackApi({
    botToken: TOKEN,
    teamId: TEAM,
    teamName: "Bench",
    botUserId: "UBOT",
    botId: "BBOT",
    users: users.map((id, i) => ({ id, name: `member${i + 1}`, displayName: `Member ${i + 1}` })),
    channels: {},
  });
  const scratch = await createScratchDatabase(baseUrl);
  const servers: Server[] = [];
  const steps: Step[] = [];
  try {
    const urls: string[] = [];
    for (let i = 0; i < instances; i++) {
      const port = await freePort();
      const env = cleanEnv({ SLACK_BOT_TOKEN: TOKEN, SLACK_SIGNING_SECRET: SECRET, SLACK_API_URL: fake.apiUrl, SLACK_COMMAND: COMMAND, PORT: String(port), LOG_LEVEL: "warn", DATABASE_URL: scratch.url });
      const server = startServer(process.execPath, ["dist/main.js"], { env, cwd: root });
      servers.push(server);
      await waitFor200(`http://127.0.0.1:${port}/healthz`, performance.now(), 120_000, () => server.child.exitCode === null);
      urls.push(`http://127.0.0.1:${port}/slack/events`);
    }
    // Every member joins and sets three goals, spread over the instances.
    for (const [i, user] of users.entries()) {
      await command(fake, urls[i % urls.length]!, user, "join Data analyst");
      for (const n of [1, 2, 3]) await command(fake, urls[(i + n) % urls.length]!, user, `goal add Call ${n} people at Acme`);
    }
    await step(fake, urls, 20); // warm-up: JIT, pools, caches
    for (const rate of rates) {
      const result = await step(fake, urls, rate);
      steps.push(result);
      log(`    ${instances} instance(s), ${rate}/s: ${result.answered}/${result.sent} answered, p50 ${result.p50.toFixed(0)} ms, p99 ${result.p99.toFixed(0)} ms`);
      if (result.answered < result.sent || result.p99 >= P99_LIMIT_MS) break;
    }
  } finally {
    for (const server of servers) await stopServer(server);
    await fake.close();
    await scratch.drop().catch(() => undefined);
  }
  const passing = steps.filter((s) => s.answered === s.sent && s.p99 < P99_LIMIT_MS);
  return { best: passing.at(-1), steps };
}

async function main() {
  const baseUrl = postgresBaseUrl();
  if (!baseUrl) throw new Error("bench:instances needs BENCH_DATABASE_URL or TEST_DATABASE_URL: instances share one Postgres");
  if (process.env.BENCH_NO_BUILD !== "1") execFileSync("npm", ["run", "--silent", "build"], { cwd: root, stdio: "inherit" });
  const log = (line: string) => process.stdout.write(`${line}\n`);
  log(`Sustained commands per second with p99 time-to-answer < ${P99_LIMIT_MS} ms (${await postgresVersion(baseUrl)}, ${stepSeconds} s per rate step, 4 goal list : 1 goal add)`);
  const rows: string[][] = [];
  for (const count of instanceCounts) {
    const { best } = await run(count, baseUrl, log);
    rows.push([String(count), best ? `${best.rate}/s` : `< ${rates[0]}/s`, best ? `${best.p50.toFixed(0)} ms` : "–", best ? `${best.p99.toFixed(0)} ms` : "–"]);
  }
  log("");
  log(table(["instances", "sustained rate", "p50 at that rate", "p99 at that rate"], rows));
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
