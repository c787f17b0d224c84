import type { types } from "@slack/bolt";
import type { Button, LinkButton, Reply } from "../../core/types.js";

export type SlackBlock = types.KnownBlock;

/**
 * The Block Kit limits this renderer designs against. Slack rejects the whole message
 * (`invalid_blocks`) when one is exceeded, so every one of them is enforced here rather than hoped for.
 */
export const SLACK_LIMITS = {
  messageBlocks: 50,
  homeBlocks: 100,
  sectionText: 3000,
  headerText: 150,
  sectionFields: 10,
  fieldText: 2000,
  contextElements: 10,
  buttonText: 75,
  actionId: 255,
  buttonValue: 2000,
  buttonUrl: 3000,
  actionsElements: 25,
  /** Slack truncates `text` at 40 000; notifications show far less, so the fallback stays readable. */
  fallbackText: 3000,
} as const;

/** Every button Warmpath renders has an action_id with this prefix: the adapter listens for exactly these. */
export const ACTION_PREFIX = "warmpath:";

/**
 * Makes text safe for mrkdwn: `&`, `<` and `>` are escaped, so nothing a member typed can become
 * `<!channel>`, `<!here>`, `<!everyone>`, a link or a user-group ping. Member and channel mentions
 * (`<@U123>`, `<#C123>`) are let through again: a member mention pings only that person.
 */
export function escapeMrkdwn(text: string): string {
  return text
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/&lt;@([UW][A-Z0-9]{2,30})(?:\|[^\n]{0,100}?)?&gt;/g, "<@$1>")
    .replace(/&lt;#([CG][A-Z0-9]{2,30})(?:\|[^\n]{0,100}?)?&gt;/g, "<#$1>");
}

/**
 * Slack's escaped slash-command text (should_escape: true) as the member meant it. Member and
 * channel mentions stay as Slack wrote them, because the core reads them; special mentions, links
 * and dates become their plain words; `&lt;`, `&gt;` and `&amp;` become the characters again.
 */
export function fromSlackText(text: string): string {
  return text
    .replace(/<([^<>\n]*)>/g, (whole, inner: string) => {
      if (/^[@#][A-Z0-9]+(\|[^|]*)?$/.test(inner)) return whole;
      const bar = inner.indexOf("|");
      const target = bar === -1 ? inner : inner.slice(0, bar);
      const label = bar === -1 ? undefined : inner.slice(bar + 1);
      if (target.startsWith("!")) {
        if (label) return label;
        const special = /^!(here|channel|everyone)$/.exec(target);
        return special ? `@${special[1]}` : "";
      }
      if (label) return label;
      return target.startsWith("mailto:") ? target.slice("mailto:".length) : target;
    })
    .replace(/&lt;/g, "<")
    .replace(/&gt;/g, ">")
    .replace(/&amp;/g, "&");
}

/** Cuts text to a length, ending in "…", without splitting a surrogate pair. */
export function truncate(text: string, max: number): string {
  if (text.length <= max) return text;
  let cut = max - 1;
  if (/[\uDC00-\uDFFF]/.test(text.charAt(cut))) cut--;
  return `${text.slice(0, cut)}…`;
}

/**
 * Splits text into pieces whose escaped form fits a section. Lines stay whole where they can;
 * escaping happens per piece so an entity like `&amp;` is never cut in two.
 */
export function escapedChunks(text: string, max: number = SLACK_LIMITS.sectionText): string[] {
  const chunks: string[] = [];
  let current = "";
  const flush = () => {
    if (current !== "") chunks.push(current);
    current = "";
  };
  for (const line of text.split("\n")) {
    const escaped = escapeMrkdwn(line);
    const joined = current === "" ? escaped : `${current}\n${escaped}`;
    if (joined.length <= max) {
      current = joined;
      continue;
    }
    flush();
    if (escaped.length <= max) {
      current = escaped;
      continue;
    }
    // One line longer than a section: cut the raw line so that each escaped piece fits.
    let rest = line;
    while (rest !== "") {
      let size = Math.min(rest.length, max);
      let piece = escapeMrkdwn(rest.slice(0, size));
      while (piece.length > max) {
        size -= Math.max(1, Math.ceil((piece.length - max) / 4));
        piece = escapeMrkdwn(rest.slice(0, size));
      }
      if (size < rest.length && /[\uDC00-\uDFFF]/.test(rest.charAt(size))) {
        size--;
        piece = escapeMrkdwn(rest.slice(0, size));
      }
      chunks.push(piece);
      rest = rest.slice(size);
    }
  }
  flush();
  return chunks.length ? chunks : [" "];
}

/** A short, stable action_id: the prefix, the command's verb, and the button's place in the message. */
export function actionIdFor(button: Button, index: number, prefix = ""): string {
  const verb = button.command
    .toLowerCase()
    .split(/\s+/)
    .slice(0, 2)
    .map((w) => w.replace(/[^a-z0-9-]/g, ""))
    .filter(Boolean)
    .join("-")
    .slice(0, 40);
  return `${ACTION_PREFIX}${prefix}${verb || "run"}:${index}`.slice(0, SLACK_LIMITS.actionId);
}

/**
 * Buttons as actions blocks. The value is the command line itself: the core re-parses and re-checks
 * it as whoever clicks, so a forged value can do no more than typing could. A command too long for
 * a value is left out (the text still says how to type it).
 */
export function actionsBlocks(buttons: Button[], prefix = "", links: LinkButton[] = []): SlackBlock[] {
  const elements: types.Button[] = [];
  buttons.forEach((button, index) => {
    if (button.command.length === 0 || button.command.length > SLACK_LIMITS.buttonValue) return;
    elements.push({
      type: "button",
      action_id: actionIdFor(button, index, prefix),
      text: { type: "plain_text", text: truncate(button.label || button.command, SLACK_LIMITS.buttonText), emoji: true },
      value: button.command,
      ...(button.style === "primary" || button.style === "danger" ? { style: button.style } : {}),
    });
  });
  // A link button opens its page in the browser; Slack still sends the click, which the adapter acks (no value: nothing runs).
  links.forEach((link, index) => {
    if (link.url.length > SLACK_LIMITS.buttonUrl) return;
    elements.push({ type: "button", action_id: `${ACTION_PREFIX}${prefix}link:${index}`, text: { type: "plain_text", text: truncate(link.label, SLACK_LIMITS.buttonText), emoji: true }, url: link.url });
  });
  const blocks: SlackBlock[] = [];
  for (let i = 0; i < elements.length; i += SLACK_LIMITS.actionsElements) {
    blocks.push({ type: "actions", elements: elements.slice(i, i + SLACK_LIMITS.actionsElements) });
  }
  return blocks;
}

function context(text: string): SlackBlock {
  return { type: "context", elements: [{ type: "mrkdwn", text: truncate(text, SLACK_LIMITS.sectionText) }] };
}

/**
 * Fields whose value the text does not already say. The core's text is complete on its own, so
 * leaving a field out never loses anything, while repeating one would show everything twice.
 */
function extraFields(reply: Reply) {
  return (reply.fields ?? []).filter((f) => !reply.text.includes(f.value));
}

export interface RenderOptions {
  /** 50 for messages, 100 for the App Home. */
  maxBlocks?: number;
  /** Keeps action_ids distinct when several replies share one view. */
  actionPrefix?: string;
  /** Words before the text, already mrkdwn (mentions the adapter wrote itself). */
  lead?: string;
  /** How the attachment travels, e.g. "sent to you as a direct message". */
  attachmentNote?: string;
}

export interface SlackMessage {
  /** The plain fallback: notifications, screen readers, old clients. */
  text: string;
  blocks: SlackBlock[];
}

/**
 * A reply as Block Kit: a header for the title, the text in sections, fields the text does not
 * already carry, the attachment's name, then the buttons. Always within Slack's limits; when the
 * blocks would be too many, the text is shortened (with a note) before any button is dropped.
 */
export function renderMessage(reply: Reply, options: RenderOptions = {}): SlackMessage {
  const maxBlocks = options.maxBlocks ?? SLACK_LIMITS.messageBlocks;
  const warn = reply.tone === "error" ? "⚠️ " : "";
  const head: SlackBlock[] = [];
  if (reply.title) {
    head.push({ type: "header", text: { type: "plain_text", text: truncate(`${warn}${reply.title}`, SLACK_LIMITS.headerText), emoji: true } });
  }
  if (options.lead) head.push({ type: "section", text: { type: "mrkdwn", text: truncate(options.lead, SLACK_LIMITS.sectionText) } });
  const body = `${reply.title ? "" : warn}${reply.text}`;
  for (const chunk of escapedChunks(body)) head.push({ type: "section", text: { type: "mrkdwn", text: chunk } });
  const fields = extraFields(reply).map((f) => ({
    type: "mrkdwn" as const,
    text: truncate(`*${escapeMrkdwn(f.label)}*\n${escapeMrkdwn(f.value)}`, SLACK_LIMITS.fieldText),
  }));
  for (let i = 0; i < fields.length; i += SLACK_LIMITS.sectionFields) {
    head.push({ type: "section", fields: fields.slice(i, i + SLACK_LIMITS.sectionFields) });
  }

  let tail: SlackBlock[] = [];
  if (reply.attachment) {
    tail.push(context(`📎 ${escapeMrkdwn(reply.attachment.filename)}${options.attachmentNote ? `: ${escapeMrkdwn(options.attachmentNote)}` : ""}`));
  }
  tail.push(...actionsBlocks(reply.buttons ?? [], options.actionPrefix, reply.links));
  tail = tail.slice(0, Math.max(0, maxBlocks - 2));

  let blocks = [...head, ...tail];
  if (blocks.length > maxBlocks) {
    const room = maxBlocks - tail.length - 1;
    blocks = [...head.slice(0, room), context("✂️ This was too long for one Slack message; the rest is in the text version."), ...tail];
  }

  const fallback = escapeMrkdwn(`${reply.title ? `${warn}${reply.title}\n` : ""}${body}`);
  const lead = options.lead ? `${options.lead}\n` : "";
  return { text: truncate(`${lead}${fallback}`, SLACK_LIMITS.fallbackText), blocks };
}

/**
 * The original message of an answered request, shown with its outcome instead of its buttons: the
 * helper sees at a glance that they answered, and there is nothing left to click twice.
 */
export function withOutcome(original: unknown, outcome: Reply): SlackMessage {
  const kept = Array.isArray(original)
    ? original.filter((b): b is SlackBlock => typeof b === "object" && b !== null && (b as { type?: unknown }).type !== "actions")
    : [];
  const mark = outcome.tone === "error" ? "⚠️" : "✅";
  const note: SlackBlock = { type: "section", text: { type: "mrkdwn", text: escapedChunks(`${mark} ${outcome.text}`)[0]! } };
  const blocks = [...kept.slice(0, SLACK_LIMITS.messageBlocks - 1), note];
  return { text: truncate(escapeMrkdwn(`${mark} ${outcome.text}`), SLACK_LIMITS.fallbackText), blocks };
}
