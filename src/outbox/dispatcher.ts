import { and, eq, inArray, sql } from "drizzle-orm";
import type { Db } from "../db/client.js";
import { clubLinks, outbox, platformUsers } from "../db/schema/index.js";
import type { OutboundMessage } from "../core/outbound.js";
import { systemClock, type Clock, type Platform } from "../core/types.js";
import type { Logger } from "../util/logger.js";
import { DeliveryError, type MessengerPort } from "./port.js";
import { outboxStore } from "../db/store/outbox.js";

export interface DispatcherOptions {
  db: Db;
  ports: MessengerPort[];
  logger: Logger;
  clock?: Clock;
  /** Rows claimed per round. */
  batchSize?: number;
  /** How long a claimed row is ours; after that a crashed sender's row is claimed again. */
  leaseMs?: number;
  /** Give up after this many attempts. */
  maxAttempts?: number;
  /** Poll interval when idle (a command's write also wakes it). */
  pollMs?: number;
}

type Row = typeof outbox.$inferSelect;

/** A platform we were told to slow down for: rows bound for it wait, without spending an attempt. */
class Deferred extends Error {
  constructor(readonly until: Date) {
    super("waiting out a rate limit");
  }
}

/** Backoff for failures without a Retry-After: 2 s, 4 s, 8 s ... capped at 10 minutes. */
export function backoffMs(attempt: number): number {
  return Math.min(2 ** attempt * 1000, 10 * 60_000);
}

/**
 * Delivers the outbox. Rows are claimed with FOR UPDATE SKIP LOCKED, so several processes can
 * run dispatchers on one database without sending a row twice; a row is marked sent right after
 * its delivery, so a crash can repeat at most the message in flight.
 */
export function createDispatcher(options: DispatcherOptions) {
  const clock = options.clock ?? systemClock;
  const batchSize = options.batchSize ?? 20;
  const leaseMs = options.leaseMs ?? 60_000;
  const maxAttempts = options.maxAttempts ?? 8;
  const pollMs = options.pollMs ?? 1000;
  const ports = new Map(options.ports.map((p) => [p.platform, p]));
  const pausedUntil = new Map<Platform, number>();
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<number> | undefined;
  let stopped = true;

  async function claim(): Promise<Row[]> {
    const now = clock.now();
    const leaseUntil = new Date(now.getTime() + leaseMs);
    return options.db.transaction(async (tx) => {
      const due = await tx
        .select({ id: outbox.id })
        .from(outbox)
        .where(
          sql`(${outbox.status} = 'pending' and ${outbox.nextAttemptAt} <= ${now}) or (${outbox.status} = 'sending' and ${outbox.leaseUntil} < ${now})`,
        )
        .orderBy(outbox.id)
        .limit(batchSize)
        .for("update", { skipLocked: true });
      if (due.length === 0) return [];
      return tx
        .update(outbox)
        .set({ status: "sending", leaseUntil, attempts: sql`${outbox.attempts} + 1` })
        .where(inArray(outbox.id, due.map((d) => d.id)))
        .returning();
    });
  }

  /** The member's account on a platform we can deliver to, in this club. */
  async function accountOf(clubId: number, memberId: number): Promise<{ platform: Platform; userId: string } | undefined> {
    const accounts = await options.db
      .select({ platform: platformUsers.platform, userId: platformUsers.platformUserId })
      .from(platformUsers)
      .where(and(eq(platformUsers.clubId, clubId), eq(platformUsers.memberId, memberId)));
    return accounts.find((a) => ports.has(a.platform));
  }

  // A club's workspace or guild id never changes: looked up once per club and platform.
  const addresses = new Map<string, { clubId: number; externalId: string }>();
  async function clubAddress(clubId: number, platform: Platform) {
    const key = `${clubId}:${platform}`;
    const known = addresses.get(key);
    if (known) return known;
    const [link] = await options.db
      .select({ externalId: clubLinks.externalId })
      .from(clubLinks)
      .where(and(eq(clubLinks.clubId, clubId), eq(clubLinks.platform, platform)));
    if (!link) return undefined;
    const address = { clubId, externalId: link.externalId };
    addresses.set(key, address);
    return address;
  }

  /** Hands the message to its platform's port; `target.platform` says which, for settle(). */
  async function deliver(row: Row, target: { platform?: Platform }): Promise<void> {
    const message = row.payload as OutboundMessage;
    const gone = (what: string) => new DeliveryError(what, { permanent: true });
    const portFor = (platform: Platform) => {
      target.platform = platform;
      const paused = pausedUntil.get(platform) ?? 0;
      if (paused > clock.now().getTime()) throw new Deferred(new Date(paused));
      return ports.get(platform)!;
    };
    if (message.kind === "direct") {
      const account = await accountOf(row.clubId, message.to);
      if (!account) throw gone(`member ${message.to} has no account on a running platform`);
      const address = await clubAddress(row.clubId, account.platform);
      if (!address) throw gone(`club ${row.clubId} is not on ${account.platform}`);
      const receipt = await portFor(account.platform).sendDirect(address, account.userId, message.reply);
      if (receipt?.fallback && message.notifyOnFallback !== undefined) {
        await outboxStore(options.db, row.clubId).enqueue(
          {
            kind: "direct",
            to: message.notifyOnFallback,
            about: [message.to],
            dedupeKey: `fallback:${row.id}`,
            reply: { text: `Heads-up: I couldn't message them directly, so your message went to ${receipt.fallback} instead.`, visibility: "private", tone: "info" },
          },
          clock.now(),
        );
      }
    } else if (message.kind === "room") {
      const accounts = await Promise.all(message.members.map((m) => accountOf(row.clubId, m)));
      const first = accounts[0];
      if (!first || accounts.some((a) => !a || a.platform !== first.platform)) throw gone("the members of the room are not all on one running platform");
      const address = await clubAddress(row.clubId, first.platform);
      if (!address) throw gone(`club ${row.clubId} is not on ${first.platform}`);
      await portFor(first.platform).openRoom(address, accounts.map((a) => a!.userId), message.reply);
    } else {
      const links = await options.db.select({ platform: clubLinks.platform }).from(clubLinks).where(eq(clubLinks.clubId, row.clubId));
      const platform = links.map((l) => l.platform).find((p) => ports.has(p));
      if (!platform) throw gone(`club ${row.clubId} is on no running platform`);
      const address = (await clubAddress(row.clubId, platform))!;
      await portFor(platform).postToChannel(address, message.channelId, message.reply);
    }
  }

  /** Only the claim we hold may settle a row: a process whose lease ran out must not undo another's work. */
  const ours = (row: Row) => and(eq(outbox.id, row.id), eq(outbox.status, "sending"), eq(outbox.attempts, row.attempts));

  async function settle(row: Row, error: unknown, platform: Platform | undefined): Promise<void> {
    const now = clock.now();
    if (error === undefined) {
      // Content is dropped once delivered: the outbox is no archive of people's messages.
      await options.db.update(outbox).set({ status: "sent", sentAt: now, payload: null, leaseUntil: null, lastError: null }).where(ours(row));
      return;
    }
    if (error instanceof Deferred) {
      await options.db
        .update(outbox)
        .set({ status: "pending", leaseUntil: null, nextAttemptAt: error.until, attempts: sql`${outbox.attempts} - 1` })
        .where(ours(row));
      return;
    }
    const delivery = error instanceof DeliveryError ? error : new DeliveryError(String((error as Error)?.message ?? error), { permanent: false, cause: error });
    const reason = delivery.message.slice(0, 500);
    // The platform said when to come back (a rate limit): pause it, and don't count the attempt.
    if (!delivery.permanent && delivery.retryAfterMs !== undefined) {
      const until = now.getTime() + Math.max(delivery.retryAfterMs, 1000);
      if (platform) pausedUntil.set(platform, Math.max(pausedUntil.get(platform) ?? 0, until));
      options.logger.info("outbox message rate limited", { id: row.id, platform, inMs: until - now.getTime(), reason });
      await options.db
        .update(outbox)
        .set({ status: "pending", lastError: reason, leaseUntil: null, nextAttemptAt: new Date(until), attempts: sql`${outbox.attempts} - 1` })
        .where(ours(row));
      return;
    }
    if (delivery.permanent || row.attempts >= maxAttempts) {
      options.logger.warn("outbox message failed for good", { id: row.id, club: row.clubId, attempts: row.attempts, reason });
      // The reason stays for operators; the content goes, like a delivered message's.
      await options.db.update(outbox).set({ status: "failed", lastError: reason, leaseUntil: null, payload: null }).where(ours(row));
      return;
    }
    const wait = backoffMs(row.attempts);
    options.logger.info("outbox message will be retried", { id: row.id, attempt: row.attempts, inMs: wait, reason });
    await options.db
      .update(outbox)
      .set({ status: "pending", lastError: reason, leaseUntil: null, nextAttemptAt: new Date(now.getTime() + wait) })
      .where(ours(row));
  }

  /**
   * Renews our lease just before sending: a batch is sent one row after another, and a row must not
   * outlive its lease while waiting its turn. False when another process has taken it meanwhile.
   */
  async function renewLease(row: Row): Promise<boolean> {
    const renewed = await options.db
      .update(outbox)
      .set({ leaseUntil: new Date(clock.now().getTime() + leaseMs) })
      .where(ours(row))
      .returning({ id: outbox.id });
    return renewed.length === 1;
  }

  /** One pass: claims and delivers everything due now. Returns how many rows it handled. */
  async function runOnce(): Promise<number> {
    let handled = 0;
    for (;;) {
      const rows = await claim();
      if (rows.length === 0) return handled;
      const claimedAt = clock.now().getTime();
      for (const row of rows) {
        // Once a third of the batch's lease has gone, renew each row's before sending it, so none
        // is sent after another process may have taken it over.
        if (clock.now().getTime() - claimedAt > leaseMs / 3 && !(await renewLease(row))) continue;
        const target: { platform?: Platform } = {};
        let failure: unknown;
        try {
          await deliver(row, target);
        } catch (error) {
          failure = error ?? new Error("delivery failed");
        }
        await settle(row, failure, target.platform);
        handled++;
      }
    }
  }

  /** Serialises passes within this process; concurrent callers share the pass under way. */
  function pass(): Promise<number> {
    running ??= runOnce().finally(() => {
      running = undefined;
    });
    return running;
  }

  /** When the next pending row falls due, if any. */
  async function nextDue(): Promise<Date | undefined> {
    const [row] = await options.db
      .select({ at: sql<Date>`min(${outbox.nextAttemptAt})`.mapWith(outbox.nextAttemptAt) })
      .from(outbox)
      .where(eq(outbox.status, "pending"));
    return row?.at ?? undefined;
  }

  function schedule(delay: number) {
    if (stopped) return;
    clearTimeout(timer);
    timer = setTimeout(() => {
      pass()
        .catch((error: unknown) => options.logger.error("outbox pass failed", { error }))
        .finally(() => schedule(pollMs));
    }, delay);
    timer.unref?.();
  }

  return {
    runOnce: pass,

    /**
     * Delivers until nothing is due. With waitForRetries, also waits out pending retries (up to
     * maxWaitMs): tests and the console use it to see every message of a command.
     */
    async drain(opts: { waitForRetries?: boolean; maxWaitMs?: number } = {}): Promise<number> {
      const deadline = Date.now() + (opts.maxWaitMs ?? 30_000);
      let total = await pass();
      while (opts.waitForRetries) {
        const due = await nextDue();
        if (!due) break;
        const wait = due.getTime() - clock.now().getTime();
        if (Date.now() + Math.max(wait, 0) > deadline) break;
        if (wait > 0) await new Promise((r) => setTimeout(r, wait));
        total += await pass();
      }
      return total;
    },

    /** Runs in the background until stop(). */
    start() {
      stopped = false;
      schedule(0);
    },

    /** Run a pass soon: a command just queued something. */
    wake() {
      schedule(0);
    },

    async stop() {
      stopped = true;
      clearTimeout(timer);
      await running?.catch(() => undefined);
    },
  };
}

export type Dispatcher = ReturnType<typeof createDispatcher>;
