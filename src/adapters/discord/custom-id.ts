/** Discord's limit on a component's `custom_id`. */
export const MAX_CUSTOM_ID = 100;

/**
 * Marks a custom_id that names its server. Command lines start with a command word, never with this.
 * Only buttons sent in DMs need it: a click in a DM arrives without a guild, and a club is a guild.
 */
const GUILD_MARK = "~";
const GUILD_FORM = /^~([0-9a-z]{1,13})~([\s\S]+)$/;

/**
 * A button's custom_id: the command line it runs, so the click is re-parsed and re-checked by the
 * core exactly as if the clicker had typed it. With `guildId` (DM buttons) the server is packed in
 * front, base 36 to spare characters; when that doesn't fit, the bare command line is used and the
 * adapter works the server out on click. Undefined when even the command line is too long.
 */
export function encodeCustomId(command: string, guildId?: string): string | undefined {
  if (guildId && /^\d{1,20}$/.test(guildId)) {
    const withGuild = `${GUILD_MARK}${BigInt(guildId).toString(36)}${GUILD_MARK}${command}`;
    if (withGuild.length <= MAX_CUSTOM_ID) return withGuild;
  }
  return command.length > 0 && command.length <= MAX_CUSTOM_ID ? command : undefined;
}

/**
 * The command line and, for DM buttons, the server a custom_id names. Anyone can send any custom_id,
 * so this is a claim to check, never a permission: the adapter verifies the clicker belongs to that
 * server, and in a server the interaction's own guild always wins.
 */
export function decodeCustomId(customId: string): { command: string; guildId?: string } {
  const match = GUILD_FORM.exec(customId);
  if (!match) return { command: customId };
  return { command: match[2]!, guildId: fromBase36(match[1]!).toString() };
}

function fromBase36(text: string): bigint {
  let value = 0n;
  for (const ch of text) value = value * 36n + BigInt(parseInt(ch, 36));
  return value;
}
