/**
 * `npm run discord:register`: writes the /jobclub command, generated from the core's declarations,
 * to Discord with one bulk overwrite. With DISCORD_GUILD_ID it goes to that server only (changes show
 * at once, for development); without, globally. The bot also does this at start when the registered
 * set differs; this script is for doing it before the first start, or by hand.
 */
import { REST } from "discord.js";
import { ConfigError, loadConfig } from "../../config.js";
import { allCommands } from "../../core/commands/index.js";
import { createLogger } from "../../util/logger.js";
import { buildJobclubCommand, ROOT_COMMAND } from "./command-options.js";
import { restBaseUrl } from "./discord-adapter.js";
import { describeError } from "./discord-errors.js";
import { inviteUrl } from "./permissions.js";
import { syncCommands } from "./registration.js";

async function main(): Promise<number> {
  const config = loadConfig();
  if (!config.discord) {
    process.stderr.write("Set DISCORD_TOKEN and DISCORD_APPLICATION_ID (see .env.example) to register the Discord commands.\n");
    return 1;
  }
  const logger = createLogger({ level: config.logLevel, secrets: config.secrets });
  const { token, applicationId, guildId } = config.discord;
  const api = restBaseUrl(config.discord.apiUrl);
  const rest = new REST(api ? { api } : {}).setToken(token);
  const command = buildJobclubCommand(allCommands);
  try {
    const result = await syncCommands(rest, { applicationId, ...(guildId ? { guildId } : {}) }, [command], { force: true });
    const subcommands = (command.options ?? []).reduce((n, o) => n + ("options" in o && o.type === 2 ? (o.options?.length ?? 0) : 1), 0);
    process.stdout.write(
      result.scope === "guild"
        ? `Registered /${ROOT_COMMAND} with ${subcommands} subcommands in server ${guildId}.\n`
        : `Registered /${ROOT_COMMAND} with ${subcommands} subcommands globally.\n`,
    );
    process.stdout.write(`Invite the bot to a server with: ${inviteUrl(applicationId)}\n`);
    return 0;
  } catch (error) {
    logger.error("could not register the Discord commands", { error: describeError(error) });
    process.stderr.write("Registration failed. Check DISCORD_TOKEN and DISCORD_APPLICATION_ID, and that the bot was invited with the applications.commands scope.\n");
    return 1;
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(error instanceof ConfigError ? `${error.message}\n` : `discord:register failed: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  },
);
