import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { PermissionFlagsBits } from "discord.js";
import { BOT_PERMISSIONS, BOT_PERMISSIONS_INTEGER, inviteUrl } from "../../src/adapters/discord/permissions.js";
import { DISCORD_INSTALL_PATH, DISCORD_INTERACTIONS_PATH, MAX_INTERACTION_BYTES } from "../../src/adapters/discord/http-adapter.js";
import { MAX_SIGNATURE_AGE_SECONDS } from "../../src/adapters/discord/signature.js";
import { GUILD_CACHE_TTL_MS } from "../../src/adapters/discord/rest-guilds.js";

const readme = fs.readFileSync(path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../README.md"), "utf8");
const section = readme.slice(readme.indexOf("\n## Discord\n"), readme.indexOf("\n## Configuration\n"));

describe("the README's Discord steps", () => {
  it("invite with exactly the permissions the bot asks for, each explained", () => {
    expect(section.length).toBeGreaterThan(100);
    const [, integer] = /scope=bot\+applications\.commands&permissions=(\d+)/.exec(section) ?? [];
    expect(BigInt(integer!)).toBe(BOT_PERMISSIONS_INTEGER);
    for (const name of Object.keys(BOT_PERMISSIONS)) {
      expect(section.toLowerCase()).toContain(`| ${name.replace(/([a-z])([A-Z])/g, "$1 $2").toLowerCase()} |`);
    }
    // Nothing that lets a bot do harm: no Administrator, no Mention Everyone, no moderation.
    for (const dangerous of [PermissionFlagsBits.Administrator, PermissionFlagsBits.MentionEveryone, PermissionFlagsBits.ManageMessages, PermissionFlagsBits.ManageThreads]) {
      expect(BOT_PERMISSIONS_INTEGER & dangerous).toBe(0n);
    }
    expect(inviteUrl("123456789012345678")).toBe(`https://discord.com/oauth2/authorize?client_id=123456789012345678&scope=bot+applications.commands&permissions=${integer}`);
  });

  it("name the commands and settings that exist", () => {
    const scripts = (JSON.parse(fs.readFileSync(path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../package.json"), "utf8")) as { scripts: Record<string, string> }).scripts;
    expect(section).toContain("npm run discord:register");
    expect(scripts["discord:register"]).toBe("npm run --silent build && node dist/adapters/discord/register-commands.js");
    for (const variable of ["DISCORD_TOKEN", "DISCORD_APPLICATION_ID", "DISCORD_GUILD_ID", "DISCORD_API_URL", "DISCORD_PUBLIC_KEY"]) expect(section).toContain(variable);
  });

  it("give HTTP interactions' address, limits and set-up as the code has them", () => {
    expect(section).toContain(`https://<your host>${DISCORD_INTERACTIONS_PATH}`);
    expect(section).toContain(`https://<your host>${DISCORD_INSTALL_PATH}`);
    expect(section).toContain("**Interactions Endpoint URL**");
    expect(section).toContain(`Bodies over ${MAX_INTERACTION_BYTES / 1024} KiB`);
    expect(MAX_SIGNATURE_AGE_SECONDS).toBe(5 * 60);
    expect(section).toContain("more than five minutes from the server's clock");
    expect(GUILD_CACHE_TTL_MS).toBe(5 * 60_000);
    expect(section).toContain("then kept for five minutes");
  });
});
