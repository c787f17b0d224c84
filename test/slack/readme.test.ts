import fs from "node:fs";
import { describe, expect, it } from "vitest";
import { configSchema } from "../../src/config.js";
import { SLACK_INSTALL_PATH, SLACK_OAUTH_REDIRECT_PATH } from "../../src/adapters/slack/slack-adapter.js";

const read = (name: string) => fs.readFileSync(new URL(`../../${name}`, import.meta.url), "utf8");

describe("the README's and .env.example's Slack set-up", () => {
  const readme = read("README.md");
  const example = read(".env.example");
  const slackVariables = Object.keys(configSchema.shape).filter((name) => name.startsWith("SLACK_"));

  it("name every Slack variable Warmpath reads", () => {
    expect(slackVariables).toEqual(expect.arrayContaining(["SLACK_BOT_TOKEN", "SLACK_CLIENT_ID", "SLACK_TOKEN_ENCRYPTION_KEY"]));
    for (const name of slackVariables) {
      expect(readme, `README names ${name}`).toContain(`\`${name}`);
      expect(example, `.env.example names ${name}`).toMatch(new RegExp(`^# ${name}=`, "m"));
    }
  });

  it("explain both modes with the paths the adapter serves", () => {
    expect(readme).toContain("### One workspace");
    expect(readme).toContain("### Distribution: any workspace installs it");
    expect(readme).toContain(`https://<your host>${SLACK_INSTALL_PATH}`);
    expect(readme).toContain(SLACK_OAUTH_REDIRECT_PATH);
    expect(readme).toContain("openssl rand -base64 32");
  });
});
