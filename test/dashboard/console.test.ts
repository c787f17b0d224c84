import { spawn, type ChildProcessWithoutNullStreams } from "node:child_process";
import fs from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { botCommand, freePort, userEnv } from "../support/processes.js";

const dirs: string[] = [];
afterAll(() => {
  for (const dir of dirs) fs.rmSync(dir, { recursive: true, force: true });
});

/** The console as a user starts it (`node dist/main.js`, no tokens), with its stdin left open. */
function startConsole(env: Record<string, string>) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "warmpath-dashboard-console-"));
  dirs.push(dir);
  const { command, args, cwd } = botCommand();
  const child: ChildProcessWithoutNullStreams = spawn(command, args, { cwd, env: userEnv({ DATA_DIR: dir, ...env }), stdio: ["pipe", "pipe", "pipe"] });
  let stdout = "";
  let stderr = "";
  const waiters: Array<{ pattern: RegExp; resolve: (m: RegExpExecArray) => void }> = [];
  child.stdout.on("data", (chunk: Buffer) => {
    stdout += chunk.toString();
    for (const w of [...waiters]) {
      const match = w.pattern.exec(stdout);
      if (match) {
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve(match);
      }
    }
  });
  child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.on("close", resolve));
  return {
    child,
    /** Resolves when stdout so far matches. */
    waitFor(pattern: RegExp): Promise<RegExpExecArray> {
      const match = pattern.exec(stdout);
      return match ? Promise.resolve(match) : new Promise((resolve) => waiters.push({ pattern, resolve }));
    },
    type: (line: string) => child.stdin.write(`${line}\n`),
    async end() {
      child.stdin.end();
      return { code: await exited, stdout, stderr };
    },
  };
}

// Each case starts a real process on a fresh embedded database: slow on a busy two-core machine.
describe("the dashboard from the local console", { timeout: 180_000 }, () => {
  it("`dashboard` prints a link to the console's own server, which signs in and shows the club", async () => {
    const port = await freePort();
    const bot = startConsole({ PORT: String(port) });
    await bot.waitFor(/^Warmpath local console on /);
    await bot.waitFor(new RegExp(`The organisers' dashboard is at http://localhost:${port}/dashboard`));
    bot.type("@ana join Designer");
    bot.type("@ana dashboard");
    await bot.waitFor(/Only the club's organisers and workspace admins can do that/);
    bot.type("dashboard");
    const [, link] = await bot.waitFor(new RegExp(`\\[Open the dashboard: (http://localhost:${port}/dashboard/sign-in\\?token=[^\\]\\s]+)\\]`));
    const page = await fetch(link!);
    expect(page.status).toBe(200);
    const check = /name="check" value="([^"]+)"/.exec(await page.text())![1]!;
    const signIn = await fetch(`http://localhost:${port}/dashboard/sign-in`, {
      method: "POST",
      redirect: "manual",
      headers: { "content-type": "application/x-www-form-urlencoded", cookie: page.headers.getSetCookie()[0]!.split(";")[0]! },
      body: new URLSearchParams({ token: new URL(link!).searchParams.get("token")!, check }).toString(),
    });
    expect(signIn.status).toBe(303);
    const session = signIn.headers.getSetCookie().find((c) => c.startsWith("warmpath_session="))!.split(";")[0]!;
    const people = await fetch(`http://localhost:${port}${signIn.headers.get("location")!.replace("weeks", "people")}`, { headers: { cookie: session } });
    expect(people.status).toBe(200);
    const body = await people.text();
    expect(body).toContain("Local club");
    expect(body).toContain("Designer");
    const run = await bot.end();
    expect(run.stderr).toBe("");
    expect(run.code).toBe(0);
  });

  it("a busy port leaves the console working, with a warning instead of the dashboard", async () => {
    const blocker = net.createServer();
    await new Promise<void>((resolve) => blocker.listen(0, "127.0.0.1", resolve));
    const port = (blocker.address() as net.AddressInfo).port;
    try {
      const bot = startConsole({ PORT: String(port) });
      await bot.waitFor(new RegExp(`Port ${port} is in use, so the dashboard is off in this console`));
      bot.type("@ana goal add Still works");
      await bot.waitFor(/Still works/);
      const run = await bot.end();
      expect(run.stdout.split("\n")[0]).toMatch(/^Warmpath local console on /);
      expect(run.stderr).toBe("");
      expect(run.code).toBe(0);
    } finally {
      await new Promise<void>((resolve) => blocker.close(() => resolve()));
    }
  });
});
