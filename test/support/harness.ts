import { createCore, type Core } from "../../src/core/core.js";
import type { Clock, ClubRef, Invocation, Platform, Reply } from "../../src/core/types.js";
import type { Database } from "../../src/db/client.js";
import { createDispatcher, type Dispatcher } from "../../src/outbox/dispatcher.js";
import type { ClubAddress, MessengerPort } from "../../src/outbox/port.js";
import { createLogger, type Logger } from "../../src/util/logger.js";
import { createJobRunner, type RunResult } from "../../src/scheduler/runner.js";
import { findClub } from "../../src/db/store/clubs.js";
import type { ScheduledJob } from "../../src/core/vocabulary.js";

/** A clock tests move by hand. */
export function fakeClock(start = "2026-11-18T10:00:00Z"): Clock & { set(iso: string): void; advance(ms: number): void } {
  let now = new Date(start);
  return {
    now: () => new Date(now),
    set: (iso) => {
      now = new Date(iso);
    },
    advance: (ms) => {
      now = new Date(now.getTime() + ms);
    },
  };
}

export type Delivery =
  | { kind: "direct"; club: ClubAddress; userId: string; reply: Reply }
  | { kind: "room"; club: ClubAddress; userIds: string[]; reply: Reply }
  | { kind: "channel"; club: ClubAddress; channelId: string | null; reply: Reply };

/** A working in-memory platform: records every delivery; can be told to fail the next ones. */
export function recordingPort(platform: Platform = "console") {
  const deliveries: Delivery[] = [];
  const failures: Error[] = [];
  const take = () => {
    const failure = failures.shift();
    if (failure) throw failure;
  };
  const port: MessengerPort & { deliveries: Delivery[]; failNext(error: Error): void } = {
    platform,
    deliveries,
    failNext: (error) => failures.push(error),
    async sendDirect(club, userId, reply) {
      take();
      deliveries.push({ kind: "direct", club, userId, reply });
    },
    async openRoom(club, userIds, reply) {
      take();
      deliveries.push({ kind: "room", club, userIds, reply });
    },
    async postToChannel(club, channelId, reply) {
      take();
      deliveries.push({ kind: "channel", club, channelId, reply });
    },
  };
  return port;
}

export interface Harness {
  core: Core;
  dispatcher: Dispatcher;
  port: ReturnType<typeof recordingPort>;
  clock: ReturnType<typeof fakeClock>;
  logs: string[];
  /** Runs a command line as a user of a club and delivers what it queued. */
  run(user: string, text: string, club?: ClubRef): Promise<Reply>;
  /** The same, as a workspace/guild admin. */
  admin(user: string, text: string, club?: ClubRef): Promise<Reply>;
  /** Runs a scheduled job for a club at a slot (default: now) and delivers what it queued. */
  runJob(job: ScheduledJob, options?: { club?: ClubRef; slot?: Date }): Promise<RunResult>;
  invoke(invocation: Invocation): Promise<Reply>;
}

export const CLUB_A: ClubRef = { platform: "console", externalId: "club-a", name: "Club A" };
export const CLUB_B: ClubRef = { platform: "console", externalId: "club-b", name: "Club B" };

/** The real core, dispatcher and database, with a recording platform and a fake clock. */
export function createHarness(database: Database, options: { logger?: Logger } = {}): Harness {
  const clock = fakeClock();
  const port = recordingPort();
  const logs: string[] = [];
  const logger = options.logger ?? createLogger({ level: "debug", write: (line) => logs.push(line) });
  const dispatcher = createDispatcher({ db: database.db, ports: [port], logger, clock });
  const core = createCore({ db: database.db, logger, clock });
  const invoke = async (invocation: Invocation) => {
    const reply = await core.handle(invocation);
    await dispatcher.drain();
    return reply;
  };
  const runner = createJobRunner({ db: database.db, clock, logger });
  return {
    core,
    dispatcher,
    port,
    clock,
    logs,
    invoke,
    run: (user, text, club = CLUB_A) =>
      invoke({ club, actor: { platformUserId: user.toLowerCase(), displayName: user }, channelId: "general", via: "text", text }),
    admin: (user, text, club = CLUB_A) =>
      invoke({ club, actor: { platformUserId: user.toLowerCase(), displayName: user, isPlatformAdmin: true }, channelId: "general", via: "text", text }),
    async runJob(job, options = {}) {
      const found = await findClub(database.db, options.club ?? CLUB_A);
      if (!found) throw new Error("no such club yet");
      const result = await runner.run(found.id, job, options.slot ?? clock.now());
      await dispatcher.drain();
      return result;
    },
  };
}
