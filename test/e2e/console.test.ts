import { spawn } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { createScratchDatabase } from "../support/databases.js";
import { botCommand, userEnv } from "../support/processes.js";

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/**
 * Runs Warmpath, typing `input`, and waits for it to exit: as production runs it (`node dist/main.js`),
 * or as the README's quick start does (`npm start`, which builds first, then runs the same).
 */
function startBot(input: string | undefined, env: Record<string, string>, how: "node" | "npm start" = "node"): Promise<Run> & { child: ReturnType<typeof spawn> } {
  const { command, args, cwd } = how === "npm start" ? { command: "npm", args: ["start", "--silent"], cwd: process.cwd() } : botCommand();
  const child = spawn(command, args, { cwd, env: userEnv(env), stdio: ["pipe", "pipe", "pipe"] });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
  const done = new Promise<Run>((resolve) => child.on("close", (code) => resolve({ code, stdout, stderr })));
  if (input !== undefined) child.stdin.end(input);
  return Object.assign(done, { child });
}

const SESSION = `
help
@ana join Senior data engineer
@ana target add ACME, Inc. interviewing
@bob join Engineering manager
@bob network add Acme Corp works
@ana who acme
@ana intro @bob acme: could you introduce me to the data team lead?
@bob intro accept 1
@bob intro accept 1
@cy intro accept 1
@ana goal add Reach out to 3 people
@ana win Got a second interview!
@ana target stage acme offerz
@ana teleport home
@ana config digest mon 09:00
config digest mon 09:00
`;

const dirs: string[] = [];
afterAll(() => {
  for (const dir of dirs) fs.rmSync(dir, { recursive: true, force: true });
});

function dataDir(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "warmpath-e2e-"));
  dirs.push(dir);
  return dir;
}

/**
 * The week a goal was set in, as the process that set it printed it: a later process may already be in
 * the next week (the run crossed Monday 00:00), so a goal is named by its week, not as "this week's".
 */
function goalWeek(stdout: string, text: string): string {
  const week = new RegExp(`Goal \\d+ for (\\d{4}-W\\d{2}) set: ${text}`).exec(stdout)?.[1];
  expect(week, `the week of the goal "${text}"`).toBeDefined();
  return week!;
}

// Each case starts real processes (npm start also compiles first): slow on a busy two-core machine.
describe("Warmpath with no tokens: the local console", { timeout: 180_000 }, () => {
  const dir = dataDir();
  let week = "";

  it("runs a session of commands from `npm start` and exits 0 at the end of input", async () => {
    const run = await startBot(SESSION, { DATA_DIR: dir }, "npm start");
    expect(run.stderr).toBe("");
    expect(run.code).toBe(0);
    const out = run.stdout;
    expect(out.split("\n")[0]).toBe(`Warmpath local console on embedded PGlite in ${dir}. Type \`help\`; start a line with @name to act as that member; Ctrl-D quits.`);
    expect(out).toContain("intro accept <id>");
    expect(out).toContain("Added ACME, Inc. (interviewing)");
    expect(out).toContain("1. bob (Engineering manager) works at ACME, Inc.");
    // A printed button is the line you would type: `@bob`, not the internal member reference.
    expect(out).toContain("[Ask bob: intro @bob ACME, Inc.]");
    expect(out).not.toContain("<@#");
    expect(out).toContain("[DM to @bob] Intro request #1: ACME, Inc.");
    expect(out).toContain("[DM to @bob] [Accept: intro accept 1]  [Decline: intro decline 1]");
    expect(out.match(/\[room @ana \+ @bob\] Introduction #1/g)).toHaveLength(1);
    expect(out).toContain("You already accepted #1");
    expect(out).toContain("⚠ Only bob can answer intro #1.");
    expect(out).toContain("[#club] 🎉 ana: Got a second interview!");
    expect(out).toContain("⚠ That didn't work: stage must be one of: researching, contacting, applied, interviewing, offer (did you mean offer?).");
    expect(out).toContain("Usage: target stage <company> <researching|contacting|applied|interviewing|offer>");
    expect(out).toContain("I don't know the command “teleport”");
    // Members typed as @name are members; the person at the keyboard is the club's admin.
    expect(out).toContain("⚠ Only the club's organisers and workspace admins can do that.");
    expect(out).toContain("Weekly digest: Mondays at 09:00");
    week = goalWeek(out, "Reach out to 3 people");
  });

  it("keeps the data across a restart", async () => {
    const run = await startBot(`@ana goal done 1 ${week}\n@ana target list\n@bob intro list\n@ana who ACME\n`, { DATA_DIR: dir });
    expect(run.code).toBe(0);
    expect(run.stdout).toContain("✅ Done: Reach out to 3 people");
    expect(run.stdout).toContain("• ACME, Inc.: interviewing");
    expect(run.stdout).toContain("#1 ana (Senior data engineer) asked you about ACME, Inc.: accepted");
    expect(run.stdout).toContain("bob (Engineering manager) works at ACME, Inc.");
  });

  it("refuses a second process on the same data directory", async () => {
    const first = startBot(undefined, { DATA_DIR: dir });
    await new Promise<void>((resolve) => {
      const check = (chunk: Buffer) => {
        if (chunk.toString().includes("Warmpath local console")) {
          first.child.stdout!.off("data", check);
          resolve();
        }
      };
      first.child.stdout!.on("data", check);
    });
    const second = await startBot("help\n", { DATA_DIR: dir });
    expect(second.code).toBe(1);
    expect(second.stderr).toMatch(/Another Warmpath process \(pid \d+\) is already using the data directory/);
    first.child.stdin!.end("@ana target list\n");
    const firstRun = await first;
    expect(firstRun.code).toBe(0);
    expect(firstRun.stdout).toContain("• ACME, Inc.: interviewing");
  });

  it("stops at start-up on a half-set configuration, naming the variable", async () => {
    const run = await startBot("help\n", { DATA_DIR: dataDir(), SLACK_BOT_TOKEN: "xoxb-test-token-secret" });
    expect(run.code).toBe(1);
    expect(run.stderr).toContain("SLACK_SIGNING_SECRET is required when SLACK_BOT_TOKEN is set");
    expect(run.stderr).not.toContain("xoxb-test-token-secret");
  });
});

describe.runIf(process.env.TEST_DATABASE_URL)("Warmpath with DATABASE_URL", () => {
  it("migrates an empty Postgres database at start, uses it, and keeps data across a restart", async () => {
    const database = await createScratchDatabase(process.env.TEST_DATABASE_URL!);
    try {
      const first = await startBot("@ana goal add Ship the portfolio\n", { DATABASE_URL: database.url, DATA_DIR: dataDir() });
      expect(first.code).toBe(0);
      expect(first.stdout.split("\n")[0]).toContain("Warmpath local console on Postgres (DATABASE_URL)");
      const second = await startBot(`@ana goal done 1 ${goalWeek(first.stdout, "Ship the portfolio")}\n`, { DATABASE_URL: database.url, DATA_DIR: dataDir() });
      expect(second.stdout).toContain("✅ Done: Ship the portfolio");
    } finally {
      await database.drop();
    }
  });
});
