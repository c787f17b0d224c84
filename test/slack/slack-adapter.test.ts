import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { eq, sql } from "drizzle-orm";
import { backends } from "../support/databases.js";
import { createCore, type Core } from "../../src/core/core.js";
import { queryRows, type Database } from "../../src/db/client.js";
import { outbox } from "../../src/db/schema/index.js";
import { createDispatcher, type Dispatcher } from "../../src/outbox/dispatcher.js";
import { createLogger, silentLogger } from "../../src/util/logger.js";
import { findClub } from "../../src/db/store/clubs.js";
import { createJobRunner } from "../../src/scheduler/runner.js";
import { AppError } from "../../src/util/app-error.js";
import { isoWeek } from "../../src/core/dates.js";
import { MIDWEEK, runningClock } from "../support/clocks.js";
import { createSlackAdapter, type SlackAdapter } from "../../src/adapters/slack/slack-adapter.js";
import { startFakeSlackApi, type FakeSlackApi, type FakeUser, type Recorded } from "./fake-slack-api.js";
import { interactionBody, sendSigned, slashCommandBody } from "./sign.js";

/**
 * The core's clock runs at real speed from a fixed Wednesday, so a run that crosses Monday 00:00 UTC
 * cannot make the week the core computed differ from the one expected here.
 */
const clock = runningClock(MIDWEEK);
/** This week as goal buttons name it, in UTC (the club's default). */
const thisWeek = () => isoWeek(new Date(MIDWEEK), "UTC");

const SECRET = "d41d8cd98f00b204e9800998ecf8427e-signing";
const BOT_TOKEN = "xoxb-1111-2222-WarmpathTestBotToken";
const APP_TOKEN = "xapp-1-A0WARMPATH-3333-WarmpathTestAppToken";
const TEAM = "T0CLUB";
const BOT_USER = "UWARMPATH";
const FORM = "application/x-www-form-urlencoded";

const USERS: FakeUser[] = [
  { id: "UANA", name: "ana", displayName: "Ana" },
  { id: "UBOB", name: "bob", displayName: "Bob", isAdmin: true },
  { id: "UCY", name: "cy", displayName: "Cy" },
  { id: "UDEE", name: "dee", displayName: "Dee" },
  { id: "UCAROL", name: "carol", displayName: "Carol" },
  { id: "UNEW", name: "newbie", displayName: "Newbie" },
  { id: "UJOINER", name: "joiner", displayName: "Joiner" },
  { id: "UOTHERBOT", name: "otherbot", isBot: true },
  { id: "UGONE", name: "gone", displayName: "Gone", deleted: true },
  { id: BOT_USER, name: "warmpath", isBot: true },
];

interface Block {
  type: string;
  block_id?: string;
  text?: { text: string };
  fields?: Array<{ text: string }>;
  elements?: Array<{ type: string; action_id?: string; value?: string; text?: string | { text: string }; style?: string }>;
}
interface SlackAnswer {
  text: string;
  blocks?: Block[];
  response_type?: string;
  replace_original?: boolean;
}

const buttonsOf = (blocks: unknown) =>
  ((blocks as Block[] | undefined) ?? []).filter((b) => b.type === "actions").flatMap((b) => b.elements ?? []);
const textOf = (blocks: unknown) =>
  ((blocks as Block[] | undefined) ?? []).map((b) => [b.text?.text ?? "", ...(b.fields ?? []).map((f) => f.text), ...(b.elements ?? []).map((e) => (typeof e.text === "string" ? e.text : (e.text?.text ?? "")))].join("\n")).join("\n");

async function rowCount(database: Database, table: string): Promise<number> {
  const [row] = await queryRows<{ n: number }>(database.db, sql.raw(`select count(*)::int as n from ${table}`));
  return Number(row!.n);
}

describe.each(backends)("the Slack adapter on $name", (backend) => {
  let database: Database;
  let fake: FakeSlackApi;
  let core: Core;
  let adapter: SlackAdapter;
  let dispatcher: Dispatcher;
  let eventsUrl: string;
  let baseUrl: string;
  const logs: string[] = [];
  let seq = 0;
  let databaseClosed = false;

  beforeAll(async () => {
    database = await backend.open();
    fake = await startFakeSlackApi({
      botToken: BOT_TOKEN,
      appToken: APP_TOKEN,
      teamId: TEAM,
      teamName: "Job Club Inc",
      botUserId: BOT_USER,
      botId: "B0WARMPATH",
      users: USERS,
      channels: { CCLUB: { botIsMember: true }, COTHER: { botIsMember: false } },
    });
    // No secrets handed to the logger: the adapter itself must never log a token.
    const logger = createLogger({ level: "debug", write: (line) => logs.push(line) });
    core = createCore({ db: database.db, logger, clock });
    adapter = await createSlackAdapter({
      botToken: BOT_TOKEN,
      signingSecret: SECRET,
      apiUrl: fake.apiUrl,
      command: "/jobclub",
      port: 0,
      host: "127.0.0.1",
      core,
      db: database.db,
      logger,
    });
    dispatcher = createDispatcher({ db: database.db, ports: [adapter.port], logger, clock });
    await adapter.start();
    baseUrl = `http://127.0.0.1:${adapter.address()!.port}`;
    eventsUrl = `${baseUrl}/slack/events`;
  });

  afterAll(async () => {
    await adapter?.stop();
    await dispatcher?.stop();
    await fake?.close();
    if (!databaseClosed) await database?.close();
  });

  /** Sends `/jobclub <text>` as a user and returns the HTTP ack and the answer posted to the response_url. */
  async function slash(userId: string, text: string, channelId = "CCLUB") {
    const id = `cmd${++seq}`;
    const user = USERS.find((u) => u.id === userId)!;
    const body = slashCommandBody({ command: "/jobclub", text, userId, userName: user.name, teamId: TEAM, teamDomain: "jobclub", channelId, responseUrl: fake.responseUrl(id) });
    const ack = await sendSigned(eventsUrl, body, FORM, { secret: SECRET });
    expect(ack.status).toBe(200);
    const answer = (await fake.response(id)).body as unknown as SlackAnswer;
    return { ack, answer, id };
  }

  /** Clicks a button of a message the bot posted in a DM, as Slack sends block_actions. */
  async function clickInMessage(userId: string, posted: Recorded, value: string) {
    const id = `click${++seq}`;
    const button = buttonsOf(posted.body.blocks).find((b) => b.value === value);
    expect(button, `a button for "${value}"`).toBeDefined();
    const channel = String(posted.body.channel);
    const ts = String(posted.result!.ts);
    const payload = {
      type: "block_actions",
      user: { id: userId, username: USERS.find((u) => u.id === userId)!.name, team_id: TEAM },
      api_app_id: "A0WARMPATH",
      token: "verification-token-unused",
      container: { type: "message", message_ts: ts, channel_id: channel, is_ephemeral: false },
      trigger_id: "1337.42.click",
      team: { id: TEAM, domain: "jobclub" },
      channel: { id: channel, name: "directmessage" },
      message: { type: "message", user: BOT_USER, bot_id: "B0WARMPATH", ts, text: posted.body.text, blocks: posted.body.blocks },
      response_url: fake.responseUrl(id),
      actions: [{ type: "button", action_id: button!.action_id, block_id: "b1", text: button!.text, value: button!.value, action_ts: "1800000000.1" }],
    };
    const ack = await sendSigned(eventsUrl, interactionBody(payload), FORM, { secret: SECRET });
    expect(ack.status).toBe(200);
    return { ack, id };
  }

  /**
   * Sends an Events API event as Slack does and returns its event id. With `retry`, it is Slack's
   * redelivery of an earlier event: the same event id, and X-Slack-Retry-Num / -Reason headers.
   */
  async function sendEvent(event: Record<string, unknown>, retry?: { eventId: string; num: number; reason: string }) {
    const eventId = retry?.eventId ?? `Ev${++seq}`;
    const body = JSON.stringify({
      token: "verification-token-unused",
      team_id: TEAM,
      api_app_id: "A0WARMPATH",
      event: { ...event, event_ts: "1800000000.000001" },
      type: "event_callback",
      event_id: eventId,
      event_time: Math.floor(Date.now() / 1000),
      authorizations: [{ team_id: TEAM, user_id: BOT_USER, is_bot: true, is_enterprise_install: false }],
    });
    const headers = retry ? { "x-slack-retry-num": String(retry.num), "x-slack-retry-reason": retry.reason } : undefined;
    const ack = await sendSigned(eventsUrl, body, "application/json", { secret: SECRET, ...(headers ? { headers } : {}) });
    expect(ack.status).toBe(200);
    return eventId;
  }

  /** Waits until the adapter has finished handling an event `times` times (Slack acks come first). */
  async function handled(eventId: string, times = 1) {
    const done = () => logs.filter((l) => l.includes('"msg":"slack event handled"') && l.includes(`"eventId":"${eventId}"`)).length;
    await vi.waitFor(() => expect(done()).toBeGreaterThanOrEqual(times), { timeout: 15_000, interval: 10 });
  }

  const dmPosts = (userId: string, after = 0) => fake.recorded.slice(after).filter((r) => r.name === "chat.postMessage" && r.body.channel === `D${userId}` && r.outcome === "ok");

  it("answers help privately through the response_url after an empty ack", async () => {
    const { ack, answer } = await slash("UCAROL", "help");
    expect(ack.body).toBe("");
    expect(answer.response_type).toBe("ephemeral");
    expect(answer.text).toContain("goal add &lt;text&gt;");
    expect(textOf(answer.blocks)).toContain("who [targets] &lt;company&gt;");
    expect(await rowCount(database, "members")).toBe(0);
  });

  it("join and profile use the Slack display name from users.info, cached", async () => {
    const usersInfoBefore = fake.calls("users.info").filter((c) => c.body.user === "UANA").length;
    const { answer } = await slash("UANA", "join Senior data engineer");
    expect(answer.text).toContain("Welcome to the job club, Ana!");
    expect(answer.text).toContain("Senior data engineer");
    const profile = await slash("UANA", "profile timezone Europe/Berlin");
    expect(profile.answer.text).toContain("Timezone: Europe/Berlin");
    expect(fake.calls("users.info").filter((c) => c.body.user === "UANA").length - usersInfoBefore).toBe(1);
    for (const user of ["UBOB", "UCY", "UDEE"]) await slash(user, "join");
  });

  it("goal add, list and done, with Done buttons carrying the command line", async () => {
    expect((await slash("UANA", "goal add Reach out to 3 people")).answer.text).toContain("Goal 1");
    await slash("UANA", "goal add Apply to Globex");
    const list = await slash("UANA", "goal list");
    expect(list.answer.text).toContain("⬜ Reach out to 3 people");
    const buttons = buttonsOf(list.answer.blocks);
    expect(buttons.map((b) => b.value)).toEqual([`goal done 1 ${thisWeek()}`, `goal done 2 ${thisWeek()}`]);
    for (const b of buttons) expect(b.action_id).toMatch(/^warmpath:goal-done:\d$/);
    expect((await slash("UANA", "goal done 2")).answer.text).toContain("Done: Apply to Globex");
    const wrong = await slash("UANA", "goal done 9");
    expect(wrong.answer.response_type).toBe("ephemeral");
    expect(wrong.answer.text).toMatch(/^⚠️ /);
  });

  it("target add, list, stage and remove", async () => {
    expect((await slash("UANA", "target add ACME, Inc.")).answer.text).toContain("Added ACME, Inc. (researching)");
    expect((await slash("UANA", "target stage acme interviewing")).answer.text).toContain("now at interviewing");
    await slash("UANA", "target add Globex applied");
    const list = await slash("UANA", "target list");
    expect(list.answer.text).toContain("ACME, Inc.: interviewing");
    expect(textOf(list.answer.blocks)).toContain("Globex: applied");
    expect((await slash("UANA", "target remove Globex")).answer.text).toContain("Removed Globex");
  });

  it("network add, list, remove, and who answers with Ask buttons that mention by Slack id", async () => {
    await slash("UBOB", "network add Acme Corp works");
    await slash("UDEE", "network add Globex worked");
    await slash("UBOB", "network add Globex knows");
    await slash("UCY", "network add Initech knows");
    expect((await slash("UCY", "network list")).answer.text).toContain("Initech");
    expect((await slash("UCY", "network remove initech")).answer.text).toMatch(/Initech/);
    const who = await slash("UANA", "who acme");
    expect(who.answer.text).toContain("Bob works at ACME, Inc.");
    // The button's command names Bob the way the core writes member references; it must work when clicked.
    expect(buttonsOf(who.answer.blocks)[0]?.value).toMatch(/^intro <@#?\w+> ACME, Inc\.$/);
  });

  it("log, snooze and resume", async () => {
    expect((await slash("UCY", "log coffee with a PM from Acme")).answer.text).toContain("Logged coffee");
    expect((await slash("UCY", "snooze 14")).answer.text).toContain("Snoozed until");
    expect((await slash("UCY", "resume")).answer.text).toContain("Welcome back");
  });

  it("win goes to the channel it was typed in, and cannot ping @channel or @here", async () => {
    const mark = fake.mark();
    // With should_escape, Slack sends a typed @channel as <!channel> and a typed < as &lt;.
    const { answer } = await slash("UANA", "win <!channel> second round at Acme &amp; Globex &lt;!here&gt;");
    expect(answer.text).toContain("Congratulations");
    await dispatcher.drain();
    const post = await fake.waitFor((r) => r.name === "chat.postMessage" && r.body.channel === "CCLUB", "the win in #club", mark);
    expect(post.outcome).toBe("ok");
    const everything = `${String(post.body.text)}\n${textOf(post.body.blocks)}`;
    expect(everything).toContain("Ana: @channel second round at Acme &amp; Globex &lt;!here&gt;");
    expect(everything).not.toMatch(/<!(channel|here|everyone)/);
    expect(post.body.parse).toBe("none");
  });

  it("gives up on deliveries Slack refuses for good (not_in_channel, a deactivated user), with the reason logged", async () => {
    await slash("UANA", "win Offer from Initech!", "COTHER");
    await slash("UGONE", "join");
    await slash("UANA", "thanks <@UGONE> for everything");
    await dispatcher.drain();
    const failed = await database.db.select().from(outbox).where(eq(outbox.status, "failed"));
    expect(failed.map((f) => f.lastError).sort()).toEqual(["Slack chat.postMessage failed: not_in_channel", "Slack conversations.open failed: user_disabled"]);
    expect(logs.some((l) => l.includes("failed for good") && l.includes("not_in_channel"))).toBe(true);
    expect(logs.some((l) => l.includes("failed for good") && l.includes("user_disabled"))).toBe(true);
    // Tried once each: a permanent error is not retried.
    expect(fake.calls("chat.postMessage").filter((c) => c.body.channel === "COTHER")).toHaveLength(1);
    expect(fake.calls("conversations.open").filter((c) => c.body.users === "UGONE")).toHaveLength(1);
  });

  it("thanks DMs the helper; a rate-limited DM is delivered after Retry-After, exactly once", async () => {
    const mark = fake.mark();
    fake.failNext("chat.postMessage", { status: 429, retryAfter: 1 }, (body) => body.channel === "DUBOB");
    await slash("UANA", "thanks <@UBOB|bob> referral for the intro at Acme");
    await dispatcher.drain({ waitForRetries: true });
    const attempts = fake.recorded.slice(mark).filter((r) => r.name === "chat.postMessage" && r.body.channel === "DUBOB");
    expect(attempts.map((a) => a.outcome)).toEqual(["HTTP 429", "ok"]);
    expect(String(attempts[1]!.body.text)).toContain("Ana thanked you for the referral");
    // The dispatcher scheduled the retry from Slack's Retry-After, not from its own backoff.
    expect(logs.some((l) => l.includes("rate limited") && l.includes('"inMs":1000'))).toBe(true);
    expect(attempts[1]!.at - attempts[0]!.at).toBeGreaterThanOrEqual(950);
    expect(await rowCount(database, "outbox where status = 'pending'")).toBe(0);
  });

  it("an intro: DM with buttons, Accept opens one group DM, the DM shows the outcome, a second click changes nothing", async () => {
    const mark = fake.mark();
    const asked = await slash("UANA", "intro <@UBOB|bob> Acme: could you introduce me to the data team lead?");
    expect(asked.answer.text).toContain("Asked Bob for an introduction at ACME, Inc. (#1)");
    await dispatcher.drain();
    const [request] = dmPosts("UBOB", mark);
    expect(request, "the request DM to Bob").toBeDefined();
    expect(fake.recorded.slice(mark).find((r) => r.name === "conversations.open")?.body.users).toBe("UBOB");
    expect(textOf(request!.body.blocks)).toContain("could you introduce me to the data team lead?");
    expect(buttonsOf(request!.body.blocks).map((b) => [b.value, b.style])).toEqual([
      ["intro accept 1", "primary"],
      ["intro decline 1", "danger"],
    ]);

    // A click is re-checked as whoever clicks: Cy cannot accept Bob's intro with Bob's button.
    const forged = await clickInMessage("UCY", request!, "intro accept 1");
    const refused = (await fake.response(forged.id)).body as unknown as SlackAnswer;
    expect(refused.response_type).toBe("ephemeral");
    expect(refused.replace_original).toBe(false);
    expect(refused.text).toContain("Only Bob can answer intro #1");

    const first = await clickInMessage("UBOB", request!, "intro accept 1");
    const updated = (await fake.response(first.id)).body as unknown as SlackAnswer;
    expect(updated.replace_original).toBe(true);
    expect(buttonsOf(updated.blocks)).toHaveLength(0);
    expect(textOf(updated.blocks)).toContain("Intro request #1");
    expect(textOf(updated.blocks)).toContain("✅ Thank you! I've opened a conversation with you and Ana");
    await dispatcher.drain();

    const again = await clickInMessage("UBOB", request!, "intro accept 1");
    expect(((await fake.response(again.id)).body as unknown as SlackAnswer).text).toContain("already accepted #1");
    await dispatcher.drain();

    const rooms = fake.recorded.slice(mark).filter((r) => r.name === "conversations.open" && String(r.body.users).includes(","));
    expect(rooms).toHaveLength(1);
    expect(String(rooms[0]!.body.users).split(",").sort()).toEqual(["UANA", "UBOB"]);
    const roomId = String(rooms[0]!.result!.channel && (rooms[0]!.result!.channel as { id: string }).id);
    const roomPosts = fake.recorded.slice(mark).filter((r) => r.name === "chat.postMessage" && r.body.channel === roomId);
    expect(roomPosts).toHaveLength(1);
    const room = `${String(roomPosts[0]!.body.text)}\n${textOf(roomPosts[0]!.body.blocks)}`;
    expect(room).toContain("<@UANA>");
    expect(room).toContain("<@UBOB>");
    expect(room).toContain("ACME, Inc.");
    expect(room).toContain("“could you introduce me to the data team lead?”");
  });

  it("Decline tells the requester privately, with the next-best helpers to ask", async () => {
    const mark = fake.mark();
    await slash("UANA", "intro <@UBOB> Globex: a referral for the backend role?");
    await dispatcher.drain();
    const [request] = dmPosts("UBOB", mark);
    const click = await clickInMessage("UBOB", request!, "intro decline 2");
    const updated = (await fake.response(click.id)).body as unknown as SlackAnswer;
    expect(updated.replace_original).toBe(true);
    expect(textOf(updated.blocks)).toContain("Declined #2");
    await dispatcher.drain();
    const [told] = dmPosts("UANA", mark);
    expect(told, "the DM to Ana").toBeDefined();
    expect(String(told!.body.text)).toContain("Bob can't help with Globex right now");
    expect(textOf(told!.body.blocks)).toContain("Dee used to work at Globex");
    const [ask] = buttonsOf(told!.body.blocks);
    expect((ask?.text as { text: string } | undefined)?.text).toBe("Ask Dee");

    // Ana clicks "Ask Dee" in her DM: the request goes to Dee.
    const after = fake.mark();
    const click2 = await clickInMessage("UANA", told!, ask!.value!);
    expect(((await fake.response(click2.id)).body as unknown as SlackAnswer).text).toContain("Asked Dee for an introduction at Globex");
    await dispatcher.drain();
    expect(dmPosts("UDEE", after)).toHaveLength(1);
  });

  it("intro outcome and intro list", async () => {
    expect((await slash("UBOB", "intro outcome 1 met")).answer.text).toContain("Recorded: #1 met");
    const list = await slash("UANA", "intro list");
    expect(list.answer.text).toContain("#1 you asked Bob");
    expect(list.answer.text).toContain("#2 you asked Bob");
    expect(list.answer.text).toContain("#3 you asked Dee");
  });

  it("export answers privately and sends the file in a DM", async () => {
    const mark = fake.mark();
    const { answer } = await slash("UANA", "export");
    expect(answer.response_type).toBe("ephemeral");
    expect(textOf(answer.blocks)).toContain("warmpath-export.json: sent to you as a direct message");
    const completed = await fake.waitFor((r) => r.name === "files.completeUploadExternal", "the file upload", mark);
    expect(completed.outcome).toBe("ok");
    expect(completed.body.channel_id).toBe("DUANA");
    const upload = fake.recorded.slice(mark).find((r) => r.kind === "upload");
    expect(Number(upload?.body.bytes)).toBeGreaterThan(100);
  });

  it("forget-me asks first, then deletes", async () => {
    const ask = await slash("UCY", "forget-me");
    expect(buttonsOf(ask.answer.blocks).map((b) => [b.value, b.style])).toContainEqual(["forget-me confirm", "danger"]);
    expect((await slash("UCY", "forget-me confirm")).answer.text).toContain("records about you are deleted");
  });

  it("refuses unsigned, badly signed and replayed requests, and they change nothing", async () => {
    const goals = await rowCount(database, "goals");
    const responseUrl = fake.responseUrl("forged");
    const body = slashCommandBody({ command: "/jobclub", text: "goal add forged", userId: "UANA", userName: "ana", teamId: TEAM, teamDomain: "jobclub", channelId: "CCLUB", responseUrl });
    expect((await sendSigned(eventsUrl, body, FORM, { secret: SECRET, unsigned: true })).status).toBe(401);
    expect((await sendSigned(eventsUrl, body, FORM, { secret: "not-the-signing-secret" })).status).toBe(401);
    expect((await sendSigned(eventsUrl, body, FORM, { secret: SECRET, signature: "v0=" + "0".repeat(64) })).status).toBe(401);
    // Correctly signed, but six minutes old: a replay.
    expect((await sendSigned(eventsUrl, body, FORM, { secret: SECRET, timestamp: Math.floor(Date.now() / 1000) - 6 * 60 })).status).toBe(401);
    // A request sent after them is answered; by then any forged one would have been too.
    const list = await slash("UANA", "goal list");
    expect(list.answer.text).not.toContain("forged");
    expect(fake.responses("forged")).toHaveLength(0);
    expect(await rowCount(database, "goals")).toBe(goals);
  });

  it("publishes the App Home with goals, targets and intros, within Slack's limits", async () => {
    const mark = fake.mark();
    await sendEvent({ type: "app_home_opened", user: "UANA", channel: "DUANA", tab: "home" });
    const published = await fake.waitFor((r) => r.name === "views.publish" && r.body.user_id === "UANA", "the App Home", mark);
    const view = published.body.view as { type: string; blocks: Block[] };
    expect(view.type).toBe("home");
    expect(view.blocks.length).toBeLessThanOrEqual(100);
    const text = textOf(view.blocks);
    expect(text).toContain("Reach out to 3 people");
    expect(text).toContain("ACME, Inc.: interviewing");
    expect(text).toContain("#1 you asked Bob");
    const buttons = buttonsOf(view.blocks);
    expect(buttons.map((b) => b.value)).toEqual(expect.arrayContaining(["profile", "help", `goal done 1 ${thisWeek()}`]));
    for (const block of view.blocks.filter((b) => b.type === "actions")) {
      const ids = block.elements!.map((e) => e.action_id);
      expect(new Set(ids).size).toBe(ids.length);
    }
  });

  it("shows a join prompt on the App Home of a non-member, without making them a member", async () => {
    const members = await rowCount(database, "members");
    const mark = fake.mark();
    await sendEvent({ type: "app_home_opened", user: "UCAROL", channel: "DUCAROL", tab: "home" });
    const published = await fake.waitFor((r) => r.name === "views.publish" && r.body.user_id === "UCAROL", "Carol's App Home", mark);
    const view = published.body.view as { blocks: Block[] };
    expect(buttonsOf(view.blocks).map((b) => b.value)).toEqual(["join", "help"]);
    expect(await rowCount(database, "members")).toBe(members);
  });

  it("a button on the App Home runs as the clicker, answers by DM and refreshes the Home", async () => {
    const mark = fake.mark();
    const payload = {
      type: "block_actions",
      user: { id: "UANA", username: "ana", name: "ana", team_id: TEAM },
      api_app_id: "A0WARMPATH",
      token: "verification-token-unused",
      container: { type: "view", view_id: "V1" },
      trigger_id: "1337.42.home",
      team: { id: TEAM, domain: "jobclub" },
      view: { id: "V1", type: "home", blocks: [] },
      actions: [{ type: "button", action_id: "warmpath:goals.goal-done:0", block_id: "b1", text: { type: "plain_text", text: "Done #1" }, value: "goal done 1", action_ts: "1800000000.2" }],
    };
    expect((await sendSigned(eventsUrl, interactionBody(payload), FORM, { secret: SECRET })).status).toBe(200);
    const republished = await fake.waitFor((r) => r.name === "views.publish" && r.body.user_id === "UANA", "the refreshed Home", mark);
    expect(textOf((republished.body.view as { blocks: Block[] }).blocks)).toContain("✅ Reach out to 3 people");
    const [dm] = dmPosts("UANA", mark);
    expect(String(dm?.body.text)).toContain("Done: Reach out to 3 people");
  });

  it("welcomes a new member of the club channel by DM, but not bots or members", async () => {
    const mark = fake.mark();
    const events = [
      await sendEvent({ type: "member_joined_channel", user: BOT_USER, channel: "CCLUB", channel_type: "C", team: TEAM }),
      await sendEvent({ type: "member_joined_channel", user: "UOTHERBOT", channel: "CCLUB", channel_type: "C", team: TEAM }),
      await sendEvent({ type: "member_joined_channel", user: "UANA", channel: "CCLUB", channel_type: "C", team: TEAM }),
      await sendEvent({ type: "member_joined_channel", user: "UNEW", channel: "CCLUB", channel_type: "C", team: TEAM }),
    ];
    for (const id of events) await handled(id);
    // The welcome goes through the outbox, like every other message.
    await dispatcher.drain();
    const welcome = await fake.waitFor((r) => r.name === "chat.postMessage" && r.body.channel === "DUNEW", "the welcome DM", mark);
    expect(String(welcome.body.text)).toContain("/jobclub join");
    expect(textOf(welcome.body.blocks)).toContain("<#CCLUB>");
    expect(buttonsOf(welcome.body.blocks).map((b) => b.value)).toEqual(["join", "help"]);
    const opened = fake.recorded.slice(mark).filter((r) => r.name === "conversations.open").map((r) => r.body.users);
    expect(opened).toEqual(["UNEW"]);
  });

  it("welcomes once when Slack delivers the same member_joined_channel event again (X-Slack-Retry-Num)", async () => {
    const mark = fake.mark();
    const joined = { type: "member_joined_channel", user: "UJOINER", channel: "CCLUB", channel_type: "C", team: TEAM };
    const eventId = await sendEvent(joined);
    await sendEvent(joined, { eventId, num: 1, reason: "http_timeout" });
    await sendEvent(joined, { eventId, num: 2, reason: "http_timeout" });
    await handled(eventId, 3);
    expect(logs.some((l) => l.includes('"msg":"slack event handled"') && l.includes('"retryNum":2') && l.includes('"retryReason":"http_timeout"'))).toBe(true);
    await dispatcher.drain();
    expect(dmPosts("UJOINER", mark)).toHaveLength(1);
    expect(fake.recorded.slice(mark).filter((r) => r.name === "conversations.open").map((r) => r.body.users)).toEqual(["UJOINER"]);
    const rows = await database.db.select().from(outbox).where(eq(outbox.dedupeKey, "welcome:CCLUB:UJOINER"));
    expect(rows.map((r) => r.status)).toEqual(["sent"]);
    // Slack retrying later, once the welcome has gone, sends nothing either.
    await sendEvent(joined, { eventId, num: 3, reason: "http_error" });
    await handled(eventId, 4);
    await dispatcher.drain();
    expect(dmPosts("UJOINER", mark)).toHaveLength(1);
  });

  it("acks within 3 s while the database is slow, and answers through the response_url when the work is done", async () => {
    // Another transaction holds the clubs table until the test lets go, so the command's own transaction must wait.
    let locked!: () => void;
    let letGo!: () => void;
    const isLocked = new Promise<void>((resolve) => (locked = resolve));
    const release = new Promise<void>((resolve) => (letGo = resolve));
    const blocker = database.db.transaction(async (tx) => {
      await tx.execute(sql`lock table clubs in access exclusive mode`);
      locked();
      await release;
    });
    await isLocked;
    let releasedAt = 0;
    try {
      const id = `slow${++seq}`;
      const body = slashCommandBody({ command: "/jobclub", text: "goal add Written while the database was slow", userId: "UANA", userName: "ana", teamId: TEAM, teamDomain: "jobclub", channelId: "CCLUB", responseUrl: fake.responseUrl(id) });
      const sentAt = Date.now();
      const ack = await sendSigned(eventsUrl, body, FORM, { secret: SECRET });
      expect(ack.status).toBe(200);
      expect(ack.receivedAt - sentAt).toBeLessThan(3000);
      // The ack came while the command was still held up by the database: it is running, and cannot finish.
      await expect.poll(() => core.inFlight(), { timeout: 10_000 }).toBe(1);
      if (database.driver === "postgres") {
        // Its transaction is queued behind the held lock (PGlite has one connection: there it waits for that).
        const waiting = async () => {
          const [row] = await queryRows<{ n: number }>(database.db, sql`select count(*)::int as n from pg_locks where relation = 'clubs'::regclass and not granted`);
          return Number(row!.n);
        };
        await expect.poll(waiting, { timeout: 10_000 }).toBeGreaterThanOrEqual(1);
      }
      expect(fake.responses(id)).toHaveLength(0);
      releasedAt = Date.now();
      letGo();
      await blocker;
      const answer = await fake.response(id);
      expect(answer.at).toBeGreaterThanOrEqual(releasedAt);
      expect(String((answer.body as unknown as SlackAnswer).text)).toContain("Written while the database was slow");
    } finally {
      letGo();
      await blocker;
    }
  });

  it("survives malformed requests, forged button values and an expired response_url", async () => {
    const garbage = await sendSigned(eventsUrl, "payload=%7Bnot-json", FORM, { secret: SECRET });
    expect(garbage.status).toBeGreaterThanOrEqual(400);

    const mark = fake.mark();
    for (const [id, value] of [
      ["forged-1", "definitely not a command"],
      ["forged-2", `goal add ${"x".repeat(3000)}`],
    ] as const) {
      const payload = {
        type: "block_actions",
        user: { id: "UANA", username: "ana", team_id: TEAM },
        team: { id: TEAM, domain: "jobclub" },
        container: { type: "message", message_ts: "1.2", channel_id: "CCLUB", is_ephemeral: true },
        channel: { id: "CCLUB", name: "job-club" },
        response_url: fake.responseUrl(id),
        actions: [{ type: "button", action_id: "warmpath:goal-add:0", block_id: "b", text: { type: "plain_text", text: "x" }, value, action_ts: "1.3" }],
      };
      expect((await sendSigned(eventsUrl, interactionBody(payload), FORM, { secret: SECRET })).status).toBe(200);
      const answer = (await fake.response(id)).body as unknown as SlackAnswer;
      expect(answer.response_type).toBe("ephemeral");
      expect(answer.text).toMatch(/^⚠️ (I don't know the command|That's too long for me)/);
    }

    const body = slashCommandBody({ command: "/jobclub", text: "goal list", userId: "UANA", userName: "ana", teamId: TEAM, teamDomain: "jobclub", channelId: "CCLUB", responseUrl: fake.responseUrl("expired-1") });
    expect((await sendSigned(eventsUrl, body, FORM, { secret: SECRET })).status).toBe(200);
    await fake.response("expired-1");
    expect(fake.recorded.slice(mark).filter((r) => r.kind === "response" && r.outcome !== "ok")).toHaveLength(1);
    // Still up, and still answering.
    expect((await slash("UANA", "goal list")).answer.text).toContain("Reach out to 3 people");
  });

  it("runs in Socket Mode when an app token is set: commands arrive over the WebSocket, are acked and answered", async () => {
    const socketAdapter = await createSlackAdapter({
      botToken: BOT_TOKEN,
      signingSecret: SECRET,
      appToken: APP_TOKEN,
      apiUrl: fake.apiUrl,
      command: "/jobclub",
      port: 0,
      host: "127.0.0.1",
      core,
      db: database.db,
      logger: createLogger({ level: "debug", write: (line) => logs.push(line) }),
    });
    await socketAdapter.start();
    try {
      expect(fake.socketCount()).toBe(1);
      const health = await fetch(`http://127.0.0.1:${socketAdapter.address()!.port}/healthz`);
      expect(health.status).toBe(200);
      const envelope = fake.pushEnvelope("slash_commands", {
        token: "verification-token-unused",
        team_id: TEAM,
        team_domain: "jobclub",
        channel_id: "CCLUB",
        channel_name: "job-club",
        user_id: "UBOB",
        user_name: "bob",
        command: "/jobclub",
        text: "target add Hooli applied",
        api_app_id: "A0WARMPATH",
        response_url: fake.responseUrl("socket-1"),
        trigger_id: "1337.42.socket",
      });
      await fake.waitFor((r) => r.kind === "socket-ack" && r.name === envelope, "the Socket Mode ack");
      const answer = (await fake.response("socket-1")).body as unknown as SlackAnswer;
      expect(answer.text).toContain("Added Hooli (applied)");
    } finally {
      await socketAdapter.stop();
    }
  });

  it("app_uninstalled (single workspace): the club's weekly jobs stop until Warmpath starts again with a working token", async () => {
    const clubId = (await findClub(database.db, { platform: "slack", externalId: TEAM }))!.id;
    const runner = createJobRunner({ db: database.db, clock, logger: silentLogger });
    await handled(await sendEvent({ type: "app_uninstalled" }));
    const slot = new Date(Date.parse(MIDWEEK) + 7 * 86_400_000);
    expect(await runner.run(clubId, "digest", slot)).toEqual({ ran: false, reason: "unreachable" });
    // The operator reinstalls and restarts with the new token: the adapter's start-up check works again.
    await createSlackAdapter({ botToken: BOT_TOKEN, signingSecret: SECRET, apiUrl: fake.apiUrl, command: "/jobclub", port: 0, host: "127.0.0.1", core, db: database.db, logger: silentLogger });
    expect(await runner.run(clubId, "digest", new Date(slot.getTime() + 7 * 86_400_000))).toMatchObject({ ran: true });
  });

  it("answers /healthz while Slack and the database are up", async () => {
    const response = await fetch(`${baseUrl}/healthz`);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ status: "ok", slack: "up", database: "up" });
  });

  it("never writes a token or the signing secret to the logs", () => {
    expect(logs.length).toBeGreaterThan(0);
    for (const secret of [BOT_TOKEN, SECRET, APP_TOKEN]) expect(logs.filter((l) => l.includes(secret))).toEqual([]);
  });

  it("turns a wrong token, an unreachable Slack or a wrong app token into one clear start-up error", async () => {
    const base = { signingSecret: SECRET, command: "/jobclub", port: 0, host: "127.0.0.1", core, db: database.db, logger: createLogger({ level: "silent" }) };
    const wrong = createSlackAdapter({ ...base, botToken: "xoxb-not-the-right-one", apiUrl: fake.apiUrl });
    await expect(wrong).rejects.toBeInstanceOf(AppError);
    await expect(wrong).rejects.toThrow(/Slack refused SLACK_BOT_TOKEN \(invalid_auth\)/);
    await expect(createSlackAdapter({ ...base, botToken: BOT_TOKEN, apiUrl: "http://127.0.0.1:9/api/" })).rejects.toThrow(/Could not reach Slack at http:\/\/127\.0\.0\.1:9\/api\//);
    await expect(createSlackAdapter({ ...base, botToken: BOT_TOKEN, appToken: "xapp-1-wrong", apiUrl: fake.apiUrl })).rejects.toThrow(/Slack refused SLACK_APP_TOKEN \(invalid_auth\)/);
  });

  it("says clearly when its port is taken", async () => {
    const second = await createSlackAdapter({ botToken: BOT_TOKEN, signingSecret: SECRET, command: "/jobclub", apiUrl: fake.apiUrl, port: adapter.address()!.port, host: "127.0.0.1", core, db: database.db, logger: createLogger({ level: "silent" }) });
    await expect(second.start()).rejects.toThrow(/could not listen on port \d+: .*EADDRINUSE/);
  });

  it("reports /healthz unavailable once the database is gone", async () => {
    await database.close();
    databaseClosed = true;
    const response = await fetch(`${baseUrl}/healthz`);
    expect(response.status).toBe(503);
    expect(await response.json()).toMatchObject({ status: "unavailable", database: "down" });
  });
});
