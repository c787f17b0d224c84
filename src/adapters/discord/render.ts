import {
  ButtonStyle,
  ComponentType,
  type APIActionRowComponent,
  type APIButtonComponentWithCustomId,
  type APIButtonComponentWithURL,
  type APIEmbed,
  type APIEmbedField,
} from "discord.js";
import type { Button, Field, LinkButton, Reply } from "../../core/types.js";
import { encodeCustomId } from "./custom-id.js";

/** Discord's message limits (developer docs, "Message" and "Embed Limits", "Component Reference"). */
export const MESSAGE_LIMITS = {
  content: 2000,
  embedTitle: 256,
  embedDescription: 4096,
  embedFields: 25,
  fieldName: 256,
  fieldValue: 1024,
  /** Title, description, field names and values, footer and author of all embeds together. */
  embedTotal: 6000,
  buttonsPerRow: 5,
  rows: 5,
  buttonLabel: 80,
  buttonUrl: 512,
} as const;

const COLOURS = { info: 0x5865f2, success: 0x57f287, error: 0xed4245 } as const;
const CUT = "…";
const ATTACHED = `${CUT}\n(The full text is in the attached file.)`;

export interface RenderedFile {
  name: string;
  data: Buffer;
  contentType: string;
}

/** A reply as a Discord message, in the API's own shapes, for interaction replies and REST posts alike. */
export interface DiscordMessage {
  content?: string;
  embeds: APIEmbed[];
  components: Array<APIActionRowComponent<APIButtonComponentWithCustomId | APIButtonComponentWithURL>>;
  files: RenderedFile[];
  /** Exactly the users named may be pinged; never @everyone, @here or a role, whatever the text says. */
  allowedMentions: { parse: []; users: string[] };
}

export interface RenderOptions {
  /** For DMs: the server the buttons act in (a click in a DM carries no guild). */
  dmGuildId?: string;
  /** Users to mention (and ping) at the top: the members of an intro thread. */
  mention?: readonly string[];
  /** Outside an interaction a notification shows only `content`: put the title there too. */
  notify?: boolean;
}

/**
 * Renders a reply: short plain replies as plain text (as people write on Discord), replies with a
 * title or fields as an embed whose description is the complete text. Buttons become action rows.
 * Everything is cut to Discord's limits here, the only place that knows them; a text too long even
 * for an embed is cut and attached in full, so nothing is lost.
 */
export function renderReply(reply: Reply, options: RenderOptions = {}): DiscordMessage {
  const text = reply.text.trim() || reply.title || CUT;
  const mentions = [...new Set(options.mention ?? [])].filter((id) => /^\d{1,20}$/.test(id));
  const mentionLine = mentions.map((id) => `<@${id}>`).join(" ");
  const files: RenderedFile[] = [];
  const extraFields = (reply.fields ?? []).filter((f) => addsToText(f, text));
  const plain = reply.tone === "error" ? `⚠️ ${text}` : text;
  const plainContent = [mentionLine, plain].filter(Boolean).join("\n");
  const rich = Boolean(reply.title) || extraFields.length > 0 || plainContent.length > MESSAGE_LIMITS.content;

  let content: string | undefined;
  const embeds: APIEmbed[] = [];
  if (rich) {
    embeds.push(embedOf(reply, text, extraFields, files));
    const lead = options.notify ? (reply.title ?? firstLine(text)) : undefined;
    content = truncate([mentionLine, lead].filter(Boolean).join(" "), MESSAGE_LIMITS.content) || undefined;
  } else {
    content = plainContent;
  }
  if (reply.attachment) {
    files.push({ name: safeFilename(reply.attachment.filename), data: Buffer.from(reply.attachment.content, "utf8"), contentType: reply.attachment.contentType });
  }
  return {
    ...(content !== undefined ? { content } : {}),
    embeds,
    components: actionRows(reply.buttons ?? [], options.dmGuildId, reply.links),
    files,
    allowedMentions: { parse: [], users: mentions },
  };
}

/**
 * Fields are a structured view of what `text` already says in full. Shown only when they add to it,
 * so a profile isn't printed twice.
 */
function addsToText(field: Field, text: string): boolean {
  return !text.includes(field.value);
}

function embedOf(reply: Reply, text: string, fields: Field[], files: RenderedFile[]): APIEmbed {
  const title = reply.title ? truncate(reply.title, MESSAGE_LIMITS.embedTitle) : undefined;
  let description = text;
  if (description.length > MESSAGE_LIMITS.embedDescription) {
    description = text.slice(0, MESSAGE_LIMITS.embedDescription - ATTACHED.length) + ATTACHED;
    files.push({ name: "message.txt", data: Buffer.from(text, "utf8"), contentType: "text/plain; charset=utf-8" });
  }
  let total = (title?.length ?? 0) + description.length;
  const embedFields: APIEmbedField[] = [];
  for (const field of fields) {
    if (embedFields.length === MESSAGE_LIMITS.embedFields) break;
    const name = truncate(field.label.trim() || "\u200b", MESSAGE_LIMITS.fieldName);
    const value = truncate(field.value.trim() || "—", MESSAGE_LIMITS.fieldValue);
    if (total + name.length + value.length > MESSAGE_LIMITS.embedTotal) break;
    total += name.length + value.length;
    embedFields.push({ name, value, inline: name.length <= 40 && value.length <= 40 });
  }
  return {
    ...(title ? { title } : {}),
    description,
    color: COLOURS[reply.tone ?? "info"],
    ...(embedFields.length ? { fields: embedFields } : {}),
  };
}

const STYLES: Record<NonNullable<Button["style"]>, ButtonStyle.Primary | ButtonStyle.Secondary | ButtonStyle.Danger> = {
  primary: ButtonStyle.Primary,
  danger: ButtonStyle.Danger,
  default: ButtonStyle.Secondary,
};

/**
 * Up to 25 buttons, five to a row. A button whose command line can't be a custom_id, or repeats
 * one (Discord requires them unique in a message), is left out: the text still names the command.
 */
function actionRows(buttons: readonly Button[], dmGuildId: string | undefined, links: readonly LinkButton[] = []): DiscordMessage["components"] {
  const seen = new Set<string>();
  const rendered: Array<APIButtonComponentWithCustomId | APIButtonComponentWithURL> = [];
  for (const button of buttons) {
    if (rendered.length === MESSAGE_LIMITS.buttonsPerRow * MESSAGE_LIMITS.rows) break;
    const customId = encodeCustomId(button.command.trim(), dmGuildId);
    if (!customId || seen.has(customId)) continue;
    seen.add(customId);
    rendered.push({
      type: ComponentType.Button,
      style: STYLES[button.style ?? "default"],
      label: truncate(button.label.trim() || button.command, MESSAGE_LIMITS.buttonLabel),
      custom_id: customId,
    });
  }
  // Link buttons (style 5) open the page; Discord sends the app no interaction for them.
  for (const link of links) {
    if (rendered.length === MESSAGE_LIMITS.buttonsPerRow * MESSAGE_LIMITS.rows) break;
    if (link.url.length > MESSAGE_LIMITS.buttonUrl) continue;
    rendered.push({ type: ComponentType.Button, style: ButtonStyle.Link, label: truncate(link.label.trim() || link.url, MESSAGE_LIMITS.buttonLabel), url: link.url });
  }
  const rows: DiscordMessage["components"] = [];
  for (let i = 0; i < rendered.length; i += MESSAGE_LIMITS.buttonsPerRow) {
    rows.push({ type: ComponentType.ActionRow, components: rendered.slice(i, i + MESSAGE_LIMITS.buttonsPerRow) });
  }
  return rows;
}

function firstLine(text: string): string {
  return text.split("\n", 1)[0] ?? text;
}

export function truncate(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - CUT.length)}${CUT}`;
}

/** Discord shows the name as given; keep it to a plain file name. */
function safeFilename(name: string): string {
  const cleaned = name.replace(/[^\w.-]+/g, "_").replace(/^[._]+/, "").slice(0, 100);
  return cleaned || "attachment.txt";
}
