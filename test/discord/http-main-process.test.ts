import { spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startFakeDiscord, type FakeDiscord, type FakeGuild, type FakeUser } from "./fake-discord.js";
import { textOf } from "./world.js";
import { botCommand, freePort } from "../support/processes.js";

/**
 * `node dist/main.js` with DISCORD_PUBLIC_KEY, as production runs it: Discord over HTTP interactions
 * on PORT, with no gateway connection at all.
 */
// A 3-minute ceiling, as the other process tests have: a fresh PGlite migrating on a busy machine is slow to start.
describe("starting Warmpath with DISCORD_PUBLIC_KEY (HTTP interactions)", { timeout: 180_000 }, () => {
  let fake: FakeDiscord;
  let guild: FakeGuild;
  let ana: FakeUser;
  let child: ChildProcess;
  let dataDir: string;
  let stderr = "";
  let exited: Promise<number | null>;
  let running: Promise<void>;
  let port: number;

  beforeAll(async () => {
    fake = await startFakeDiscord();
    guild = fake.addGuild({ name: "Job Club", channels: ["general", "job-club"] });
    ana = fake.addMember(guild, { username: "ana", globalName: "Ana" });
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "warmpath-discord-http-"));
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
        DISCORD_PUBLIC_KEY: fake.publicKey,
        DISCORD_API_URL: fake.apiUrl,
        DISCORD_GUILD_ID: guild.id,
      },
    });
    running = new Promise<void>((resolve, reject) => {
      child.stderr!.on("data", (chunk: Buffer) => {
        stderr += chunk.toString();
        if (stderr.includes("Warmpath running")) resolve();
      });
      child.on("close", (code) => reject(new Error(`Warmpath exited with ${code} before it was running:\n${stderr}`)));
    });
    child.stdout!.resume();
    exited = new Promise((resolve) => child.on("close", (code) => resolve(code)));
  });
  afterAll(async () => {
    if (child.exitCode === null) child.kill("SIGKILL");
    await fake?.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it("answers a signed PING on /discord/interactions without any gateway connection, serves /healthz, and stops on SIGTERM", async () => {
    await running;
    const url = `http://127.0.0.1:${port}/discord/interactions`;
    expect(await fake.verifyEndpoint(url)).toEqual({ ok: true, problems: [] });
    const pong = await fake.signedPost(url, { id: "1", application_id: fake.applicationId, type: 1, token: "t", version: 1 });
    expect(pong.status).toBe(200);
    expect(JSON.parse(pong.text)).toEqual({ type: 1 });

    const health = await fetch(`http://127.0.0.1:${port}/healthz`);
    expect(health.status).toBe(200);
    expect(await health.json()).toEqual({ status: "ok", discord: "up", database: "up" });

    // A command end to end: registered at start over REST, then POSTed by "Discord" and answered.
    expect(fake.commandPuts.map((p) => p.scope)).toEqual([guild.id]);
    fake.setInteractionsEndpoint(url);
    expect(textOf(await fake.answer(fake.command(guild, ana, "join", { headline: "Data engineer" })))).toContain("Welcome to the job club, Ana!");

    // No gateway: not even asked where it is.
    expect(fake.gateway.urls).toEqual([]);
    expect(fake.gateway.identifies).toEqual([]);
    expect(fake.calls.some((c) => c.path === "/gateway/bot")).toBe(false);

    child.kill("SIGTERM");
    expect(await exited).toBe(0);
    expect(stderr).toContain("answering interactions over HTTP (no gateway)");
    expect(stderr).toContain("with Discord");
    expect(stderr).not.toContain(fake.token);
  });
});
