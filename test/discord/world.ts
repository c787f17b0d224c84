import { createCore, type Core } from "../../src/core/core.js";
import type { Database } from "../../src/db/client.js";
import { createDispatcher, type Dispatcher } from "../../src/outbox/dispatcher.js";
import { createLogger } from "../../src/util/logger.js";
import type { Clock } from "../../src/core/types.js";
import { createHttpServer, type HttpServer } from "../../src/http/server.js";
import { runningClock } from "../support/clocks.js";
import { createDiscordAdapter, type DiscordAdapter } from "../../src/adapters/discord/discord-adapter.js";
import { createDiscordInteractionsAdapter, DISCORD_INTERACTIONS_PATH, type DiscordInteractionsAdapter } from "../../src/adapters/discord/http-adapter.js";
import { startFakeDiscord, type FakeDiscord, type FakeGuild, type FakeUser, type FinalAnswer } from "./fake-discord.js";

/** How Warmpath meets Discord: a gateway connection, or interactions POSTed to its web server. */
export type Mode = "gateway" | "http";
export const MODES: Mode[] = ["gateway", "http"];

export interface World<A extends DiscordAdapter | DiscordInteractionsAdapter = DiscordAdapter> {
  mode: Mode;
  fake: FakeDiscord;
  guild: FakeGuild;
  ana: FakeUser;
  bob: FakeUser;
  cy: FakeUser;
  core: Core;
  adapter: A;
  dispatcher: Dispatcher;
  /** The core's and dispatcher's clock: real speed from a fixed Wednesday unless a test gives one. */
  clock: Clock;
  /** Every log line, unscrubbed: a test can prove the token never reaches one. */
  logs: string[];
  /** HTTP mode: the Interactions Endpoint URL Discord POSTs to, on this web server. */
  url?: string;
  web?: HttpServer;
  /** `/jobclub <command>` typed by a member; resolves to what they see. */
  run(user: FakeUser, command: string, values?: Record<string, string | number | undefined>, opts?: { channelId?: string; botCannotOpenThreads?: boolean }): Promise<FinalAnswer>;
  stop(): Promise<void>;
}

/** A world in either mode. */
export type AnyWorld = World<DiscordAdapter | DiscordInteractionsAdapter>;

export interface WorldOptions {
  deferAfterMs?: number;
  guildScoped?: boolean;
  channels?: string[];
  systemChannel?: string;
  clock?: Clock;
}

/** One Warmpath process in HTTP-interactions mode on a fake Discord: core, dispatcher, web server, adapter. */
export interface HttpInstance {
  core: Core;
  adapter: DiscordInteractionsAdapter;
  dispatcher: Dispatcher;
  web: HttpServer;
  url: string;
  logs: string[];
  stop(): Promise<void>;
}

export async function startHttpInstance(
  fake: FakeDiscord,
  database: Database,
  options: { guildId?: string; deferAfterMs?: number; clock?: Clock; logs?: string[] } = {},
): Promise<HttpInstance> {
  const logs = options.logs ?? [];
  const logger = createLogger({ level: "debug", write: (line) => logs.push(line) });
  const clock = options.clock ?? runningClock();
  const core = createCore({ db: database.db, logger, clock });
  const web = createHttpServer({ port: 0, host: "127.0.0.1", logger });
  const adapter = createDiscordInteractionsAdapter({
    token: fake.token,
    applicationId: fake.applicationId,
    publicKey: fake.publicKey,
    apiUrl: fake.apiUrl,
    ...(options.guildId ? { guildId: options.guildId } : {}),
    http: web,
    core,
    logger,
    ...(options.deferAfterMs !== undefined ? { deferAfterMs: options.deferAfterMs } : {}),
  });
  const dispatcher = createDispatcher({ db: database.db, ports: [adapter.port], logger, clock });
  // As main does: the adapter starts (checks the token, registers commands), then the server listens.
  await adapter.start();
  const { port } = await web.listen();
  return {
    core,
    adapter,
    dispatcher,
    web,
    url: `http://127.0.0.1:${port}${DISCORD_INTERACTIONS_PATH}`,
    logs,
    async stop() {
      await dispatcher.stop();
      await adapter.stop();
      await web.close();
    },
  };
}

/**
 * The real core, database, dispatcher and discord.js client, connected to a fake Discord with one
 * server ("Job Club": by default #general as the system channel, #job-club, #random) and three
 * members. In HTTP mode no gateway connection is made: the fake POSTs signed interactions to the
 * adapter's route on a real web server.
 */
export async function startWorld(database: Database, options?: WorldOptions & { mode?: "gateway" }): Promise<World>;
export async function startWorld(database: Database, options: WorldOptions & { mode: "http" }): Promise<World<DiscordInteractionsAdapter>>;
export async function startWorld(database: Database, options: WorldOptions & { mode: Mode }): Promise<World<DiscordAdapter | DiscordInteractionsAdapter>>;
export async function startWorld(database: Database, options: WorldOptions & { mode?: Mode } = {}): Promise<World<DiscordAdapter | DiscordInteractionsAdapter>> {
  const mode = options.mode ?? "gateway";
  const fake = await startFakeDiscord();
  const guild = fake.addGuild({ name: "Job Club", channels: options.channels ?? ["general", "job-club", "random"], systemChannel: options.systemChannel ?? "general" });
  const ana = fake.addMember(guild, { username: "ana", globalName: "Ana" });
  const bob = fake.addMember(guild, { username: "bob", globalName: "Bob", nick: "Bobby" });
  const cy = fake.addMember(guild, { username: "cy", globalName: null, admin: true });
  // Not the real date: a run that crosses Monday 00:00 must not change the week mid-test.
  const clock = options.clock ?? runningClock();
  const common = {
    mode,
    fake,
    guild,
    ana,
    bob,
    cy,
    clock,
    run: (user: FakeUser, command: string, values: Record<string, string | number | undefined> = {}, opts: { channelId?: string; botCannotOpenThreads?: boolean } = {}) =>
      fake.answer(fake.command(guild, user, command, values, opts)),
  };

  if (mode === "http") {
    const instance = await startHttpInstance(fake, database, {
      ...(options.guildScoped === false ? {} : { guildId: guild.id }),
      ...(options.deferAfterMs !== undefined ? { deferAfterMs: options.deferAfterMs } : {}),
      clock,
    });
    fake.setInteractionsEndpoint(instance.url);
    return {
      ...common,
      core: instance.core,
      adapter: instance.adapter,
      dispatcher: instance.dispatcher,
      logs: instance.logs,
      url: instance.url,
      web: instance.web,
      async stop() {
        await instance.stop();
        await fake.close();
      },
    };
  }

  const logs: string[] = [];
  // No secrets handed to the logger on purpose: nothing may log the token in the first place.
  const logger = createLogger({ level: "debug", write: (line) => logs.push(line) });
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
    ...common,
    core,
    adapter,
    dispatcher,
    logs,
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
