import os from "node:os";
import readline from "node:readline";
import type { Readable, Writable } from "node:stream";
import type { Core } from "../../core/core.js";
import type { Invocation } from "../../core/types.js";
import type { Dispatcher } from "../../outbox/dispatcher.js";
import type { MessengerPort } from "../../outbox/port.js";
import { renderPlain, withPrefix } from "./render.js";

export const CONSOLE_CLUB = { platform: "console", externalId: "local", name: "Local club" } as const;

/** The console prints what other platforms would send: DMs, rooms and channel posts, each with a prefix. */
export function createConsolePort(out: Writable): MessengerPort {
  const print = (text: string) => new Promise<void>((resolve) => out.write(`${text}\n`, () => resolve()));
  return {
    platform: "console",
    sendDirect: (_club, userId, reply) => print(withPrefix(`[DM to @${userId}]`, renderPlain(reply))),
    openRoom: (_club, userIds, reply) => print(withPrefix(`[room ${userIds.map((u) => `@${u}`).join(" + ")}]`, renderPlain(reply))),
    postToChannel: (_club, channelId, reply) => print(withPrefix(`[#${channelId ?? "club"}]`, renderPlain(reply))),
  };
}

/**
 * `@alice goal add ...` acts as alice; a line without a name acts as the default user, the person at
 * the keyboard, who is the club's admin (the others are members, refused organiser commands).
 */
export function parseConsoleLine(line: string, defaultUser: string): { user: string; displayName: string; text: string; admin: boolean } {
  const match = /^@([\p{L}\p{N}._-]{1,64})(?:\s+(.*))?$/u.exec(line);
  if (match) return { user: match[1]!.toLowerCase(), displayName: match[1]!, text: match[2] ?? "", admin: false };
  return { user: defaultUser.toLowerCase(), displayName: defaultUser, text: line, admin: true };
}

export function defaultConsoleUser(): string {
  try {
    const name = os.userInfo().username.replace(/[^\p{L}\p{N}._-]/gu, "");
    return name && name !== "root" ? name : "me";
  } catch {
    return "me";
  }
}

/**
 * Reads commands line by line and prints replies, then whatever the command queued (the outbox is
 * drained after each line, so output reads in order). Resolves at end of input.
 */
export async function runConsole(options: { core: Core; dispatcher: Dispatcher; input: Readable; output: Writable; defaultUser?: string; prompt?: boolean }): Promise<void> {
  const { core, dispatcher, input, output } = options;
  const defaultUser = options.defaultUser ?? defaultConsoleUser();
  const rl = readline.createInterface({ input, terminal: false, crlfDelay: Infinity });
  const write = (text: string) => new Promise<void>((resolve) => output.write(`${text}\n`, () => resolve()));
  const prompt = () => {
    if (options.prompt) output.write("> ");
  };
  prompt();
  for await (const rawLine of rl) {
    const line = rawLine.trim();
    if (line === "" || line.startsWith("#")) {
      prompt();
      continue;
    }
    if (line === "quit" || line === "exit") break;
    const { user, displayName, text, admin } = parseConsoleLine(line, defaultUser);
    const invocation: Invocation = {
      club: CONSOLE_CLUB,
      actor: { platformUserId: user, displayName, isPlatformAdmin: admin },
      channelId: "club",
      via: "text",
      text,
    };
    const reply = await core.handle(invocation);
    await write(renderPlain(reply));
    await dispatcher.drain();
    prompt();
  }
  rl.close();
}
