import { describe, expect, it } from "vitest";
import { ConfigError, loadConfig } from "../../src/config.js";
import { createLogger } from "../../src/util/logger.js";

const SLACK = { SLACK_BOT_TOKEN: "xoxb-1111-2222-secretvalue", SLACK_SIGNING_SECRET: "signing-secret-value" };
const DISCORD = { DISCORD_TOKEN: "discord-token-secret-value", DISCORD_APPLICATION_ID: "123456789012345678" };

function problems(env: Record<string, string>): string {
  try {
    loadConfig(env);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as Error).message;
  }
  throw new Error("expected a configuration error");
}

describe("configuration", () => {
  it("with nothing set runs the console on PGlite in ./data", () => {
    const config = loadConfig({});
    expect(config).toMatchObject({ databaseUrl: undefined, dataDir: "./data", port: 3000 });
    expect(config.slack).toBeUndefined();
    expect(config.discord).toBeUndefined();
  });

  it("reads complete platform settings", () => {
    const config = loadConfig({ ...SLACK, ...DISCORD, DATABASE_URL: "postgres://u:pw@db/warmpath", PORT: "8080" });
    expect(config.slack).toMatchObject({ botToken: SLACK.SLACK_BOT_TOKEN, command: "/jobclub" });
    expect(config.discord).toMatchObject({ applicationId: DISCORD.DISCORD_APPLICATION_ID });
    expect(config.secrets).toEqual(expect.arrayContaining([SLACK.SLACK_BOT_TOKEN, SLACK.SLACK_SIGNING_SECRET, DISCORD.DISCORD_TOKEN, "pw"]));
    expect(config.port).toBe(8080);
  });

  it.each([
    [{ SLACK_BOT_TOKEN: SLACK.SLACK_BOT_TOKEN }, /SLACK_SIGNING_SECRET is required when SLACK_BOT_TOKEN is set/],
    [{ SLACK_SIGNING_SECRET: "abc" }, /SLACK_BOT_TOKEN is required when SLACK_SIGNING_SECRET is set/],
    [{ ...SLACK, SLACK_APP_TOKEN: "not-an-app-token" }, /SLACK_APP_TOKEN must be an app-level token starting with xapp-/],
    [{ SLACK_BOT_TOKEN: "xoxp-user-token", SLACK_SIGNING_SECRET: "s" }, /SLACK_BOT_TOKEN must be a bot token starting with xoxb-/],
    [{ DISCORD_TOKEN: DISCORD.DISCORD_TOKEN }, /DISCORD_APPLICATION_ID is required when DISCORD_TOKEN is set/],
    [{ ...DISCORD, DISCORD_APPLICATION_ID: "my-app" }, /DISCORD_APPLICATION_ID must be the numeric application id/],
    [{ DATABASE_URL: "mysql://localhost/db" }, /DATABASE_URL must be a postgres or postgresql URL/],
    [{ PORT: "eighty" }, /PORT is invalid \(expected a port number from 1 to 65535\)/],
    [{ SLACK_API_URL: "not a url", ...SLACK }, /SLACK_API_URL must be a http or https URL/],
    [{ OUTBOX_RETENTION_DAYS: "0" }, /OUTBOX_RETENTION_DAYS is invalid \(expected a whole number of days from 1 to 3650\)/],
    [{ OUTBOX_FAILED_RETENTION_DAYS: "a month" }, /OUTBOX_FAILED_RETENTION_DAYS is invalid \(expected a whole number of days from 1 to 3650\)/],
    [{ SCHEDULED_RUNS_RETENTION_DAYS: "7" }, /SCHEDULED_RUNS_RETENTION_DAYS is invalid \(expected a whole number of days from 8 to 3650, since run claims must outlive the longest catch-up of 7 days\)/],
    [{ OUTBOX_RETENTION_DAYS: "1.5" }, /OUTBOX_RETENTION_DAYS is invalid/],
  ])("refuses %j naming the variable", (env, message) => {
    expect(problems(env)).toMatch(message);
  });

  it("keeps sent messages 30 days, failed ones and run claims 90, unless told otherwise", () => {
    expect(loadConfig({}).retention).toEqual({ sentOutboxDays: 30, failedOutboxDays: 90, scheduledRunsDays: 90 });
    const config = loadConfig({ OUTBOX_RETENTION_DAYS: "7", OUTBOX_FAILED_RETENTION_DAYS: "14", SCHEDULED_RUNS_RETENTION_DAYS: "8" });
    expect(config.retention).toEqual({ sentOutboxDays: 7, failedOutboxDays: 14, scheduledRunsDays: 8 });
  });

  it("never repeats a secret in its messages", () => {
    const message = problems({ SLACK_BOT_TOKEN: "xoxb-very-secret-token", DISCORD_TOKEN: "discord-secret-token-xyz" });
    expect(message).not.toContain("very-secret");
    expect(message).not.toContain("discord-secret");
  });

  it("the logger scrubs secrets wherever they appear", () => {
    const lines: string[] = [];
    const logger = createLogger({ secrets: ["xoxb-very-secret-token"], write: (l) => lines.push(l) });
    logger.error("call failed", { error: new Error("invalid_auth for xoxb-very-secret-token"), header: "Bearer xoxb-very-secret-token" });
    expect(lines.join("\n")).not.toContain("xoxb-very-secret-token");
    expect(lines.join("\n")).toContain("[redacted]");
  });
});
