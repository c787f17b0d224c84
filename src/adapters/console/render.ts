import type { Reply } from "../../core/types.js";

/** A reply as plain text: the title, the text, buttons as the commands they run, and any attachment. */
export function renderPlain(reply: Reply): string {
  const lines: string[] = [];
  // The text is complete on its own and may already open with the title.
  if (reply.title && !reply.text.startsWith(reply.title)) lines.push(reply.tone === "error" ? `⚠ ${reply.title}` : reply.title);
  lines.push(reply.tone === "error" && !reply.title ? `⚠ ${reply.text}` : reply.text);
  if (reply.buttons?.length) lines.push(reply.buttons.map((b) => `[${b.label}: ${b.command}]`).join("  "));
  if (reply.links?.length) lines.push(reply.links.map((l) => `[${l.label}: ${l.url}]`).join("  "));
  if (reply.attachment) lines.push(`--- ${reply.attachment.filename} ---`, reply.attachment.content, "--- end ---");
  return lines.join("\n");
}

/** Every line under a prefix, so private messages and rooms stand out: `[DM to @bob] ...`. */
export function withPrefix(prefix: string, text: string): string {
  return text
    .split("\n")
    .map((line) => `${prefix} ${line}`)
    .join("\n");
}

const MEMBER_REF = /<@#(\d{1,10})>/g;
/** Slack `<#C123|job-club>`, Discord `<#123>`, the console's own `<#job-club>`. */
const CHANNEL_REF = /<#([^>|\s]{1,80})(?:\|([^>]{1,100}))?>/g;

/** The member ids a reply names with the bot's `<@#12>` references (in text, fields and buttons). */
export function memberRefsIn(reply: Reply): number[] {
  const all = [reply.text, ...(reply.fields ?? []).flatMap((f) => [f.label, f.value]), ...(reply.buttons ?? []).map((b) => b.command)].join("\n");
  return [...new Set([...all.matchAll(MEMBER_REF)].map((m) => Number(m[1])))];
}

/**
 * A reply as the console shows it: a member reference becomes the `@name` you would type (so a
 * printed button is a command line that works), a channel reference its `#name`.
 */
export function withConsoleNames(reply: Reply, handles: ReadonlyMap<number, string>): Reply {
  const readable = (text: string) =>
    text.replace(MEMBER_REF, (ref, id: string) => (handles.has(Number(id)) ? `@${handles.get(Number(id))!}` : ref)).replace(CHANNEL_REF, (_ref, id: string, name?: string) => `#${name ?? id}`);
  return {
    ...reply,
    text: readable(reply.text),
    ...(reply.title ? { title: readable(reply.title) } : {}),
    ...(reply.fields ? { fields: reply.fields.map((f) => ({ label: readable(f.label), value: readable(f.value) })) } : {}),
    ...(reply.buttons ? { buttons: reply.buttons.map((b) => ({ ...b, label: readable(b.label), command: readable(b.command) })) } : {}),
  };
}
