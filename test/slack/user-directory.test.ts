import { webApi } from "@slack/bolt";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { createUserDirectory } from "../../src/adapters/slack/users.js";
import { createLogger } from "../../src/util/logger.js";
import { startFakeSlackApi, type FakeSlackApi, type FakeUser } from "./fake-slack-api.js";

const TOKEN = "xoxb-directory-test-0000";
const TTL = 60_000;

/**
 * The Slack user directory against the fake Slack, with a clock of its own: a member who keeps
 * using Warmpath never waits for users.info, and nothing older than the TTL is ever answered.
 */
describe("the Slack user directory", () => {
  let fake: FakeSlackApi;
  const users: FakeUser[] = [
    { id: "UANA", name: "ana", displayName: "Ana" },
    { id: "UBOB", name: "bob", displayName: "Bob", isAdmin: true },
    { id: "UCHEN", name: "chen", displayName: "Chen" },
  ];
  let time = 0;
  let directory: ReturnType<typeof createUserDirectory>;
  const logs: string[] = [];
  const lookups = (user: string) => fake.calls("users.info").filter((c) => c.body.user === user).length;

  beforeAll(async () => {
    fake = await startFakeSlackApi({ botToken: TOKEN, teamId: "T0DIR", teamName: "Directory", botUserId: "UBOT", botId: "BBOT", users, channels: {} });
    const client = new webApi.WebClient(TOKEN, { slackApiUrl: fake.apiUrl, retryConfig: { retries: 0 }, rejectRateLimitedCalls: true });
    directory = createUserDirectory(client, { logger: createLogger({ level: "warn", write: (line) => logs.push(line) }), ttlMs: TTL, now: () => time });
  });
  afterAll(async () => {
    await fake?.close();
  });

  it("refreshes an entry in use before it expires, answering from it meanwhile", async () => {
    time = 0;
    expect((await directory.lookup("UANA"))?.displayName).toBe("Ana");
    expect(lookups("UANA")).toBe(1);
    users[0]!.displayName = "Ana B.";

    time = 0.5 * TTL;
    expect((await directory.lookup("UANA"))?.displayName).toBe("Ana");
    expect(lookups("UANA")).toBe(1);

    // In the entry's last fifth: the answer comes from the cache, users.info is asked behind it.
    const mark = fake.mark();
    time = 0.9 * TTL;
    expect((await directory.lookup("UANA"))?.displayName).toBe("Ana");
    await fake.waitFor((r) => r.name === "users.info" && r.body.user === "UANA", "the background refresh", mark);
    await vi.waitFor(async () => expect((await directory.lookup("UANA"))?.displayName).toBe("Ana B."));
    expect(lookups("UANA")).toBe(2);

    // Past the first entry's expiry: the refreshed one answers, with no call of its own.
    time = 1.5 * TTL;
    expect((await directory.lookup("UANA"))?.displayName).toBe("Ana B.");
    expect(lookups("UANA")).toBe(2);
  });

  it("never answers from an expired entry: after a quiet spell the lookup asks Slack and waits", async () => {
    time = 10 * TTL;
    expect((await directory.lookup("UBOB"))?.isAdmin).toBe(true);
    users[1]!.isAdmin = false;
    time = 11 * TTL + 1;
    const before = lookups("UBOB");
    expect((await directory.lookup("UBOB"))?.isAdmin).toBe(false);
    expect(lookups("UBOB")).toBe(before + 1);
  });

  it("keeps the entry when a refresh fails, and tries again later", async () => {
    time = 20 * TTL;
    expect((await directory.lookup("UCHEN"))?.displayName).toBe("Chen");
    fake.failNext("users.info", { status: 500 }, (body) => body.user === "UCHEN");
    const mark = fake.mark();
    time = 20.85 * TTL;
    expect((await directory.lookup("UCHEN"))?.displayName).toBe("Chen");
    await fake.waitFor((r) => r.name === "users.info" && r.body.user === "UCHEN" && r.outcome !== "ok", "the failed refresh", mark);
    await vi.waitFor(() => expect(logs.some((l) => l.includes("slack users.info failed") && l.includes("UCHEN"))).toBe(true));
    users[2]!.displayName = "Chen W.";
    const failed = lookups("UCHEN");
    // The entry still answers; the next try waits a tenth of the TTL.
    time = 20.9 * TTL;
    expect((await directory.lookup("UCHEN"))?.displayName).toBe("Chen");
    expect(lookups("UCHEN")).toBe(failed);
    time = 20.96 * TTL;
    expect((await directory.lookup("UCHEN"))?.displayName).toBe("Chen");
    await vi.waitFor(async () => expect((await directory.lookup("UCHEN"))?.displayName).toBe("Chen W."));
    expect(lookups("UCHEN")).toBe(failed + 1);
  });
});
