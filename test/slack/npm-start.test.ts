import { spawn } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startFakeSlackApi, type FakeSlackApi } from "./fake-slack-api.js";
import { botCommand, freePort, userEnv } from "../support/processes.js";
import { sendSigned, slashCommandBody } from "./sign.js";

const SECRET = "npm-start-signing-secret-0123456789";
const BOT_TOKEN = "xoxb-9999-8888-NpmStartBotToken";
const TEAM = "T0START";
const CLIENT_ID = "3333333333.4444444444";
const CLIENT_SECRET = "npm-start-client-secret-0123";

/**
 * Starts Warmpath as production does: `node dist/main.js` (what `npm start` runs after building, and
 * the container's command), so SIGTERM reaches main's shutdown. Its own process group, so cleanup
 * reaches every process it started.
 */
function launch(env: Record<string, string>) {
  const { command, args, cwd } = botCommand();
  const child = spawn(command, args, { cwd, env: userEnv(env), stdio: ["ignore", "pipe", "pipe"], detached: true });
  let stderr = "";
  let done = false;
  const listeners = new Set<() => void>();
  child.stderr.on("data", (chunk: Buffer) => {
    stderr += chunk.toString();
    for (const listener of listeners) listener();
  });
  child.stdout.resume();
  const exited = new Promise<number | string | null>((resolve) =>
    child.on("exit", (code, signal) => {
      done = true;
      resolve(code ?? signal);
    }),
  );
  launched.push({ pid: child.pid!, running: () => !done });
  return {
    exited,
    stderr: () => stderr,
    terminate: () => child.kill("SIGTERM"),
    /** Resolves when stderr says `text`; rejects if the process exits first. */
    output(text: string): Promise<void> {
      return new Promise((resolve, reject) => {
        const check = () => {
          if (stderr.includes(text)) {
            listeners.delete(check);
            resolve();
          }
        };
        listeners.add(check);
        check();
        void exited.then((code) => reject(new Error(`exited with ${code} before printing "${text}":\n${stderr}`)));
      });
    },
  };
}

const launched: Array<{ pid: number; running: () => boolean }> = [];

// Each case starts a real process (node, a fresh PGlite): slow on a busy two-core machine.
describe("the bot process with Slack tokens", { timeout: 180_000 }, () => {
  let fake: FakeSlackApi;
  const dirs: string[] = [];
  const dataDir = () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "warmpath-slack-start-"));
    dirs.push(dir);
    return dir;
  };

  beforeAll(async () => {
    fake = await startFakeSlackApi({
      botToken: BOT_TOKEN,
      teamId: TEAM,
      teamName: "Start Club",
      botUserId: "UBOTSTART",
      botId: "B0START",
      users: [
        { id: "UANA", name: "ana", displayName: "Ana" },
        { id: "UBOB", name: "bob", displayName: "Bob" },
      ],
      channels: { CCLUB: { botIsMember: true } },
      oauth: { clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, appId: "A0START" },
    });
  });
  afterAll(async () => {
    // Whatever a failed case left running: its whole process group, by id.
    for (const { pid, running } of launched) if (running()) process.kill(-pid, "SIGKILL");
    await fake?.close();
    for (const dir of dirs) fs.rmSync(dir, { recursive: true, force: true });
  });

  it("stops with one clear message when Slack refuses the bot token, without leaking it", async () => {
    const run = launch({ SLACK_BOT_TOKEN: "xoxb-wrong-token-1234567890", SLACK_SIGNING_SECRET: SECRET, SLACK_API_URL: fake.apiUrl, DATA_DIR: dataDir(), PORT: String(await freePort()) });
    expect(await run.exited).toBe(1);
    expect(run.stderr()).toContain("Slack refused SLACK_BOT_TOKEN (invalid_auth)");
    expect(run.stderr()).not.toMatch(/unhandled|UnhandledPromiseRejection/i);
    expect(run.stderr()).not.toContain("xoxb-wrong-token-1234567890");
  });

  it("stops with one clear message when Slack cannot be reached", async () => {
    const run = launch({ SLACK_BOT_TOKEN: BOT_TOKEN, SLACK_SIGNING_SECRET: SECRET, SLACK_API_URL: "http://127.0.0.1:9/api/", DATA_DIR: dataDir(), PORT: String(await freePort()) });
    expect(await run.exited).toBe(1);
    expect(run.stderr().trim().split("\n")).toEqual([expect.stringMatching(/^Could not reach Slack at http:\/\/127\.0\.0\.1:9\/api\/ \(.+\)\. Check the network, or SLACK_API_URL if you set it\.$/)]);
  });

  it("serves /jobclub and /healthz, delivers DMs through the outbox, and shuts down on SIGTERM", async () => {
    const port = await freePort();
    const run = launch({ SLACK_BOT_TOKEN: BOT_TOKEN, SLACK_SIGNING_SECRET: SECRET, SLACK_API_URL: fake.apiUrl, DATA_DIR: dataDir(), PORT: String(port) });
    try {
      await run.output("Warmpath running on embedded PGlite");
      const health = await fetch(`http://127.0.0.1:${port}/healthz`);
      expect(health.status).toBe(200);

      const command = async (userId: string, userName: string, text: string, id: string) => {
        const body = slashCommandBody({ command: "/jobclub", text, userId, userName, teamId: TEAM, teamDomain: "start", channelId: "CCLUB", responseUrl: fake.responseUrl(id) });
        expect((await sendSigned(`http://127.0.0.1:${port}/slack/events`, body, "application/x-www-form-urlencoded", { secret: SECRET })).status).toBe(200);
        return (await fake.response(id)).body;
      };
      expect(String((await command("UANA", "ana", "join", "start-1")).text)).toContain("Welcome to the job club, Ana!");
      await command("UBOB", "bob", "join", "start-2");
      await command("UANA", "ana", "thanks <@UBOB> for the coffee chat", "start-3");
      // The running dispatcher, woken by the command's outbox write, delivers the DM.
      const dm = await fake.waitFor((r) => r.name === "chat.postMessage" && r.body.channel === "DUBOB", "the thanks DM");
      expect(String(dm.body.text)).toContain("Ana thanked you");
    } catch (error) {
      throw new Error(`${(error as Error).message}\n--- stderr of the bot ---\n${run.stderr()}`);
    } finally {
      run.terminate();
    }
    expect(await run.exited).toBe(0);
    expect(run.stderr()).toContain("SIGTERM: shutting down");
    for (const secret of [BOT_TOKEN, SECRET]) expect(run.stderr()).not.toContain(secret);
  });

  it("as a distributed app: serves the Add to Slack page, completes an install, answers that workspace with its own token", async () => {
    const port = await freePort();
    const base = `http://127.0.0.1:${port}`;
    fake.setRedirectUrl(`${base}/slack/oauth_redirect`);
    const run = launch({
      SLACK_CLIENT_ID: CLIENT_ID,
      SLACK_CLIENT_SECRET: CLIENT_SECRET,
      SLACK_STATE_SECRET: "npm-start-state-secret-0123456789",
      SLACK_TOKEN_ENCRYPTION_KEY: Buffer.alloc(32, 7).toString("base64"),
      SLACK_SIGNING_SECRET: SECRET,
      SLACK_API_URL: fake.apiUrl,
      DATA_DIR: dataDir(),
      PORT: String(port),
    });
    try {
      await run.output("Warmpath running on embedded PGlite");
      const mark = fake.mark();
      const page = await fetch(`${base}/slack/install`);
      expect(page.status).toBe(200);
      const href = /id="add-to-slack" href="([^"]+)"/.exec(await page.text())![1]!.replace(/&amp;/g, "&");
      const cookie = page.headers.getSetCookie().map((c) => c.split(";")[0]).join("; ");
      const approved = await fetch(`${href}&team=${TEAM}&user=UANA`, { redirect: "manual" });
      const landed = await fetch(approved.headers.get("location")!, { headers: { cookie } });
      expect(landed.status).toBe(200);
      expect(await landed.text()).toContain("Warmpath is installed in Start Club");
      const [token] = fake.tokensOf(TEAM);
      // The installer's welcome DM goes out through the running dispatcher, with the new token.
      const welcome = await fake.waitFor((r) => r.name === "chat.postMessage" && r.body.channel === "DUANA", "the welcome DM", mark);
      expect(welcome.authorization).toBe(`Bearer ${token}`);

      const body = slashCommandBody({ command: "/jobclub", text: "join", userId: "UBOB", userName: "bob", teamId: TEAM, teamDomain: "start", channelId: "CCLUB", responseUrl: fake.responseUrl("oauth-start-1") });
      expect((await sendSigned(`${base}/slack/events`, body, "application/x-www-form-urlencoded", { secret: SECRET })).status).toBe(200);
      expect(String((await fake.response("oauth-start-1")).body.text)).toContain("Welcome to the job club, Bob!");
      const lookup = await fake.waitFor((r) => r.name === "users.info" && r.body.user === "UBOB", "Bob's users.info", mark);
      expect(lookup.authorization).toBe(`Bearer ${token}`);
      expect(run.stderr()).not.toContain(token!);
    } catch (error) {
      throw new Error(`${(error as Error).message}\n--- stderr of the bot ---\n${run.stderr()}`);
    } finally {
      run.terminate();
    }
    expect(await run.exited).toBe(0);
    for (const secret of [CLIENT_SECRET, SECRET]) expect(run.stderr()).not.toContain(secret);
  });
});
