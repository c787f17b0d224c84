import type { Reply } from "../../core/types.js";

/** A reply as plain text: the title, the text, buttons as the commands they run, and any attachment. */
export function renderPlain(reply: Reply): string {
  const lines: string[] = [];
  // The text is complete on its own and may already open with the title.
  if (reply.title && !reply.text.startsWith(reply.title)) lines.push(reply.tone === "error" ? `⚠ ${reply.title}` : reply.title);
  lines.push(reply.tone === "error" && !reply.title ? `⚠ ${reply.text}` : reply.text);
  if (reply.buttons?.length) lines.push(reply.buttons.map((b) => `[${b.label}: ${b.command}]`).join("  "));
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
