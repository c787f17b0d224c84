import type { RawFile } from "discord.js";
import type { DiscordMessage } from "./render.js";

/**
 * A rendered message as Discord's API takes it, for channel posts, interaction answers, edits and
 * follow-ups alike: pings limited to the users the message names, files listed as attachments.
 */
export function wireMessage(message: DiscordMessage, flags?: number): Record<string, unknown> {
  return {
    ...(message.content !== undefined ? { content: message.content } : {}),
    embeds: message.embeds,
    components: message.components,
    allowed_mentions: { parse: [], users: message.allowedMentions.users },
    ...(flags ? { flags } : {}),
    ...(message.files.length > 0 ? { attachments: message.files.map((file, id) => ({ id, filename: file.name })) } : {}),
  };
}

/** The message's files as @discordjs/rest uploads them (multipart, `files[n]`). */
export function wireFiles(message: DiscordMessage): RawFile[] {
  return message.files.map((file) => ({ name: file.name, data: file.data, contentType: file.contentType }));
}
