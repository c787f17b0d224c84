import type { Db } from "../db/client.js";
import { ensureClub, findClub, findClubAndMember, findClubMemberAndGoals, setReachable } from "../db/store/clubs.js";
import { createClubStore, type ClubRow, type ClubStore, type MemberRow } from "../db/store/club-store.js";
import type { KnownGoals } from "../db/store/plans.js";
import type { Logger } from "../util/logger.js";
import { argFields, describeIssues, readTextArgs } from "./args.js";
import type { AnyCommand, CommandContext, WebSettings } from "./command.js";
import { allCommands } from "./commands/index.js";
import { NotJoinedError, UserError } from "./errors.js";
import { isDatabaseUnavailable, isRetryableConflict, isTimeout } from "../db/errors.js";
import { createRegistry } from "./registry.js";
import { errorReply, privateReply } from "./reply.js";
import { isoWeeksAnywhere } from "./dates.js";
import { tokenize } from "./tokenize.js";
import { systemClock, type ClubRef, type Clock, type Invocation, type Reply } from "./types.js";
import type { ReadCache } from "./read-cache.js";

/** A command that keeps losing races to concurrent ones is run at most this many times. */
const MAX_ATTEMPTS = 3;

/** Longest line the core reads; every argument has its own, smaller, limit. */
export const MAX_LINE_LENGTH = 2000;

export interface CoreOptions {
  db: Db;
  logger: Logger;
  clock?: Clock;
  commands?: readonly AnyCommand[];
  /** Called after a command committed outbox messages: wakes the dispatcher. */
  onOutboxWrite?: () => void;
  /** Called after a command changed the club's schedules: reloads the scheduler. */
  onScheduleChange?: () => void;
  /** What the process serves on the web (the dashboard), for commands that link to it. */
  web?: WebSettings;
  /** Keeps what read-only commands read first between commands (on Postgres, with its change feed). */
  readCache?: ReadCache;
}

/** Control characters (NUL above all, which Postgres text refuses) never reach a schema or the database. */
// eslint-disable-next-line no-control-regex -- matching control characters is this pattern's purpose
const CONTROL_CHARACTERS = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F]/g;

function clean<T>(value: T): T {
  return (typeof value === "string" ? value.replace(CONTROL_CHARACTERS, "") : value) as T;
}

type Parsed = { ok: true; command: AnyCommand; args: unknown } | { ok: false; reply: Reply };

/**
 * The command core: turns an invocation from any adapter into a reply. It never throws at an
 * adapter: mistakes become private explanations, failures a short apology (and a log line).
 * The returned promise settles when all of the command's work is committed.
 */
export function createCore(options: CoreOptions) {
  const clock = options.clock ?? systemClock;
  const registry = createRegistry(options.commands ?? allCommands);

  function parse(invocation: Invocation): Parsed {
    let command: AnyCommand | undefined;
    let raw: Record<string, unknown>;
    if (invocation.via === "options") {
      command = invocation.command ? registry.get(invocation.command) : undefined;
      if (!command) return { ok: false, reply: errorReply(`I don't know the command “${invocation.command ?? ""}”. Try \`help\`.`) };
      raw = Object.fromEntries(Object.entries(invocation.options ?? {}).map(([key, value]) => [key, clean(value)]));
    } else {
      const text = clean(invocation.text ?? "");
      if (text.length > MAX_LINE_LENGTH) return { ok: false, reply: errorReply(`That's too long for me (${text.length} characters; the limit is ${MAX_LINE_LENGTH}).`) };
      const resolution = registry.resolve(tokenize(text));
      if (!resolution.ok) return { ok: false, reply: unresolved(resolution) };
      command = resolution.command;
      raw = command.parseText ? command.parseText(resolution.rest) : readTextArgs(argFields(command.args), resolution.rest);
    }
    const fields = argFields(command.args);
    if (typeof raw.__extra === "string") {
      return { ok: false, reply: errorReply(`I didn't expect “${raw.__extra.slice(0, 100)}” after \`${command.name}\`.`, command.usage) };
    }
    const result = command.args.safeParse(raw);
    if (!result.success) return { ok: false, reply: errorReply(`That didn't work: ${describeIssues(result.error, fields, raw)}.`, command.usage) };
    return { ok: true, command, args: result.data };
  }

  function unresolved(resolution: Exclude<ReturnType<typeof registry.resolve>, { ok: true }>): Reply {
    switch (resolution.reason) {
      case "empty":
        return errorReply("Type a command, or `help` to see them all.");
      case "unknown":
        return errorReply(
          `I don't know the command “${resolution.word.slice(0, 40)}”.${resolution.suggestion ? ` Did you mean \`${resolution.suggestion}\`?` : ""} Type \`help\` to see them all.`,
        );
      case "unknown-sub":
        return errorReply(
          `${resolution.word ? `“${resolution.word.slice(0, 40)}” is not a \`${resolution.group}\` command.` : `\`${resolution.group}\` needs a subcommand.`} Try one of:\n${resolution.commands.map((c) => `  ${c.usage}`).join("\n")}`,
        );
    }
  }

  let inFlight = 0;
  let whenIdle: Array<() => void> = [];

  async function handle(invocation: Invocation): Promise<Reply> {
    const parsed = parse(invocation);
    if (!parsed.ok) return parsed.reply;
    inFlight++;
    try {
      return await execute(parsed.command, parsed.args, invocation);
    } finally {
      if (--inFlight === 0) {
        for (const resolve of whenIdle) resolve();
        whenIdle = [];
      }
    }
  }

  /**
   * Runs the command in one transaction. A conflict with another member's concurrent command (a
   * deadlock victim, a lost insert race) runs it again from the start, so it never reaches the user
   * as an apology; the database going away becomes a clear "try again", never a crash.
   */
  async function execute(command: AnyCommand, args: unknown, invocation: Invocation): Promise<Reply> {
    for (let attempt = 1; ; attempt++) {
      let queued = 0;
      let changedClub: number | undefined;
      try {
        const reads = command.readOnly === true || command.readOnlyWhen?.(args as Record<string, unknown>) === true;
        const fast = reads && attempt === 1 ? await readWithoutTransaction(command, args, invocation) : undefined;
        const reply =
          fast ??
          (await options.db.transaction(async (tx) => {
            const now = clock.now();
            const found = await findClubAndMember(tx, invocation.club, invocation.actor.platformUserId);
            const club = found?.club ?? (await ensureClub(tx, invocation.club, now));
            changedClub = club.id;
            const store = createClubStore(tx, club.id);
            const member = command.needsMember === false ? undefined : await actingMember(store, command, invocation, now, found && { member: found.member });
            const context: CommandContext = {
              club,
              member,
              get me(): MemberRow {
                if (!member) throw command.needsMember === false ? new Error(`${command.name} is declared needsMember: false but used ctx.me`) : new NotJoinedError(false);
                return member;
              },
              actor: invocation.actor,
              platform: invocation.club.platform,
              channelId: invocation.channelId,
              store,
              clock,
              commands: registry.commands,
              ...(options.web ? { web: options.web } : {}),
              async send(message) {
                if (await store.outbox.enqueue(message, clock.now())) queued++;
              },
            };
            return command.run(context, args as Record<string, unknown>);
          }));
        // Committed: this process's cached reads of the club go before anyone is answered.
        if (changedClub !== undefined) options.readCache?.forgetClub(changedClub);
        if (queued > 0) options.onOutboxWrite?.();
        if (command.changesSchedule && reply.tone === "success") options.onScheduleChange?.();
        return reply;
      } catch (error) {
        if (error instanceof UserError) return errorReply(error.message, error.usage);
        if (error instanceof NotJoinedError) return notJoinedReply(error.forgotten);
        if (attempt < MAX_ATTEMPTS && isRetryableConflict(error)) {
          options.logger.debug("command conflicted with a concurrent one; running it again", { command: command.name, attempt, error });
          continue;
        }
        const details = { command: command.name, platform: invocation.club.platform, error };
        if (isDatabaseUnavailable(error)) {
          options.logger.warn("command failed: the database is unavailable", details);
          return errorReply(`I can't reach the club's database right now, so \`${command.name}\` was not done. Please try again in a minute.`);
        }
        if (isTimeout(error)) {
          options.logger.warn("command failed: the database took too long", details);
          return errorReply(`The club's database is too busy right now, so \`${command.name}\` was not done. Please try again in a minute.`);
        }
        options.logger.error("command failed", details);
        return errorReply(`Sorry, something went wrong on my side running \`${command.name}\`. Nothing was changed; please try again in a moment.`);
      }
    }
  }

  /**
   * A read-only command of a member whose record needs no update (or one that needs no member, like
   * help) runs on the pool, outside a transaction: two round trips fewer (BEGIN, COMMIT) on the
   * commands people use most. Anything else (a new club or account, an expired pause, a changed
   * name) returns undefined and takes the transaction path.
   */
  async function readWithoutTransaction(command: AnyCommand, args: unknown, invocation: Invocation): Promise<Reply | undefined> {
    const { platform, externalId } = invocation.club;
    const userId = invocation.actor.platformUserId;
    const weeks = isoWeeksAnywhere(clock.now());
    const load = command.readsWeekGoals
      ? () => findClubMemberAndGoals(options.db, invocation.club, userId, weeks)
      : (): Promise<{ club: ClubRow; member: MemberRow | undefined; goals?: KnownGoals | undefined } | undefined> => findClubAndMember(options.db, invocation.club, userId);
    const key = command.readsWeekGoals ? `goals\u0000${platform}\u0000${externalId}\u0000${userId}\u0000${weeks.join(",")}` : `member\u0000${platform}\u0000${externalId}\u0000${userId}`;
    const found = options.readCache ? await options.readCache.read(key, load) : await load();
    if (!found) return undefined;
    // As in a transaction, a command that needs no member neither gets one nor changes one.
    const needsMember = command.needsMember !== false;
    const member = needsMember ? found.member : undefined;
    if (needsMember && (!member || memberNeedsUpdate(member, command, invocation, clock.now()))) return undefined;
    const context: CommandContext = {
      club: found.club,
      member,
      get me(): MemberRow {
        if (!member) throw new Error(`${command.name} is declared needsMember: false but used ctx.me`);
        return member;
      },
      actor: invocation.actor,
      platform: invocation.club.platform,
      channelId: invocation.channelId,
      store: createClubStore(options.db, found.club.id, { goals: found.goals }),
      clock,
      commands: registry.commands,
      ...(options.web ? { web: options.web } : {}),
      send() {
        return Promise.reject(new Error(`${command.name} is read-only here but tried to send a message`));
      },
    };
    return command.run(context, args as Record<string, unknown>);
  }

  /** The name the actor goes by, as the platform sent it. */
  function actorName(invocation: Invocation): string {
    return clean(invocation.actor.displayName).trim().slice(0, 80) || invocation.actor.platformUserId;
  }

  /**
   * Whether using Warmpath changes the member's record: an expired pause ends; a Slack or Discord
   * name follows the platform (the console's is however the line was typed, `@ANA`, so its members
   * keep the name from their first use or their `join`); doing anything answers the prompts.
   */
  function memberNeedsUpdate(member: MemberRow, command: AnyCommand, invocation: Invocation, now: Date): boolean {
    return (
      (member.status === "paused" && member.pausedUntil !== null && member.pausedUntil <= now) ||
      (member.displayName !== actorName(invocation) && (invocation.club.platform !== "console" || command.name === "join")) ||
      member.unansweredPrompts > 0 ||
      member.nudges === "asked"
    );
  }

  function notJoinedReply(forgotten: boolean): Reply {
    const text = forgotten
      ? "You asked me to forget you, so I hold nothing about you and won't until you join again. `join [the role you're looking for]` starts afresh."
      : "You haven't joined the job club yet. `join [the role you're looking for]` makes you a member.";
    return privateReply(text, { title: "Join the club", buttons: [{ label: "Join the club", command: "join", style: "primary" }, { label: "Show commands", command: "help" }] });
  }

  /**
   * The actor's member record. Commands that change something create it on first use, except for
   * an account that used forget-me: only an explicit `join` brings that one back. An expired pause
   * ends here too.
   */
  async function actingMember(
    store: ClubStore,
    command: AnyCommand,
    invocation: Invocation,
    now: Date,
    known?: { member: MemberRow | undefined },
  ): Promise<MemberRow | undefined> {
    const { platform } = invocation.club;
    const { platformUserId } = invocation.actor;
    const name = actorName(invocation);
    let member = known ? known.member : await store.members.findByPlatformUser(platform, platformUserId);
    if (!member) {
      // Reading and clicking never make a member: a button press in an old message, or the App Home
      // opened while forget-me runs, must not bring someone back.
      const forgotten = await store.members.isForgotten(platform, platformUserId);
      if (command.name === "join") {
        if (forgotten) await store.members.unforget(platform, platformUserId);
      } else if (forgotten) {
        throw new NotJoinedError(true);
      } else if (command.createsMember === false || command.readOnly || invocation.via === "button") {
        return undefined;
      }
      return store.members.create({ platform, platformUserId, displayName: name, now });
    }
    if (!memberNeedsUpdate(member, command, invocation, now)) return member;
    if (member.status === "paused" && member.pausedUntil && member.pausedUntil <= now) {
      member = await store.members.endPause(member, now);
    }
    if (member.displayName !== name && (platform !== "console" || command.name === "join")) {
      member = await store.members.update(member.id, { displayName: name }, now);
    }
    // Doing anything answers the prompts: the ignored-prompts count starts over.
    if (member.unansweredPrompts > 0 || member.nudges === "asked") {
      member = await store.members.update(member.id, { unansweredPrompts: 0, nudges: member.nudges === "asked" ? "on" : member.nudges }, now);
    }
    return member;
  }

  /** Resolves once no command is running, or after `timeoutMs`; false when commands were still running. */
  function idle(timeoutMs: number): Promise<boolean> {
    if (inFlight === 0) return Promise.resolve(true);
    return new Promise((resolve) => {
      const timer = setTimeout(() => resolve(false), timeoutMs);
      whenIdle.push(() => {
        clearTimeout(timer);
        resolve(true);
      });
    });
  }

  /** Whether a platform account already is a member of the club; reads only (opening a tab is not joining). */
  async function isMember(club: ClubRef, platformUserId: string): Promise<boolean> {
    const found = await findClub(options.db, club);
    if (!found) return false;
    return (await createClubStore(options.db, found.id).members.findByPlatformUser(club.platform, platformUserId)) !== undefined;
  }

  /** Company names for autocomplete (Discord), from this club only. */
  async function completeCompanies(club: ClubRef, typed: string): Promise<string[]> {
    const found = await findClub(options.db, club);
    if (!found) return [];
    const companies = await createClubStore(options.db, found.id).companies.search(typed.slice(0, 100), 25);
    return companies.map((c) => c.name);
  }

  /**
   * The platform says whether Warmpath can reach these clubs there (a bot removed from a server, or
   * back in it). A club reachable on no platform runs no weekly jobs; its data stays.
   */
  async function setClubsReachable(platform: ClubRef["platform"], externalIds: string[], reachable: boolean): Promise<number> {
    return setReachable(options.db, platform, externalIds, reachable, clock.now());
  }

  return { handle, completeCompanies, isMember, idle, inFlight: () => inFlight, registry, clock, setClubsReachable };
}

export type Core = ReturnType<typeof createCore>;
