import { openClubChangeFeed } from "./db/change-feed.js";
import { createReadCache } from "./core/read-cache.js";
import { ConfigError, loadConfig } from "./config.js";
import { openDatabase, refreshStatistics } from "./db/client.js";
import { createCore } from "./core/core.js";
import { createDispatcher, type Dispatcher } from "./outbox/dispatcher.js";
import { createConsolePort, runConsole } from "./adapters/console/console-adapter.js";
import type { PlatformAdapter } from "./adapters/adapter.js";
import { createJobRunner } from "./scheduler/runner.js";
import { createScheduler, type Scheduler } from "./scheduler/scheduler.js";
import { systemClock } from "./core/types.js";
import { AppError } from "./util/app-error.js";
import { createLogger } from "./util/logger.js";
import { createHealthCheck, healthRoute } from "./http/health.js";
import { createHttpServer } from "./http/server.js";
import { createDashboard } from "./dashboard/dashboard.js";

/** The only file that wires everything: configuration, database, core, dispatcher, adapters. */
async function main(): Promise<void> {
  const config = loadConfig();
  const consoleMode = !config.slack && !config.discord;
  // In the console stdout is the conversation: keep routine logs out of it.
  const logger = createLogger({ level: consoleMode && !process.env.LOG_LEVEL ? "warn" : config.logLevel, secrets: config.secrets });
  process.on("unhandledRejection", (reason) => logger.error("unhandled rejection", { error: reason }));

  const database = await openDatabase(config, {
    // Postgres stopped or our backend was terminated: commands under way answer "try again" on their
    // own and the pool reconnects for the next ones; this is only the operator's record of it.
    onConnectionError: (error) => logger.warn("database connection lost", { error }),
  });
  const where = database.driver === "pglite" ? `embedded PGlite in ${config.dataDir}` : "Postgres (DATABASE_URL)";
  setInterval(() => void refreshStatistics(database).catch((error: unknown) => logger.warn("statistics refresh failed", { error })), 6 * 3_600_000).unref();

  let dispatcher: Dispatcher | undefined;
  let scheduler: Scheduler | undefined;
  // On Postgres, what read-only commands read first is cached, kept right by the database's change
  // feed (any instance's writes); PGlite serves one process and answers in-process anyway.
  const changeFeed = config.databaseUrl ? await openClubChangeFeed(config.databaseUrl, logger) : undefined;
  const readCache = changeFeed ? createReadCache(changeFeed) : undefined;
  // The console drains the outbox after each line itself, so its output stays in order.
  const core = createCore({
    db: database.db,
    logger,
    onOutboxWrite: consoleMode ? undefined : () => dispatcher?.wake(),
    onScheduleChange: () => scheduler?.changed(),
    web: { publicUrl: config.publicUrl, ...(config.dashboardSecret ? { dashboardSecret: config.dashboardSecret } : {}) },
    ...(readCache ? { readCache } : {}),
  });
  const runner = createJobRunner({
    db: database.db,
    clock: systemClock,
    logger,
    retention: config.retention,
    onOutboxWrite: () => dispatcher?.wake(),
    onClubChanged: (clubId) => readCache?.forgetClub(clubId),
  });
  scheduler = createScheduler({ db: database.db, runner, logger, catchUpWindowMs: config.catchUpWindowHours * 3_600_000 });
  const adapters: PlatformAdapter[] = [];
  // One web server on PORT for everything HTTP: /healthz, Slack's requests, Discord's interactions, the dashboard.
  // The console's server serves only the dashboard, and only to this machine.
  const web = createHttpServer({ port: config.port, ...(consoleMode ? { host: "127.0.0.1" } : {}), logger });
  web.route(createDashboard({ db: database.db, logger, publicUrl: config.publicUrl, ...(config.dashboardSecret ? { secret: config.dashboardSecret } : {}), ...(config.slack ? { command: config.slack.command } : {}) }).route);
  // Each platform's SDK is loaded only when it is configured: discord.js alone costs ~50 MB idle.
  if (config.discord?.publicKey) {
    // Interactions over HTTP on the shared server, no gateway: any number of instances may serve.
    const { createDiscordInteractionsAdapter } = await import("./adapters/discord/http-adapter.js");
    adapters.push(createDiscordInteractionsAdapter({ ...config.discord, publicKey: config.discord.publicKey, http: web, core, logger }));
  } else if (config.discord) {
    const { createDiscordAdapter } = await import("./adapters/discord/discord-adapter.js");
    adapters.push(createDiscordAdapter({ ...config.discord, core, logger }));
  }
  if (config.slack) {
    const { createSlackAdapter } = await import("./adapters/slack/slack-adapter.js");
    adapters.push(await createSlackAdapter({ ...config.slack, port: config.port, http: web, core, db: database.db, logger, onOutboxWrite: () => dispatcher?.wake() }));
  }

  if (consoleMode) {
    dispatcher = createDispatcher({ db: database.db, ports: [createConsolePort(process.stdout, database.db)], logger, leaseMs: config.outboxLeaseSeconds * 1000 });
    process.stdout.write(`Warmpath local console on ${where}. Type \`help\`; start a line with @name to act as that member; Ctrl-D quits.\n`);
    // A busy port costs the console its dashboard, never the console itself.
    const serving = await web.listen().then(
      () => true,
      () => false,
    );
    process.stdout.write(
      serving
        ? `The organisers' dashboard is at ${config.publicUrl}/dashboard: \`dashboard\` prints a sign-in link.\n`
        : `Port ${config.port} is in use, so the dashboard is off in this console; start with PORT=<a free port> to use it.\n`,
    );
    // Scheduled posts and DMs print as they happen, between the lines typed.
    dispatcher.start();
    await scheduler.start();
    await runConsole({ core, dispatcher, db: database.db, input: process.stdin, output: process.stdout, prompt: process.stdin.isTTY === true });
    await scheduler.stop();
    await dispatcher.drain();
    await dispatcher.stop();
    await web.close();
    await changeFeed?.close();
    await database.close();
    return;
  }

  dispatcher = createDispatcher({ db: database.db, ports: adapters.map((a) => a.port), logger, leaseMs: config.outboxLeaseSeconds * 1000 });
  for (const adapter of adapters) await adapter.start();
  web.route(healthRoute(createHealthCheck(database.db, adapters), logger));
  await web.listen().catch((error: unknown) => {
    throw new AppError("HTTP.START", `Could not listen on port ${config.port}: ${error instanceof Error ? error.message : String(error)}`);
  });
  dispatcher.start();
  await scheduler.start();
  logger.info(`Warmpath running on ${where} with ${adapters.map((a) => a.name).join(" and ")}`);
  // Links handed out in Slack or Discord must open from people's browsers, not this machine's.
  if (config.publicUrl === `http://localhost:${config.port}`) logger.warn(`PUBLIC_URL is not set: the dashboard's sign-in links point at ${config.publicUrl}, which only this machine can open`);

  const shutdown = async (signal: string) => {
    logger.info(`${signal}: shutting down`);
    await scheduler?.stop();
    // Commands under way finish and answer before anything closes under them, within the grace time.
    if (!(await core.idle(config.shutdownGraceMs))) logger.warn("shutting down with commands still running", { running: core.inFlight() });
    for (const adapter of adapters) await adapter.stop().catch((error: unknown) => logger.error("adapter stop failed", { adapter: adapter.name, error }));
    await dispatcher?.stop();
    await web?.close();
    await changeFeed?.close();
    await database.close();
    process.exit(0);
  };
  process.once("SIGINT", () => void shutdown("SIGINT"));
  process.once("SIGTERM", () => void shutdown("SIGTERM"));
}

main().catch((error: unknown) => {
  if (error instanceof ConfigError || error instanceof AppError) {
    process.stderr.write(`${error.message}\n`);
  } else {
    process.stderr.write(`Warmpath could not start: ${error instanceof Error ? error.message : String(error)}\n`);
  }
  process.exit(1);
});
