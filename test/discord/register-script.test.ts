import { spawn } from "node:child_process";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { allCommands } from "../../src/core/commands/index.js";
import { buildJobclubCommand } from "../../src/adapters/discord/command-options.js";
import { BOT_PERMISSIONS_INTEGER } from "../../src/adapters/discord/permissions.js";
import { startFakeDiscord, type FakeDiscord, type FakeGuild } from "./fake-discord.js";
import { botCommand } from "../support/processes.js";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");

/**
 * What `npm run discord:register` runs after building (the global setup has built dist/), with only
 * the given environment; `npm run` itself is checked once below.
 */
function register(env: Record<string, string>, how: "node" | "npm run" = "node"): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const { command, args } = how === "npm run" ? { command: "npm", args: ["run", "--silent", "discord:register"] } : botCommand("dist/adapters/discord/register-commands.js");
    const child = spawn(command, args, {
      cwd: root,
      env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "", LOG_LEVEL: "info", ...env },
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, stdout, stderr }));
  });
}

// `npm run` compiles the project first: on a busy machine that alone has taken over a minute.
describe("npm run discord:register", { timeout: 180_000 }, () => {
  let fake: FakeDiscord;
  let guild: FakeGuild;
  let env: Record<string, string>;
  const expected = JSON.parse(JSON.stringify(buildJobclubCommand(allCommands))) as unknown;

  beforeAll(async () => {
    fake = await startFakeDiscord();
    guild = fake.addGuild({ name: "Job Club", channels: ["general"] });
    env = { DISCORD_TOKEN: fake.token, DISCORD_APPLICATION_ID: fake.applicationId, DISCORD_API_URL: fake.apiUrl };
  });
  afterAll(async () => {
    await fake?.close();
  });

  it("overwrites the server's commands with /jobclub from the declarations when DISCORD_GUILD_ID is set", async () => {
    const result = await register({ ...env, DISCORD_GUILD_ID: guild.id });
    expect(result.stdout).toBe(
      `Registered /jobclub with ${allCommands.length} subcommands in server ${guild.id}.\n` +
        `Invite the bot to a server with: https://discord.com/oauth2/authorize?client_id=${fake.applicationId}&scope=bot+applications.commands&permissions=${BOT_PERMISSIONS_INTEGER}\n`,
    );
    expect(result.code).toBe(0);
    expect(fake.commandPuts).toEqual([{ scope: guild.id, body: [expected] }]);
    // A bulk overwrite, every time it is run: no read-compare here.
    await register({ ...env, DISCORD_GUILD_ID: guild.id });
    expect(fake.commandPuts).toHaveLength(2);
  });

  it("registers globally without DISCORD_GUILD_ID, through npm run as a person types it", async () => {
    const result = await register(env, "npm run");
    expect(result.stdout).toContain(`Registered /jobclub with ${allCommands.length} subcommands globally.\n`);
    expect(result.code).toBe(0);
    expect(fake.commandPuts.at(-1)).toEqual({ scope: "global", body: [expected] });
  });

  it("fails with a hint, and without printing the token, when Discord refuses it", async () => {
    const wrong = `${fake.token}x`;
    const result = await register({ ...env, DISCORD_TOKEN: wrong });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain("Registration failed. Check DISCORD_TOKEN and DISCORD_APPLICATION_ID");
    expect(result.stdout + result.stderr).not.toContain(wrong);
  });

  it("explains what to set when Discord isn't configured", async () => {
    const result = await register({});
    expect(result.code).toBe(1);
    expect(result.stderr).toContain("Set DISCORD_TOKEN and DISCORD_APPLICATION_ID");
  });
});
