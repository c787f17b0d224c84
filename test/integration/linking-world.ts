import { sql } from "drizzle-orm";
import { createCore } from "../../src/core/core.js";
import type { ClubRef, Platform, Reply } from "../../src/core/types.js";
import { queryRows, type Database } from "../../src/db/client.js";
import { findClub } from "../../src/db/store/clubs.js";
import { createDispatcher } from "../../src/outbox/dispatcher.js";
import { createJobRunner } from "../../src/scheduler/runner.js";
import { createLogger } from "../../src/util/logger.js";
import { fakeClock, recordingPort } from "../support/harness.js";
import type { ScheduledJob } from "../../src/core/vocabulary.js";

/** A person as a platform names them. */
export interface Person {
  id: string;
  name: string;
  admin?: boolean;
}

/**
 * One database, the real core and dispatcher, and a recording MessengerPort for Slack and for
 * Discord (our own port interface: what the dispatcher hands each platform is what is recorded).
 */
export function createLinkingWorld(database: Database) {
  const clock = fakeClock();
  const logs: string[] = [];
  const logger = createLogger({ level: "debug", write: (line) => logs.push(line) });
  const slack = recordingPort("slack");
  const discord = recordingPort("discord");
  const dispatcher = createDispatcher({ db: database.db, ports: [slack, discord], logger, clock });
  const core = createCore({ db: database.db, logger, clock });
  const runner = createJobRunner({ db: database.db, clock, logger });
  let next = 0;

  return {
    clock,
    logs,
    slack,
    discord,
    core,
    dispatcher,
    ports: { slack, discord } as Record<"slack" | "discord", ReturnType<typeof recordingPort>>,

    /** A fresh Slack workspace and Discord server (and a spare of each), unknown to the database so far. */
    places() {
      next++;
      return {
        slack: { platform: "slack", externalId: `T${next}`, name: `Slack ${next}` } satisfies ClubRef,
        discord: { platform: "discord", externalId: `G${next}`, name: `Discord ${next}` } satisfies ClubRef,
        slack2: { platform: "slack", externalId: `T${next}b`, name: `Slack ${next}b` } satisfies ClubRef,
        discord2: { platform: "discord", externalId: `G${next}b`, name: `Discord ${next}b` } satisfies ClubRef,
      };
    },

    /** Runs a command line as a person in a place, then delivers what it queued. */
    async as(place: ClubRef, person: Person, text: string, channelId = "general"): Promise<Reply> {
      const reply = await core.handle({
        club: place,
        actor: { platformUserId: person.id, displayName: person.name, isPlatformAdmin: person.admin ?? false },
        channelId,
        via: "text",
        text,
      });
      await dispatcher.drain();
      return reply;
    },

    async clubId(place: ClubRef): Promise<number | undefined> {
      return (await findClub(database.db, place))?.id;
    },

    async runJob(place: ClubRef, job: ScheduledJob) {
      const club = await findClub(database.db, place);
      if (!club) throw new Error("no such club");
      const result = await runner.run(club.id, job, clock.now());
      await dispatcher.drain();
      return result;
    },

    /** Rows per table for one club (or several). */
    async counts(clubIds: number[], tables: string[]): Promise<Record<string, number>> {
      const counts: Record<string, number> = {};
      for (const table of tables) {
        const [row] = await queryRows<{ n: number }>(
          database.db,
          sql`select count(*)::int as n from ${sql.identifier(table)} where club_id = any(${`{${clubIds.join(",")}}`}::int[])`,
        );
        counts[table] = Number(row!.n);
      }
      return counts;
    },

    /** The member behind a platform account, in whichever club holds it. */
    async memberOf(platform: Platform, userId: string): Promise<{ memberId: number; clubId: number } | undefined> {
      const [row] = await queryRows<{ memberId: number; clubId: number }>(
        database.db,
        sql`select member_id as "memberId", club_id as "clubId" from platform_users where platform = ${platform} and platform_user_id = ${userId}`,
      );
      return row ? { memberId: Number(row.memberId), clubId: Number(row.clubId) } : undefined;
    },

    clear() {
      slack.deliveries.length = 0;
      discord.deliveries.length = 0;
    },
  };
}

export type LinkingWorld = ReturnType<typeof createLinkingWorld>;

/** The code in a `config link` / `profile link` answer. */
export function codeIn(reply: Reply): string {
  const match = /\b([2-9A-HJ-KM-NP-Z]{4}-[2-9A-HJ-KM-NP-Z]{4})\b/.exec(reply.text);
  if (!match) throw new Error(`no link code in: ${reply.text}`);
  return match[1]!;
}

/** The tables that hold a club's data, for before/after counts. */
export const CLUB_TABLES = ["members", "platform_users", "goals", "targets", "network_ties", "intros", "activities", "wins", "thanks", "club_organisers", "outbox"];
