import { z } from "zod";
import {
  ApplicationCommandOptionType,
  ApplicationCommandType,
  ApplicationIntegrationType,
  InteractionContextType,
  type APIApplicationCommandBasicOption,
  type APIApplicationCommandOption,
  type APIApplicationCommandSubcommandGroupOption,
  type APIApplicationCommandSubcommandOption,
  type RESTPostAPIChatInputApplicationCommandsJSONBody,
} from "discord.js";
import { argFields, type ArgField } from "../../core/args.js";
import type { AnyCommand } from "../../core/command.js";

/** The one slash command every Warmpath command lives under: `/jobclub goal add`. */
export const ROOT_COMMAND = "jobclub";
export const ROOT_DESCRIPTION = "Warmpath job club: goals, target companies, warm paths and introductions";

/** Discord's limits for application commands (developer docs, "Application Commands"). */
export const COMMAND_LIMITS = {
  nameLength: 32,
  descriptionLength: 100,
  options: 25,
  choices: 25,
  choiceLength: 100,
  stringLength: 6000,
  /** Sum of names, descriptions and choice names/values of one command. */
  totalCharacters: 8000,
} as const;

/** Discord's name rule for commands and options; names must also be lower case. */
const NAME_PATTERN = /^[-_\p{L}\p{N}]{1,32}$/u;
/** Discord accepts integers within ±2^53. */
const MAX_SAFE = 2 ** 53;

export type ChatInputCommandJson = RESTPostAPIChatInputApplicationCommandsJSONBody;

/**
 * The `/jobclub` application command, generated from the core's declarations: single-word commands
 * become subcommands, two-word commands subcommands of a group named by the first word. Throws when
 * a declaration breaks one of Discord's limits, so a bad declaration fails at start and in tests,
 * not as a 400 from Discord at registration.
 */
export function buildJobclubCommand(commands: readonly AnyCommand[]): ChatInputCommandJson {
  const options: APIApplicationCommandOption[] = [];
  const groups = new Map<string, APIApplicationCommandSubcommandGroupOption>();
  for (const command of commands) {
    const words = command.name.split(" ");
    if (words.length > 2) throw new Error(`command "${command.name}" has more than two words; Discord nests only a group and a subcommand`);
    const [first, second] = words as [string, string | undefined];
    const sub = subcommandOf(second ?? first, command);
    if (!second) {
      options.push(sub);
      continue;
    }
    let group = groups.get(first);
    if (!group) {
      group = { type: ApplicationCommandOptionType.SubcommandGroup, name: first, description: "", options: [] };
      groups.set(first, group);
      options.push(group);
    }
    group.options!.push(sub);
  }
  for (const group of groups.values()) {
    // Groups have no declaration of their own: list what they hold, as Discord shows it under the name.
    group.description = truncate(`${capitalise(group.name)} commands: ${group.options!.map((o) => o.name).join(", ")}`, COMMAND_LIMITS.descriptionLength);
  }
  const json: ChatInputCommandJson = {
    type: ApplicationCommandType.ChatInput,
    name: ROOT_COMMAND,
    description: ROOT_DESCRIPTION,
    // A club is a server: the command is offered in servers only, never in DMs.
    contexts: [InteractionContextType.Guild],
    integration_types: [ApplicationIntegrationType.GuildInstall],
    options,
  };
  const problems = checkApplicationCommand(json);
  if (problems.length > 0) throw new Error(`the /${ROOT_COMMAND} command breaks Discord's limits:\n${problems.map((p) => `  - ${p}`).join("\n")}`);
  return json;
}

function subcommandOf(name: string, command: AnyCommand): APIApplicationCommandSubcommandOption {
  const fields = argFields(command.args);
  const options = fields.map((field) => optionOf(field, command.args.shape[field.name] as z.ZodType));
  // Discord rejects a required option after an optional one; values travel by name, so order is free.
  options.sort((a, b) => Number(b.required ?? false) - Number(a.required ?? false));
  return { type: ApplicationCommandOptionType.Subcommand, name, description: command.summary, options };
}

function optionOf(field: ArgField, schema: z.ZodType): APIApplicationCommandBasicOption {
  const { meta } = field;
  const base = { name: field.name, description: field.description, required: meta.required };
  switch (meta.kind) {
    case "mention":
      return { ...base, type: ApplicationCommandOptionType.User };
    case "int": {
      const bounds = jsonSchemaOf(schema);
      return {
        ...base,
        type: ApplicationCommandOptionType.Integer,
        ...(typeof bounds.minimum === "number" ? { min_value: Math.max(bounds.minimum, -MAX_SAFE) } : {}),
        ...(typeof bounds.maximum === "number" ? { max_value: Math.min(bounds.maximum, MAX_SAFE) } : {}),
      };
    }
    case "choice":
      return { ...base, type: ApplicationCommandOptionType.String, choices: (meta.choices ?? []).map((c) => ({ name: c, value: c })) };
    case "word":
    case "text": {
      const bounds = jsonSchemaOf(schema);
      const maxLength = meta.maxLength ?? (typeof bounds.maxLength === "number" ? bounds.maxLength : undefined);
      return {
        ...base,
        type: ApplicationCommandOptionType.String,
        ...(typeof bounds.minLength === "number" && bounds.minLength > 0 ? { min_length: bounds.minLength } : {}),
        ...(maxLength !== undefined ? { max_length: maxLength } : {}),
        ...(meta.autocomplete ? { autocomplete: true } : {}),
      };
    }
  }
}

/** The bounds zod knows (min/max of numbers and strings), read through its public JSON Schema export. */
function jsonSchemaOf(schema: z.ZodType): { minimum?: unknown; maximum?: unknown; minLength?: unknown; maxLength?: unknown } {
  try {
    return z.toJSONSchema(schema, { io: "output", unrepresentable: "any" });
  } catch {
    return {};
  }
}

/** Every way a command breaks Discord's rules, in words; empty when Discord would accept it. */
export function checkApplicationCommand(command: ChatInputCommandJson): string[] {
  const problems: string[] = [];
  let total = 0;
  const count = (...texts: Array<string | undefined>) => {
    for (const t of texts) total += t?.length ?? 0;
  };
  const checkName = (where: string, name: string) => {
    if (!NAME_PATTERN.test(name)) problems.push(`${where}: name "${name}" must be 1-${COMMAND_LIMITS.nameLength} letters, digits, - or _`);
    else if (name !== name.toLowerCase()) problems.push(`${where}: name "${name}" must be lower case`);
  };
  const checkDescription = (where: string, description: string | undefined) => {
    const length = description?.length ?? 0;
    if (length < 1 || length > COMMAND_LIMITS.descriptionLength) problems.push(`${where}: description must be 1-${COMMAND_LIMITS.descriptionLength} characters (has ${length})`);
  };
  const checkUnique = (where: string, options: readonly APIApplicationCommandOption[]) => {
    const seen = new Set<string>();
    for (const o of options) {
      if (seen.has(o.name)) problems.push(`${where}: two options are named "${o.name}"`);
      seen.add(o.name);
    }
    if (options.length > COMMAND_LIMITS.options) problems.push(`${where}: ${options.length} options (at most ${COMMAND_LIMITS.options})`);
  };

  const checkBasic = (where: string, option: APIApplicationCommandBasicOption) => {
    checkName(where, option.name);
    checkDescription(where, option.description);
    count(option.name, option.description);
    if (option.type === ApplicationCommandOptionType.String || option.type === ApplicationCommandOptionType.Integer || option.type === ApplicationCommandOptionType.Number) {
      const choices = "choices" in option ? (option.choices ?? []) : [];
      if (choices.length > COMMAND_LIMITS.choices) problems.push(`${where}: ${choices.length} choices (at most ${COMMAND_LIMITS.choices})`);
      if (choices.length > 0 && "autocomplete" in option && option.autocomplete) problems.push(`${where}: autocomplete and choices can't go together`);
      for (const choice of choices) {
        const value = String(choice.value);
        if (choice.name.length < 1 || choice.name.length > COMMAND_LIMITS.choiceLength) problems.push(`${where}: choice "${choice.name}" must be 1-${COMMAND_LIMITS.choiceLength} characters`);
        if (value.length > COMMAND_LIMITS.choiceLength) problems.push(`${where}: choice value "${value.slice(0, 20)}…" is over ${COMMAND_LIMITS.choiceLength} characters`);
        count(choice.name, value);
      }
    }
    if (option.type === ApplicationCommandOptionType.String) {
      const { min_length: min, max_length: max } = option;
      if (max !== undefined && (max < 1 || max > COMMAND_LIMITS.stringLength)) problems.push(`${where}: max_length must be 1-${COMMAND_LIMITS.stringLength}`);
      if (min !== undefined && (min < 0 || min > COMMAND_LIMITS.stringLength)) problems.push(`${where}: min_length must be 0-${COMMAND_LIMITS.stringLength}`);
      if (min !== undefined && max !== undefined && min > max) problems.push(`${where}: min_length is above max_length`);
    }
    if (option.type === ApplicationCommandOptionType.Integer) {
      for (const bound of [option.min_value, option.max_value]) {
        if (bound !== undefined && (!Number.isInteger(bound) || Math.abs(bound) > MAX_SAFE)) problems.push(`${where}: integer bounds must be whole numbers within ±2^53`);
      }
    }
  };

  const checkSubcommand = (where: string, sub: APIApplicationCommandSubcommandOption) => {
    checkName(where, sub.name);
    checkDescription(where, sub.description);
    count(sub.name, sub.description);
    const options = sub.options ?? [];
    checkUnique(where, options);
    let optionalSeen = false;
    for (const option of options) {
      const at = `${where} ${option.name}`;
      if ((option.type as number) === ApplicationCommandOptionType.Subcommand || (option.type as number) === ApplicationCommandOptionType.SubcommandGroup) {
        problems.push(`${at}: a subcommand can't contain subcommands`);
        continue;
      }
      if (option.required && optionalSeen) problems.push(`${at}: required options must come before optional ones`);
      if (!option.required) optionalSeen = true;
      checkBasic(at, option);
    }
  };

  const root = `/${command.name}`;
  checkName(root, command.name);
  checkDescription(root, command.description);
  count(command.name, command.description);
  const top = command.options ?? [];
  checkUnique(root, top);
  const nested = top.filter((o) => o.type === ApplicationCommandOptionType.Subcommand || o.type === ApplicationCommandOptionType.SubcommandGroup);
  if (nested.length > 0 && nested.length !== top.length) problems.push(`${root}: subcommands can't be mixed with plain options`);
  for (const option of top) {
    const at = `${root} ${option.name}`;
    if (option.type === ApplicationCommandOptionType.SubcommandGroup) {
      checkName(at, option.name);
      checkDescription(at, option.description);
      count(option.name, option.description);
      const subs = option.options ?? [];
      checkUnique(at, subs);
      if (subs.length === 0) problems.push(`${at}: a group needs at least one subcommand`);
      for (const sub of subs) {
        if ((sub.type as number) !== ApplicationCommandOptionType.Subcommand) problems.push(`${at} ${sub.name}: a group holds subcommands only`);
        else checkSubcommand(`${at} ${sub.name}`, sub);
      }
    } else if (option.type === ApplicationCommandOptionType.Subcommand) {
      checkSubcommand(at, option);
    } else {
      checkBasic(at, option);
    }
  }
  if (total > COMMAND_LIMITS.totalCharacters) problems.push(`${root}: ${total} characters in names, descriptions and choices (at most ${COMMAND_LIMITS.totalCharacters})`);
  return problems;
}

/** How many characters Discord counts against the 8000 limit. */
export function commandSize(command: ChatInputCommandJson): number {
  let total = command.name.length + command.description.length;
  const walk = (options: readonly APIApplicationCommandOption[] | undefined) => {
    for (const o of options ?? []) {
      total += o.name.length + o.description.length;
      if ("choices" in o) for (const c of o.choices ?? []) total += c.name.length + String(c.value).length;
      if ("options" in o) walk(o.options);
    }
  };
  walk(command.options);
  return total;
}

/** One option of a received interaction, as discord.js hands them over (`interaction.options.data`). */
export interface ReceivedOption {
  name: string;
  type: ApplicationCommandOptionType;
  value?: string | number | boolean | undefined;
  options?: readonly ReceivedOption[] | undefined;
}

/**
 * The core's command name and raw option values from a `/jobclub` interaction, keyed by the zod field
 * names. A USER option becomes `<@id>` (what the core's mention parser reads); numbers stay numbers;
 * everything is re-validated by the command's zod schema.
 */
export function readInteractionOptions(data: readonly ReceivedOption[]): { command: string; options: Record<string, string | number | boolean> } | undefined {
  const [first] = data;
  if (!first) return undefined;
  let path: string[];
  let leaves: readonly ReceivedOption[];
  if (first.type === ApplicationCommandOptionType.SubcommandGroup) {
    const sub = first.options?.[0];
    if (!sub || sub.type !== ApplicationCommandOptionType.Subcommand) return undefined;
    path = [first.name, sub.name];
    leaves = sub.options ?? [];
  } else if (first.type === ApplicationCommandOptionType.Subcommand) {
    path = [first.name];
    leaves = first.options ?? [];
  } else {
    return undefined;
  }
  const options: Record<string, string | number | boolean> = {};
  for (const leaf of leaves) {
    if (leaf.value === undefined) continue;
    if (leaf.type === ApplicationCommandOptionType.User) options[leaf.name] = `<@${String(leaf.value)}>`;
    else if (leaf.type === ApplicationCommandOptionType.String || leaf.type === ApplicationCommandOptionType.Integer || leaf.type === ApplicationCommandOptionType.Number || leaf.type === ApplicationCommandOptionType.Boolean) {
      options[leaf.name] = leaf.value;
    }
  }
  return { command: path.join(" "), options };
}

/**
 * Whether what Discord has registered already matches what we would register. Discord answers with
 * extra fields (ids, versions, defaults), so both sides are reduced to what we declare first.
 */
export function sameCommandSet(registered: readonly unknown[], desired: readonly ChatInputCommandJson[]): boolean {
  const normalise = (list: readonly unknown[]) => JSON.stringify(list.map(normaliseCommand).sort((a, b) => a.name.localeCompare(b.name)));
  return normalise(registered) === normalise(desired);
}

type Loose = Record<string, unknown>;

function normaliseCommand(value: unknown) {
  const c = (value ?? {}) as Loose;
  return {
    name: typeof c.name === "string" ? c.name : "",
    description: typeof c.description === "string" ? c.description : "",
    type: Number(c.type ?? ApplicationCommandType.ChatInput),
    contexts: Array.isArray(c.contexts) ? [...(c.contexts as number[])].sort() : null,
    integration_types: Array.isArray(c.integration_types) ? [...(c.integration_types as number[])].sort() : null,
    default_member_permissions: c.default_member_permissions ?? null,
    nsfw: Boolean(c.nsfw),
    options: normaliseOptions(c.options),
  };
}

function normaliseOptions(value: unknown): unknown[] {
  if (!Array.isArray(value)) return [];
  return value.map((raw) => {
    const o = (raw ?? {}) as Loose;
    const type = Number(o.type);
    const nested = type === ApplicationCommandOptionType.Subcommand || type === ApplicationCommandOptionType.SubcommandGroup;
    return {
      type,
      name: o.name,
      description: o.description,
      required: nested ? undefined : Boolean(o.required),
      autocomplete: nested ? undefined : Boolean(o.autocomplete),
      choices: Array.isArray(o.choices) ? (o.choices as Loose[]).map((ch) => ({ name: ch.name, value: ch.value })) : undefined,
      min_value: o.min_value ?? undefined,
      max_value: o.max_value ?? undefined,
      min_length: o.min_length ?? undefined,
      max_length: o.max_length ?? undefined,
      options: nested ? normaliseOptions(o.options) : undefined,
    };
  });
}

function truncate(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

function capitalise(word: string): string {
  return word.charAt(0).toUpperCase() + word.slice(1);
}
