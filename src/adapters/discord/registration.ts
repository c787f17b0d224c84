import { Routes, type REST } from "discord.js";
import { sameCommandSet, type ChatInputCommandJson } from "./command-options.js";

export interface CommandTarget {
  applicationId: string;
  /** Register in one server (changes show at once); without it, globally. */
  guildId?: string;
}

export interface RegistrationResult {
  scope: "guild" | "global";
  changed: boolean;
}

/**
 * Makes Discord's registered commands equal ours with one bulk overwrite (PUT), which also removes
 * commands we no longer declare. Without `force`, reads the registered set first and writes only
 * when it differs: every start checks, but Discord's daily command-create limit is spent only on
 * real changes.
 */
export async function syncCommands(rest: REST, target: CommandTarget, desired: readonly ChatInputCommandJson[], options: { force?: boolean } = {}): Promise<RegistrationResult> {
  const scope = target.guildId ? "guild" : "global";
  const route = target.guildId ? Routes.applicationGuildCommands(target.applicationId, target.guildId) : Routes.applicationCommands(target.applicationId);
  if (!options.force) {
    const registered = await rest.get(route);
    if (Array.isArray(registered) && sameCommandSet(registered, desired)) return { scope, changed: false };
  }
  await rest.put(route, { body: desired });
  return { scope, changed: true };
}
