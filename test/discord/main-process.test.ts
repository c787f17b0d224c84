import { spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startFakeDiscord, type FakeDiscord, type FakeGuild, type FakeUser } from "./fake-discord.js";
import { textOf } from "./world.js";
import { botCommand, freePort } from "../support/processes.js";

/**
 * The bot process with the Discord settings, as production runs it: `node dist/main.js` (what
 * `npm start` runs after building; started directly so SIGTERM reaches main's shutdown).
 */
// A 3-minute ceiling, as the other process tests have: a fresh PGlite migrating on a busy machine
// has taken over 40 s to start.
describe("starting Warmpath with DISCORD_TOKEN and DISCORD_APPLICATION_ID", { timeout: 180_000 }, () => {
  let fake: FakeDiscord;
  let guild: FakeGuild;
  let ana: FakeUser;
  let child: ChildProcess;
  let dataDir: string;
  let stderr = "";
  let exited: Promise<number | null>;
  let port: number;

  beforeAll(async () => {
    fake = await startFakeDiscord();
    guild = fake.addGuild({ name: "Job Club", channels: ["general", "job-club"] });
    ana = fake.addMember(guild, { username: "ana", globalName: "Ana" });
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "warmpath-discord-start-"));
    const { command, args, cwd } = botCommand();
    port = await freePort();
    child = spawn(command, args, {
      cwd,
      env: {
        PATH: process.env.PATH ?? "",
        HOME: process.env.HOME ?? "",
        DATA_DIR: dataDir,
        PORT: String(port),
        LOG_LEVEL: "debug",
        DISCORD_TOKEN: fake.token,
        DISCORD_APPLICATION_ID: fake.applicationId,
        DISCORD_API_URL: fake.apiUrl,
        DISCORD_GUILD_ID: guild.id,
      },
    });
    child.stderr!.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    child.stdout!.resume();
    exited = new Promise((resolve) => child.on("close", (code) => resolve(code)));
  });
  afterAll(async () => {
    if (child.exitCode === null) child.kill("SIGKILL");
    await fake?.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it("connects, registers /jobclub, answers it, and stops cleanly on SIGTERM", async () => {
    await fake.waitFor(() => (fake.commandPuts.length > 0 ? true : undefined), "the bot to register its commands", 150_000);
    expect(fake.gateway.identifies[0]).toMatchObject({ intents: 1 });
    const answer = await fake.answer(fake.command(guild, ana, "join", { headline: "Data engineer" }));
    expect(textOf(answer)).toContain("Welcome to the job club, Ana!");
    // Discord needs no HTTP server of its own, but a container still needs /healthz on PORT.
    const health = await fetch(`http://127.0.0.1:${port}/healthz`);
    expect(health.status).toBe(200);
    expect(await health.json()).toEqual({ status: "ok", discord: "up", database: "up" });
    child.kill("SIGTERM");
    expect(await exited).toBe(0);
    expect(stderr).toContain("Warmpath running on embedded PGlite");
    expect(stderr).toContain("with Discord");
    expect(stderr).not.toContain(fake.token);
  });
});
