import fs from "node:fs";
import { describe, expect, it } from "vitest";
import { SLACK_BOT_SCOPES, SLACK_EVENTS_PATH, SLACK_OAUTH_REDIRECT_PATH } from "../../src/adapters/slack/slack-adapter.js";

const read = (name: string) => fs.readFileSync(new URL(`../../slack/${name}`, import.meta.url), "utf8");

/** The lines of a YAML list under a key, e.g. the bot scopes. Enough for these flat manifests. */
function listUnder(yaml: string, key: string): string[] {
  const lines = yaml.split("\n");
  const start = lines.findIndex((l) => l.trim() === `${key}:`);
  expect(start, key).toBeGreaterThan(-1);
  const indent = lines[start]!.search(/\S/);
  const items: string[] = [];
  for (const line of lines.slice(start + 1)) {
    if (line.trim() === "" || line.trim().startsWith("#")) continue;
    if (line.search(/\S/) <= indent && !line.trim().startsWith("- ")) break;
    const item = /^\s*- (\S+)$/.exec(line);
    if (item) items.push(item[1]!);
    else break;
  }
  return items;
}

/** The app a new user creates from the manifest must match what the adapter does, with no scope to spare. */
describe.each(["manifest.yml", "manifest.socket-mode.yml"])("slack/%s", (name) => {
  const yaml = read(name);

  it("asks for exactly the scopes the adapter's Web API calls and events need", () => {
    expect(listUnder(yaml, "bot").sort()).toEqual(["channels:read", "chat:write", "commands", "files:write", "groups:read", "im:write", "mpim:write", "users:read"]);
    // An install through /slack/install asks Slack for the same scopes.
    expect([...SLACK_BOT_SCOPES].sort()).toEqual(listUnder(yaml, "bot").sort());
  });

  it("subscribes to the events the adapter handles", () => {
    // Org-wide installs (the distributed manifest only) also hear which workspaces of the org they reach.
    const orgEvents = name === "manifest.yml" ? ["team_access_granted", "team_access_revoked"] : [];
    expect(listUnder(yaml, "bot_events").sort()).toEqual(["app_home_opened", "app_uninstalled", "member_joined_channel", ...orgEvents, "tokens_revoked"].sort());
  });

  it("declares /jobclub with escaping on, interactivity and the Home tab", () => {
    expect(yaml).toMatch(/- command: \/jobclub\n/);
    expect(yaml).toMatch(/should_escape: true/);
    expect(yaml).toMatch(/interactivity:\n\s+is_enabled: true/);
    expect(yaml).toMatch(/home_tab_enabled: true/);
  });

  it(name === "manifest.yml" ? "sends everything to Bolt's one path" : "uses Socket Mode and no URLs", () => {
    const urls = [...yaml.matchAll(/(?:url|request_url): (\S+)/g)].map((m) => m[1]!);
    if (name === "manifest.yml") {
      expect(urls).toHaveLength(3);
      for (const url of urls) expect(new URL(url).pathname).toBe(SLACK_EVENTS_PATH);
      expect(yaml).toMatch(/socket_mode_enabled: false/);
      // Distribution: Slack sends the installer back to the adapter's redirect path, on the same host.
      const redirects = listUnder(yaml, "redirect_urls");
      expect(redirects.map((u) => new URL(u).pathname)).toEqual([SLACK_OAUTH_REDIRECT_PATH]);
      expect(new URL(redirects[0]!).host).toBe(new URL(urls[0]!).host);
      expect(yaml).toMatch(/org_deploy_enabled: true/);
    } else {
      expect(urls).toEqual([]);
      expect(yaml).toMatch(/socket_mode_enabled: true/);
    }
  });
});
