import { createCore, type Core } from "../../src/core/core.js";
import type { Database } from "../../src/db/client.js";
import { createDispatcher, type Dispatcher } from "../../src/outbox/dispatcher.js";
import { createLogger } from "../../src/util/logger.js";
import type { Clock } from "../../src/core/types.js";
import { runningClock } from "../support/clocks.js";
import { createDiscordAdapter, type DiscordAdapter } from "../../src/adapters/discord/discord-adapter.js";
import { startFakeDiscord, type FakeDiscord, type FakeGuild, type FakeUser, type FinalAnswer } from "./fake-discord.js";

export interface World {
  fake: FakeDiscord;
  guild: FakeGuild;
  ana: FakeUser;
  bob: FakeUser;
  cy: FakeUser;
  core: Core;
  adapter: DiscordAdapter;
  dispatcher: Dispatcher;
  /** The core's and dispatcher's clock: real speed from a fixed Wednesday unless a test gives one. */
  clock: Clock;
  /** Every log line, unscrubbed: a test can prove the token never reaches one. */
  logs: string[];
  /** `/jobclub <command>` typed by a member; resolves to what they see. */
  run(user: FakeUser, command: string, values?: Record<string, string | number | undefined>, opts?: { channelId?: string; botCannotOpenThreads?: boolean }): Promise<FinalAnswer>;
  stop(): Promise<void>;
}

/**
 * The real core, database, dispatcher and discord.js client, connected to a fake Discord with one
 * server ("Job Club": by default #general as the system channel, #job-club, #random) and three members.
 */
export async function startWorld(
  database: Database,
  options: { deferAfterMs?: number; guildScoped?: boolean; channels?: string[]; systemChannel?: string; clock?: Clock } = {},
): Promise<World> {
  const fake = await startFakeDiscord();
  const guild = fake.addGuild({ name: "Job Club", channels: options.channels ?? ["general", "job-club", "random"], systemChannel: options.systemChannel ?? "general" });
  const ana = fake.addMember(guild, { username: "ana", globalName: "Ana" });
  const bob = fake.addMember(guild, { username: "bob", globalName: "Bob", nick: "Bobby" });
  const cy = fake.addMember(guild, { username: "cy", globalName: null, admin: true });
  const logs: string[] = [];
  // No secrets handed to the logger on purpose: nothing may log the token in the first place.
  const logger = createLogger({ level: "debug", write: (line) => logs.push(line) });
  // Not the real date: a run that crosses Monday 00:00 must not change the week mid-test.
  const clock = options.clock ?? runningClock();
  const core = createCore({ db: database.db, logger, clock });
  const adapter = createDiscordAdapter({
    token: fake.token,
    applicationId: fake.applicationId,
    apiUrl: fake.apiUrl,
    ...(options.guildScoped === false ? {} : { guildId: guild.id }),
    core,
    logger,
    ...(options.deferAfterMs !== undefined ? { deferAfterMs: options.deferAfterMs } : {}),
  });
  const dispatcher = createDispatcher({ db: database.db, ports: [adapter.port], logger, clock });
  await adapter.start();
  return {
    fake,
    guild,
    ana,
    bob,
    cy,
    core,
    adapter,
    dispatcher,
    clock,
    logs,
    run: (user, command, values = {}, opts = {}) => fake.answer(fake.command(guild, user, command, values, opts)),
    async stop() {
      await dispatcher.stop();
      await adapter.stop();
      await fake.close();
    },
  };
}

/** What a person reads in an answer: the plain content, or the embed's title and description. */
export function textOf(answer: Pick<FinalAnswer, "message">): string {
  const embed = answer.message.embeds?.[0];
  return [answer.message.content, embed?.title, embed?.description, ...(embed?.fields ?? []).map((f) => `${f.name}: ${f.value}`)].filter(Boolean).join("\n");
}

/** The custom_ids of an answer's buttons, in order. */
export function buttonsOf(message: { components?: Array<{ components?: Array<{ custom_id?: string; label?: string }> }> }): Array<{ label: string; customId: string }> {
  return (message.components ?? []).flatMap((row) => row.components ?? []).map((b) => ({ label: b.label ?? "", customId: b.custom_id ?? "" }));
}
