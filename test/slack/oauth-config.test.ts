import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { ConfigError, loadConfig } from "../../src/config.js";

const KEY = randomBytes(32).toString("base64");
const OLD_KEY = randomBytes(32).toString("base64url");
const OAUTH = {
  SLACK_CLIENT_ID: "1111111111.2222222222",
  SLACK_CLIENT_SECRET: "client-secret-of-the-app-0123",
  SLACK_STATE_SECRET: "state-secret-0123456789abcdef",
  SLACK_SIGNING_SECRET: "signing-secret-value-abc",
  SLACK_TOKEN_ENCRYPTION_KEY: KEY,
};

function problems(env: Record<string, string>): string {
  try {
    loadConfig(env);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as Error).message;
  }
  throw new Error("expected a configuration error");
}

describe("Slack distribution settings", () => {
  it("SLACK_CLIENT_ID with its secrets and key selects OAuth, every secret scrubbed from logs", () => {
    const config = loadConfig({ ...OAUTH, SLACK_TOKEN_ENCRYPTION_PREVIOUS_KEYS: OLD_KEY, PUBLIC_URL: "https://warmpath.example.com/" });
    expect(config.slack?.botToken).toBeUndefined();
    expect(config.slack?.oauth).toMatchObject({ clientId: OAUTH.SLACK_CLIENT_ID, clientSecret: OAUTH.SLACK_CLIENT_SECRET, stateSecret: OAUTH.SLACK_STATE_SECRET, redirectUri: "https://warmpath.example.com/slack/oauth_redirect" });
    expect(config.slack?.oauth?.tokenEncryptionKey.equals(Buffer.from(KEY, "base64"))).toBe(true);
    expect(config.slack?.oauth?.previousTokenEncryptionKeys.map((k) => k.toString("base64url"))).toEqual([OLD_KEY]);
    expect(config.secrets).toEqual(expect.arrayContaining([OAUTH.SLACK_CLIENT_SECRET, OAUTH.SLACK_STATE_SECRET, OAUTH.SLACK_SIGNING_SECRET, KEY, OLD_KEY]));
    // Without PUBLIC_URL no redirect_uri is sent: Slack uses the app's one configured redirect URL.
    expect(loadConfig(OAUTH).slack?.oauth?.redirectUri).toBeUndefined();
  });

  it.each([
    ["SLACK_CLIENT_SECRET", /SLACK_CLIENT_SECRET is required when SLACK_CLIENT_ID is set/],
    ["SLACK_STATE_SECRET", /SLACK_STATE_SECRET is required when SLACK_CLIENT_ID is set/],
    ["SLACK_TOKEN_ENCRYPTION_KEY", /SLACK_TOKEN_ENCRYPTION_KEY is required when SLACK_CLIENT_ID is set/],
    ["SLACK_SIGNING_SECRET", /SLACK_SIGNING_SECRET is required when SLACK_CLIENT_ID is set/],
  ])("without %s names it", (missing, message) => {
    const env: Record<string, string> = { ...OAUTH };
    delete env[missing];
    expect(problems(env)).toMatch(message);
  });

  it.each([
    [{ SLACK_TOKEN_ENCRYPTION_KEY: "c2hvcnQ=" }, /SLACK_TOKEN_ENCRYPTION_KEY must be 32 random bytes in base64, e\.g\. the output of `openssl rand -base64 32`/],
    [{ SLACK_TOKEN_ENCRYPTION_KEY: randomBytes(24).toString("hex") }, /SLACK_TOKEN_ENCRYPTION_KEY must be 32 random bytes/],
    [{ SLACK_TOKEN_ENCRYPTION_PREVIOUS_KEYS: `${OLD_KEY},nope` }, /SLACK_TOKEN_ENCRYPTION_PREVIOUS_KEYS must be earlier SLACK_TOKEN_ENCRYPTION_KEY values/],
    [{ SLACK_STATE_SECRET: "short" }, /SLACK_STATE_SECRET must be a random string of at least 16 characters/],
    [{ SLACK_CLIENT_ID: "my-app" }, /SLACK_CLIENT_ID must be the app's Client ID/],
    [{ SLACK_BOT_TOKEN: "xoxb-1-2-three" }, /set SLACK_BOT_TOKEN \(one workspace\) or SLACK_CLIENT_ID \(installs through OAuth\), not both/],
    [{ SLACK_APP_TOKEN: "xapp-1-A-2-three" }, /SLACK_BOT_TOKEN is required when SLACK_APP_TOKEN is set/],
  ])("refuses %j with a clear message", (change, message) => {
    expect(problems({ ...OAUTH, ...change })).toMatch(message);
  });

  it("a client secret or key without SLACK_CLIENT_ID is an error, and no message repeats a secret", () => {
    const message = problems({ SLACK_CLIENT_SECRET: OAUTH.SLACK_CLIENT_SECRET, SLACK_TOKEN_ENCRYPTION_KEY: "not-a-key-but-secret-text" });
    expect(message).toMatch(/SLACK_CLIENT_ID is required when SLACK_CLIENT_SECRET is set/);
    expect(message).not.toContain(OAUTH.SLACK_CLIENT_SECRET);
    expect(message).not.toContain("not-a-key-but-secret-text");
  });
});
