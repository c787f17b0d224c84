import type { z } from "zod";
import type { Actor, Clock, Platform, Reply } from "./types.js";
import type { Token } from "./tokenize.js";
import type { ClubStore, ClubRow, MemberRow } from "../db/store/club-store.js";
import type { OutboundMessage } from "./outbound.js";

/** What the process serves on the web, for commands that hand out links (the dashboard's). */
export interface WebSettings {
  /** Where browsers reach this process, without a trailing slash: https://warmpath.example.com. */
  publicUrl: string;
  /** DASHBOARD_SECRET; without it each club's link key is kept in the database. */
  dashboardSecret?: string;
}

/** What a command handler gets: everything scoped to one club and one transaction. */
export interface CommandContext {
  club: ClubRow;
  /**
   * The acting member, created on first use by commands that change something. Read-only commands
   * (`createsMember: false`) never create one: for someone who has not joined, using `me` answers
   * with how to join instead.
   */
  me: MemberRow;
  /** The acting member if they are one, without creating or requiring them. */
  member: MemberRow | undefined;
  actor: Actor;
  platform: Platform;
  channelId: string | undefined;
  store: ClubStore;
  clock: Clock;
  /** Queue a message in the outbox, in this command's transaction. */
  send(message: OutboundMessage): Promise<void>;
  /** The declared commands, for help. */
  commands: readonly AnyCommand[];
  /** Absent when this process serves no web pages. */
  web?: WebSettings;
}

export interface CommandDefinition<S extends z.ZodObject> {
  /** One or two words: "who", "goal add". The first word of two is a group (a Discord subcommand group). */
  name: string;
  /** One line, at most 100 characters (Discord's description limit). */
  summary: string;
  /** The grammar as typed: "goal add <text>". */
  usage: string;
  args: S;
  examples?: string[];
  /** help runs without looking the member up at all. */
  needsMember?: boolean;
  /**
   * False for commands that only read (lists, `who`, `export`, the App Home's sections) or that must
   * not bring a member back (`forget-me`): they never create a member, so opening a tab or clicking
   * a button can't make someone a member again after forget-me.
   */
  createsMember?: boolean;
  /**
   * Only reads (lists, `who`, `export`): runs outside a transaction when the member's record needs
   * no update, and may not send. Implies `createsMember: false`.
   */
  readOnly?: boolean;
  /**
   * Only reads with these arguments (`profile` and `config` that show, not change): such a run skips
   * the transaction like a readOnly command's when the member's record needs no update, and may not
   * send; otherwise it runs as usual (and may create the member).
   */
  readOnlyWhen?(args: z.output<S>): boolean;
  /**
   * Reads the member's goals of this week (`goal list`): a read-only run fetches them with the club
   * and the member, so the command costs one round trip to the database.
   */
  readsWeekGoals?: boolean;
  /** Changes the club's schedules: the scheduler reloads after it commits. */
  changesSchedule?: boolean;
  /** For grammars that are not positional (profile's keyword pairs). */
  parseText?: (tokens: Token[]) => Record<string, string | undefined>;
  run(ctx: CommandContext, args: z.output<S>): Promise<Reply>;
}

export type AnyCommand = CommandDefinition<z.ZodObject>;

/** Declares a command once; adapters derive their parsing and option lists from it. */
export function defineCommand<S extends z.ZodObject>(definition: CommandDefinition<S>): AnyCommand {
  if (definition.summary.length > 100) throw new Error(`summary of ${definition.name} is over 100 characters`);
  return definition;
}
