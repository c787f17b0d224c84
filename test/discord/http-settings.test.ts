import { generateKeyPairSync, sign } from "node:crypto";
import { describe, expect, it } from "vitest";
import { PermissionFlagsBits } from "discord.js";
import { ConfigError, loadConfig } from "../../src/config.js";
import { createSignatureVerifier, ed25519PublicKey, MAX_SIGNATURE_AGE_SECONDS } from "../../src/adapters/discord/signature.js";
import { channelPermissions, guildPermissions, type GuildPermissionFacts, type PermissionOverwrite } from "../../src/adapters/discord/permissions.js";

const DISCORD = { DISCORD_TOKEN: "discord-token-secret-value", DISCORD_APPLICATION_ID: "123456789012345678" };
const KEY = "a".repeat(64);

function problems(env: Record<string, string>): string {
  try {
    loadConfig(env);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as Error).message;
  }
  throw new Error("expected a configuration error");
}

describe("DISCORD_PUBLIC_KEY", () => {
  it("selects HTTP interactions, read as lower-case hex", () => {
    expect(loadConfig({ ...DISCORD, DISCORD_PUBLIC_KEY: KEY.toUpperCase() }).discord).toMatchObject({ publicKey: KEY });
    expect(loadConfig(DISCORD).discord?.publicKey).toBeUndefined();
  });

  it("needs the bot token and application id, named in the message", () => {
    const message = problems({ DISCORD_PUBLIC_KEY: KEY });
    expect(message).toContain("DISCORD_TOKEN is required when DISCORD_PUBLIC_KEY is set");
    expect(message).toContain("DISCORD_APPLICATION_ID is required when DISCORD_PUBLIC_KEY is set");
  });

  it("must be the 64 hex characters the Developer Portal shows, without quoting what was given", () => {
    for (const wrong of ["abc", "g".repeat(64), "a".repeat(63), "a".repeat(65)]) {
      const message = problems({ ...DISCORD, DISCORD_PUBLIC_KEY: wrong });
      expect(message).toContain("DISCORD_PUBLIC_KEY must be the application's Public Key from the Developer Portal (General Information): 64 hexadecimal characters");
      expect(message).not.toContain(wrong);
    }
  });
});

describe("the Ed25519 signature check", () => {
  const keys = generateKeyPairSync("ed25519");
  const publicHex = Buffer.from(keys.publicKey.export({ format: "jwk" }).x!, "base64url").toString("hex");
  const now = 1_800_000_000;
  const check = createSignatureVerifier(publicHex, () => now * 1000);
  const body = Buffer.from('{"type":1}');
  const signed = (timestamp: string, bytes: Buffer = body, key = keys.privateKey) => sign(null, Buffer.concat([Buffer.from(timestamp), bytes]), key).toString("hex");

  it.each([
    ["a signature by the key over timestamp and body", signed(String(now)), String(now), body, { ok: true }],
    ["the same in upper-case hex", signed(String(now)).toUpperCase(), String(now), body, { ok: true }],
    ["another body", signed(String(now)), String(now), Buffer.from('{"type":2}'), { ok: false, reason: "forged" }],
    ["another timestamp than signed", signed(String(now)), String(now - 1), body, { ok: false, reason: "forged" }],
    ["another key", signed(String(now), body, generateKeyPairSync("ed25519").privateKey), String(now), body, { ok: false, reason: "forged" }],
    ["at the age limit", signed(String(now - MAX_SIGNATURE_AGE_SECONDS)), String(now - MAX_SIGNATURE_AGE_SECONDS), body, { ok: true }],
    ["past the age limit", signed(String(now - MAX_SIGNATURE_AGE_SECONDS - 1)), String(now - MAX_SIGNATURE_AGE_SECONDS - 1), body, { ok: false, reason: "stale" }],
    ["from the future", signed(String(now + MAX_SIGNATURE_AGE_SECONDS + 1)), String(now + MAX_SIGNATURE_AGE_SECONDS + 1), body, { ok: false, reason: "stale" }],
    ["no signature", undefined, String(now), body, { ok: false, reason: "missing" }],
    ["no timestamp", signed(String(now)), undefined, body, { ok: false, reason: "missing" }],
    ["a signature that is not hex", "z".repeat(128), String(now), body, { ok: false, reason: "malformed" }],
    ["a signature cut short", signed(String(now)).slice(0, 126), String(now), body, { ok: false, reason: "malformed" }],
    ["a timestamp that is not a number", signed("soon"), "soon", body, { ok: false, reason: "malformed" }],
  ])("%s", (_what, signature, timestamp, bytes, expected) => {
    expect(check(signature, timestamp, bytes)).toEqual(expected);
  });

  it("reads the public key as the portal shows it, and refuses anything else", () => {
    expect(ed25519PublicKey(publicHex).asymmetricKeyType).toBe("ed25519");
    expect(() => ed25519PublicKey("abcd")).toThrow("64 hexadecimal characters");
  });
});

describe("permissions worked out from REST reads", () => {
  const guild: GuildPermissionFacts = {
    guildId: "1",
    ownerId: "99",
    roles: new Map([
      ["1", PermissionFlagsBits.ViewChannel | PermissionFlagsBits.SendMessages],
      ["10", PermissionFlagsBits.ManageGuild],
      ["11", PermissionFlagsBits.Administrator],
      ["12", PermissionFlagsBits.CreatePrivateThreads],
    ]),
  };
  const overwrite = (id: string, type: number, allow: bigint, deny: bigint): PermissionOverwrite => ({ id, type, allow: String(allow), deny: String(deny) });
  const has = (permissions: bigint, bit: bigint) => (permissions & bit) === bit;

  it("in the server: @everyone's and the member's roles; the owner and administrators have everything", () => {
    expect(has(guildPermissions(guild, { userId: "5", roleIds: [] }), PermissionFlagsBits.ManageGuild)).toBe(false);
    expect(has(guildPermissions(guild, { userId: "5", roleIds: ["10"] }), PermissionFlagsBits.ManageGuild)).toBe(true);
    expect(has(guildPermissions(guild, { userId: "5", roleIds: ["11"] }), PermissionFlagsBits.ManageGuild)).toBe(true);
    expect(has(guildPermissions(guild, { userId: "99", roleIds: [] }), PermissionFlagsBits.ManageGuild)).toBe(true);
    expect(has(guildPermissions(guild, { userId: "5", roleIds: ["404"] }), PermissionFlagsBits.SendMessages)).toBe(true);
  });

  it.each([
    ["no overwrites", [], { userId: "5", roleIds: [] }, true],
    ["@everyone denied", [overwrite("1", 0, 0n, PermissionFlagsBits.SendMessages)], { userId: "5", roleIds: [] }, false],
    ["@everyone denied, a role of theirs allowed", [overwrite("1", 0, 0n, PermissionFlagsBits.SendMessages), overwrite("12", 0, PermissionFlagsBits.SendMessages, 0n)], { userId: "5", roleIds: ["12"] }, true],
    ["one role denied, another allowed: allow wins", [overwrite("10", 0, 0n, PermissionFlagsBits.SendMessages), overwrite("12", 0, PermissionFlagsBits.SendMessages, 0n)], { userId: "5", roleIds: ["10", "12"] }, true],
    ["a role they don't have denied", [overwrite("12", 0, 0n, PermissionFlagsBits.SendMessages)], { userId: "5", roleIds: [] }, true],
    ["the member denied, their role allowed", [overwrite("12", 0, PermissionFlagsBits.SendMessages, 0n), overwrite("5", 1, 0n, PermissionFlagsBits.SendMessages)], { userId: "5", roleIds: ["12"] }, false],
    ["everything denied to an administrator", [overwrite("5", 1, 0n, PermissionFlagsBits.SendMessages)], { userId: "5", roleIds: ["11"] }, true],
    ["a member overwrite for someone else", [overwrite("6", 1, 0n, PermissionFlagsBits.SendMessages)], { userId: "5", roleIds: [] }, true],
  ])("in a channel, Send Messages with %s", (_what, overwrites, member, expected) => {
    expect(has(channelPermissions(guild, member, overwrites), PermissionFlagsBits.SendMessages)).toBe(expected);
  });
});
