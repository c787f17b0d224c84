import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sql } from "drizzle-orm";
import { backends } from "../support/databases.js";
import { queryRows, type Database } from "../../src/db/client.js";
import { argFields } from "../../src/core/args.js";
import { isoWeek } from "../../src/core/dates.js";
import { buildJobclubCommand } from "../../src/adapters/discord/command-options.js";
import { createDiscordAdapter } from "../../src/adapters/discord/discord-adapter.js";
import { createLogger } from "../../src/util/logger.js";
import { CALLBACK, type FinalAnswer } from "./fake-discord.js";
import { buttonsOf, MODES, startWorld, textOf, type AnyWorld, type World } from "./world.js";

/**
 * Every core command as a member types it in Discord, in both modes: an INTERACTION_CREATE from the
 * fake gateway, handled by the real discord.js client and answered at the interaction callback; or a
 * signed POST to the adapter's interactions route, answered in the HTTP response. Either way the
 * real core on a real database, and the deferred answer's edit when a reply is slow or has a file.
 */
const cases = backends.flatMap((backend) => MODES.map((mode) => ({ backend, mode, name: `${backend.name}, ${mode}` })));

describe.each(cases)("the Discord adapter on $name", ({ backend, mode }) => {
  let database: Database;
  let w: AnyWorld;
  const gatewayOnly = it.runIf(mode === "gateway");
  const gateway = () => w as World;
  const exercised = new Set<string>();

  beforeAll(async () => {
    database = await backend.open();
    w = await startWorld(database, { mode });
  });
  afterAll(async () => {
    await w?.stop();
    await database?.close();
  });

  async function run(user: World["ana"], command: string, values: Record<string, string | number | undefined> = {}, opts: { channelId?: string } = {}): Promise<FinalAnswer> {
    exercised.add(command);
    const answer = await w.run(user, command, values, opts);
    // Every answer to a command is for the person alone.
    expect(answer.ephemeral, `${command} answers privately`).toBe(true);
    return answer;
  }

  gatewayOnly("connects over the gateway with the Guilds intent only, plain JSON, and answered heartbeats", async () => {
    expect(w.fake.gateway.identifies).toHaveLength(1);
    expect(w.fake.gateway.identifies[0]).toMatchObject({ intents: 1, compress: false, shard: [0, 1] });
    expect(w.fake.gateway.urls[0]).toMatch(/^\/\?v=10&encoding=json$/);
    await w.fake.waitFor(() => (w.fake.gateway.heartbeats >= 1 ? true : undefined), "a heartbeat");
    expect(gateway().adapter.client.guilds.cache.get(w.guild.id)?.name).toBe("Job Club");
  });

  it.runIf(mode === "http")("makes no gateway connection over HTTP", () => {
    expect(w.fake.gateway.urls).toEqual([]);
    expect(w.fake.calls.some((c) => c.path === "/gateway/bot")).toBe(false);
  });

  it("registers /jobclub from the core's declarations at start, in the configured server", () => {
    expect(w.fake.commandPuts).toHaveLength(1);
    expect(w.fake.commandPuts[0]!.scope).toBe(w.guild.id);
    expect(w.fake.commandPuts[0]!.body).toEqual([JSON.parse(JSON.stringify(buildJobclubCommand(w.core.registry.commands)))]);
  });

  it("help, join and profile", async () => {
    const help = await run(w.ana, "help");
    expect(help.message.embeds?.[0]?.title).toBe("Warmpath commands");
    expect(textOf(help)).toContain("goal add <text>");
    expect(buttonsOf(help.message).map((b) => b.customId)).toEqual(["goal list", "target list", "intro list"]);
    expect(textOf(await run(w.ana, "help", { command: "intro" }))).toContain("intro accept <id>");
    expect(textOf(await run(w.ana, "join", { headline: "Data engineer" }))).toContain("Welcome to the job club, Ana! You're looking for: Data engineer.");
    // The server nickname is the name members know each other by.
    expect(textOf(await run(w.bob, "join"))).toContain("Welcome to the job club, Bobby!");
    const profile = await run(w.ana, "profile", { timezone: "Europe/Berlin", matches: "off" });
    expect(textOf(profile)).toContain("Profile updated.");
    expect(textOf(profile)).toContain("Timezone: Europe/Berlin");
  });

  it("goal add, list and done", async () => {
    expect(textOf(await run(w.ana, "goal add", { text: "Reach out to 3 people" }))).toMatch(/^Goal 1 for \d{4}-W\d{2} set: Reach out to 3 people$/m);
    const list = await run(w.ana, "goal list");
    expect(textOf(list)).toContain("1. ⬜ Reach out to 3 people");
    expect(buttonsOf(list.message)).toEqual([{ label: "Done #1", customId: `goal done 1 ${isoWeek(w.clock.now(), "UTC")}` }]);
    expect(textOf(await run(w.ana, "goal done", { n: 1 }))).toContain("✅ Done: Reach out to 3 people");
  });

  it("target add, list, stage and remove", async () => {
    expect(textOf(await run(w.ana, "target add", { company: "Acme Corp", stage: "applied" }))).toContain("Added Acme Corp (applied)");
    expect(textOf(await run(w.ana, "target list"))).toContain("• Acme Corp: applied");
    expect(textOf(await run(w.ana, "target stage", { company: "acme", stage: "interviewing" }))).toContain("Acme Corp is now at interviewing. Good luck!");
    await run(w.ana, "target add", { company: "Globex" });
    expect(textOf(await run(w.ana, "target remove", { company: "globex corporation" }))).toContain("Removed Globex from your targets.");
  });

  it("network add, list, remove and who", async () => {
    expect(textOf(await run(w.bob, "network add", { company: "ACME Inc", relation: "works" }))).toContain("Added: you work at Acme Corp.");
    await run(w.bob, "network add", { company: "Initech", relation: "knows" });
    const network = await run(w.bob, "network list");
    expect(textOf(network)).toContain("• You work at Acme Corp");
    expect(textOf(await run(w.bob, "network remove", { company: "initech" }))).toContain("Removed Initech from your network.");
    const who = await run(w.ana, "who", { company: "Acme" });
    expect(textOf(who)).toContain("1 warm path to Acme Corp");
    // The core writes members into button commands as `<@#member>`, which resolves within the club only.
    expect(buttonsOf(who.message)).toEqual([{ label: "Ask Bobby", customId: expect.stringMatching(/^intro <@#\d+> Acme Corp$/) }]);
  });

  it("intro request, list, accept, outcome and decline", async () => {
    const asked = await run(w.ana, "intro request", { helper: w.bob.id, company: "Acme", kind: "referral", ask: "Could you refer me?" });
    expect(textOf(asked)).toContain("Asked Bobby for an introduction at Acme Corp (#1)");
    expect(textOf(await run(w.ana, "intro list"))).toContain("#1 you asked Bobby about Acme Corp: requested");
    expect(textOf(await run(w.bob, "intro accept", { id: 1 }))).toContain("I've opened a conversation with you and Ana about Acme Corp (#1)");
    expect(textOf(await run(w.ana, "intro outcome", { id: 1, outcome: "met" }))).toContain("Recorded: #1 met");
    // ana has no tie to Globex: Bobby confirms he wants to ask her anyway.
    await run(w.bob, "intro request", { helper: w.ana.id, company: "Globex", confirm: "confirm" });
    expect(textOf(await run(w.ana, "intro decline", { id: 2, reason: "Not my area" }))).toContain("Declined #2. I'll let Bobby know kindly");
  });

  it("log, win and thanks", async () => {
    expect(textOf(await run(w.ana, "log", { kind: "coffee", note: "with a PM from Acme" }))).toContain("Logged coffee: with a PM from Acme");
    expect(textOf(await run(w.ana, "win", { text: "Second round at Acme!" }))).toContain("Congratulations");
    expect(textOf(await run(w.ana, "thanks", { member: w.bob.id, kind: "referral", note: "for the word at Acme" }))).toContain("Thanks sent to Bobby");
  });

  it("snooze and resume", async () => {
    expect(textOf(await run(w.ana, "snooze", { until: "14" }))).toMatch(/Snoozed until .*`resume` ends it early/);
    expect(textOf(await run(w.ana, "resume"))).toContain("Welcome back!");
  });

  it("export sends the member's data as a private JSON file", async () => {
    const answer = await run(w.ana, "export");
    expect(textOf(answer)).toContain("Here is everything Warmpath holds about you");
    expect(answer.files).toHaveLength(1);
    expect(answer.files[0]).toMatchObject({ name: "warmpath-export.json", contentType: "application/json" });
    const exported = JSON.parse(answer.files[0]!.text) as { club: { name: string } };
    expect(exported.club.name).toBe("Job Club");
    expect(answer.files[0]!.text).toContain("Reach out to 3 people");
  });

  it("forget-me asks first, then deletes; the confirm button runs as the clicker", async () => {
    await run(w.cy, "join");
    const asked = await run(w.cy, "forget-me");
    expect(asked.message.embeds?.[0]?.title).toBe("Delete all your data?");
    const confirm = buttonsOf(asked.message).find((b) => b.label === "Delete everything")!;
    expect(confirm.customId).toBe("forget-me confirm");
    const interaction = w.fake.clickOnAnswer(w.guild, w.cy, w.fake.interactions.get([...w.fake.interactions.keys()].at(-1)!)!, confirm.customId);
    expect(textOf(await w.fake.answer(interaction))).toMatch(/Done: \d+ records about you are deleted/);
    // Forgotten means forgotten: a second confirm (or any other command) doesn't bring cy back.
    expect(textOf(await run(w.cy, "forget-me", { confirm: "confirm" }))).toContain("You asked me to forget you");
    expect(textOf(await run(w.cy, "goal add", { text: "Back again" }))).toContain("You asked me to forget you");
  });

  it("delivers what the commands queued, with nothing failing", async () => {
    await w.dispatcher.drain({ waitForRetries: true });
    const rows = await queryRows<{ status: string; n: number }>(database.db, sql`select status, count(*)::int as n from outbox group by status`);
    expect(rows.filter((r) => r.status !== "sent")).toEqual([]);
    // The win went to the channel it was shared in, pinging nobody.
    const win = w.fake.messages.find((m) => m.content.includes("Second round at Acme!"))!;
    expect(win.channel_id).toBe(w.guild.channels[0]!.id);
    expect(w.fake.pingsOf(win)).toEqual({ everyone: false, users: [], roles: [] });
    expect(w.fake.dmsTo(w.bob).map((m) => m.content)).toEqual(expect.arrayContaining(["Intro request #1: Acme Corp", expect.stringContaining("💛 Ana thanked you for the referral")]));
  });

  it("offers the club's companies as autocomplete, only for company options", async () => {
    const answer = await w.fake.answer(w.fake.autocomplete(w.guild, w.ana, "who", { company: "ac" }, "company"));
    expect(answer.sequence).toEqual([CALLBACK.autocomplete]);
    expect((answer.message as { choices?: unknown }).choices).toEqual([{ name: "Acme Corp", value: "Acme Corp" }]);
    const intro = await w.fake.answer(w.fake.autocomplete(w.guild, w.ana, "intro request", { helper: w.bob.id, company: "glo" }, "company"));
    expect((intro.message as { choices?: unknown }).choices).toEqual([{ name: "Globex", value: "Globex" }]);
    const notCompany = await w.fake.answer(w.fake.autocomplete(w.guild, w.ana, "goal add", { text: "ac" }, "text"));
    expect((notCompany.message as { choices?: unknown }).choices).toEqual([]);
  });

  it("answers forged and mistaken input privately, never crashing", async () => {
    // Discord's client enforces max_length, but anyone can send the API anything.
    const long = await run(w.ana, "goal add", { text: "x".repeat(600) });
    expect(textOf(long)).toContain("goal is too long (at most 500 characters)");
    const unknown = await run(w.ana, "intro request", { helper: "999999999999999999", company: "Acme" });
    expect(textOf(unknown)).toContain("I don't know that member yet");
    const stranger = await run(w.ana, "goal done", { n: "two" });
    expect(textOf(stranger)).toContain("goal number must be a whole number");
    for (const [data, expected] of [
      [{ id: "1", name: "jobclub", type: 1, options: [{ type: 1, name: "nope", options: [] }] }, "I don't know the command “nope”"],
      [{ id: "1", name: "jobclub", type: 1, options: [] }, "Pick a subcommand"],
      [{ id: "1", name: "other", type: 1, options: [] }, "I only know /jobclub"],
    ] as const) {
      const answer = await w.fake.answer(w.fake.rawCommand(w.guild, w.ana, data));
      expect(answer.ephemeral).toBe(true);
      expect(textOf(answer)).toContain(expected);
    }
    // A button's command is re-checked as the clicker: only the helper may accept.
    const click = w.fake.clickOnAnswer(w.guild, w.ana, w.fake.interactions.get([...w.fake.interactions.keys()].at(-1)!)!, "intro accept 1");
    expect(textOf(await w.fake.answer(click))).toContain("Only Bobby can answer intro #1");
    // In a server the interaction's guild is the club, whatever a forged custom_id claims.
    const forged = w.fake.clickOnAnswer(w.guild, w.ana, w.fake.interactions.get([...w.fake.interactions.keys()].at(-1)!)!, "~zzzzzz~goal list");
    expect(textOf(await w.fake.answer(forged))).toContain("1. ✅ Reach out to 3 people");
  });

  gatewayOnly("keeps running when an answer fails at Discord, and apologises", async () => {
    w.fake.fail({ method: "POST", path: /^\/interactions\/\d+\/[^/]+\/callback$/, status: 400, times: 1 });
    const failed = await w.fake.answer(w.fake.command(w.guild, w.ana, "goal list"));
    expect(textOf(failed)).toContain("Sorry, something went wrong on my side");
    expect(w.logs.some((l) => l.includes("discord interaction failed") && l.includes("DiscordAPIError"))).toBe(true);
    expect(textOf(await run(w.ana, "goal list"))).toContain("Reach out to 3 people");
  });

  gatewayOnly("logs client and gateway errors instead of dying of them", () => {
    const { client } = gateway().adapter;
    // Without listeners, EventEmitter throws on "error": discord.js emits it for failures in its handlers.
    expect(() => client.emit("error", new Error("boom from a handler"))).not.toThrow();
    expect(() => client.emit("shardError", new Error("socket trouble"), 0)).not.toThrow();
    expect(w.logs.some((l) => l.includes("discord client error") && l.includes("boom from a handler"))).toBe(true);
    expect(w.logs.some((l) => l.includes("discord gateway error") && l.includes("socket trouble"))).toBe(true);
  });

  gatewayOnly("registers again at start only when the registered commands differ", async () => {
    const logger = createLogger({ level: "silent" });
    const again = createDiscordAdapter({ token: w.fake.token, applicationId: w.fake.applicationId, apiUrl: w.fake.apiUrl, guildId: w.guild.id, core: w.core, logger });
    await again.start();
    await again.stop();
    expect(w.fake.commandPuts).toHaveLength(1);
    w.fake.commands.guild.get(w.guild.id)![0]!.description = "An older description";
    const changed = createDiscordAdapter({ token: w.fake.token, applicationId: w.fake.applicationId, apiUrl: w.fake.apiUrl, guildId: w.guild.id, core: w.core, logger });
    await changed.start();
    await changed.stop();
    expect(w.fake.commandPuts).toHaveLength(2);
    expect(w.fake.commands.guild.get(w.guild.id)![0]!.description).toBe(buildJobclubCommand(w.core.registry.commands).description);
  });

  it("answers every declared command, including any added after these cases were written", async () => {
    const dee = w.fake.addMember(w.guild, { username: "dee", globalName: "Dee" });
    await run(dee, "join");
    for (const command of w.core.registry.commands) {
      if (exercised.has(command.name)) continue;
      // Values for the required options, built from the declaration as a member would fill them in.
      const values: Record<string, string | number> = {};
      for (const field of argFields(command.args)) {
        if (!field.meta.required) continue;
        const { kind, choices } = field.meta;
        values[field.name] = kind === "int" ? 1 : kind === "choice" ? choices![0]! : kind === "mention" ? w.ana.id : "Acme";
      }
      const answer = await run(dee, command.name, values);
      expect(textOf(answer).length, command.name).toBeGreaterThan(0);
      expect(textOf(answer), command.name).not.toContain("something went wrong");
    }
    expect([...exercised].sort()).toEqual(w.core.registry.commands.map((c) => c.name).sort());
  });

  it("never writes the bot token to a log line", () => {
    if (mode === "gateway") expect(w.logs.some((l) => l.includes("DiscordAPIError"))).toBe(true);
    expect(w.logs.join("\n")).not.toContain(w.fake.token);
  });
});
