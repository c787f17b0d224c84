import os from "node:os";
import readline from "node:readline";
import type { Readable, Writable } from "node:stream";
import type { Core } from "../../core/core.js";
import type { Dispatcher } from "../../outbox/dispatcher.js";
import type { Db } from "../../db/client.js";
import { findClub } from "../../db/store/clubs.js";
import { createClubStore } from "../../db/store/club-store.js";
import type { ClubAddress, MessengerPort } from "../../outbox/port.js";
import type { Invocation, Reply } from "../../core/types.js";
import { memberRefsIn, renderPlain, withConsoleNames, withPrefix } from "./render.js";

export const CONSOLE_CLUB = { platform: "console", externalId: "local", name: "Local club" } as const;

/**
 * A reply with the members it references (`<@#12>`, in buttons that run `intro <@#12> Acme`) named
 * as the console names them (`@bob`), and channels as `#name`. Names it can't look up (no database,
 * or the database is away) stay as they are: naming never costs a reply.
 */
async function readable(db: Db | undefined, clubId: () => Promise<number | undefined>, reply: Reply): Promise<Reply> {
  const ids = memberRefsIn(reply);
  if (!db || ids.length === 0) return withConsoleNames(reply, new Map());
  try {
    const id = await clubId();
    return withConsoleNames(reply, id === undefined ? new Map() : await createClubStore(db, id).members.accounts(ids, "console"));
  } catch {
    return withConsoleNames(reply, new Map());
  }
}

/**
 * The console prints what other platforms would send: DMs, rooms and channel posts, each with a
 * prefix. With the database, members named in them print as their @names.
 */
export function createConsolePort(out: Writable, db?: Db): MessengerPort {
  const print = (text: string) => new Promise<void>((resolve) => out.write(`${text}\n`, () => resolve()));
  const show = async (club: ClubAddress, reply: Reply) => renderPlain(await readable(db, async () => club.clubId, reply));
  return {
    platform: "console",
    sendDirect: async (club, userId, reply) => print(withPrefix(`[DM to @${userId}]`, await show(club, reply))),
    openRoom: async (club, userIds, reply) => print(withPrefix(`[room ${userIds.map((u) => `@${u}`).join(" + ")}]`, await show(club, reply))),
    postToChannel: async (club, channelId, reply) => print(withPrefix(`[#${channelId ?? "club"}]`, await show(club, reply))),
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

/** The person at the keyboard: their login name, or "admin" when that says nothing (root, none). */
export function defaultConsoleUser(): string {
  try {
    const name = os.userInfo().username.replace(/[^\p{L}\p{N}._-]/gu, "").slice(0, 64);
    return name && name !== "root" ? name : "admin";
  } catch {
    return "admin";
  }
}

/**
 * Reads commands line by line and prints replies, then whatever the command queued (the outbox is
 * drained after each line, so output reads in order). Resolves at end of input.
 */
export async function runConsole(options: { core: Core; dispatcher: Dispatcher; input: Readable; output: Writable; db?: Db; defaultUser?: string; prompt?: boolean }): Promise<void> {
  const { core, dispatcher, input, output, db } = options;
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
    await write(renderPlain(await readable(db, async () => (db ? (await findClub(db, CONSOLE_CLUB))?.id : undefined), reply)));
    await dispatcher.drain();
    prompt();
  }
  rl.close();
}
