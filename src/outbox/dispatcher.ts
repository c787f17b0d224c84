import { performance } from "node:perf_hooks";
import { and, eq, inArray, not, sql, type SQL } from "drizzle-orm";
import type { Db } from "../db/client.js";
import { clubLinks, outbox, platformUsers } from "../db/schema/index.js";
import { replyOf, type OutboundMessage } from "../core/outbound.js";
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
  /**
   * How long a claimed row is ours; after that a crashed sender's row is claimed again. Leases are
   * set and checked on the database's clock, so processes whose clocks disagree still agree on them.
   */
  leaseMs?: number;
  /** Give up after this many attempts. */
  maxAttempts?: number;
  /** Poll interval when idle (a command's write also wakes it). */
  pollMs?: number;
  /** Uniform in [0, 1): the jitter of retry backoff. Math.random unless a test fixes it. */
  random?: () => number;
}

type Row = typeof outbox.$inferSelect;

/** A platform we were told to slow down for: rows bound for it wait, without spending an attempt. */
class Deferred extends Error {
  constructor(readonly until: Date) {
    super("waiting out a rate limit");
  }
}

/** The longest wait between attempts. */
export const MAX_BACKOFF_MS = 10 * 60_000;

/**
 * Backoff for failures without a Retry-After, with "equal jitter": half of 2 s, 4 s, 8 s ... (capped
 * at 10 minutes) for certain, plus a random part up to the other half. Messages that failed
 * together (a platform outage in a fan-out) then come back spread out, not all in the same second.
 */
export function backoffMs(attempt: number, random: () => number = Math.random): number {
  const ceiling = Math.min(2 ** attempt * 1000, MAX_BACKOFF_MS);
  const share = Math.min(Math.max(random(), 0), 1);
  return Math.round(ceiling / 2 + share * (ceiling / 2));
}

/**
 * A published rate as a count over a window: platforms state fast limits per second and slow
 * ones per minute (Slack's tiers), so 19.6 a second is 20 in 1,020 ms and 50 a minute is 50 in 60 s.
 */
export function rateWindow(perSecond: number): { count: number; windowMs: number } {
  const count = Math.max(1, Math.ceil(perSecond >= 1 ? perSecond : perSecond * 60));
  return { count, windowMs: (count / perSecond) * 1000 };
}

/** A lease's end on the database's clock: no process's clock is trusted with another's claim. */
const leaseEnd = (leaseMs: number) => sql`clock_timestamp() + ${leaseMs}::double precision * interval '1 millisecond'`;

/**
 * Delivers the outbox. Rows are claimed with FOR UPDATE SKIP LOCKED, so several processes can
 * run dispatchers on one database without sending a row twice; a row is marked sent right after
 * its delivery, so a crash can repeat at most the message in flight.
 */
export function createDispatcher(options: DispatcherOptions) {
  const clock = options.clock ?? systemClock;
  const batchSize = options.batchSize ?? 50;
  const leaseMs = options.leaseMs ?? 60_000;
  const maxAttempts = options.maxAttempts ?? 8;
  const pollMs = options.pollMs ?? 1000;
  const random = options.random ?? Math.random;
  const ports = new Map(options.ports.map((p) => [p.platform, p]));
  const pausedUntil = new Map<Platform, number>();
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<number> | undefined;
  let stopped = true;

  /** The platforms we are waiting out a rate limit for, and when the first of those pauses ends. */
  function pauses(): { platforms: Platform[]; firstEnd: number | undefined } {
    const now = clock.now().getTime();
    const platforms = [...ports.keys()].filter((p) => (pausedUntil.get(p) ?? 0) > now);
    const ends = platforms.map((p) => pausedUntil.get(p)!);
    return { platforms, firstEnd: ends.length ? Math.min(...ends) : undefined };
  }

  /**
   * Rows that can only go to a paused platform: their club is linked to a paused platform and to
   * no running one that isn't. (A row of a club on no running platform is not held: it fails.)
   */
  function held(paused: Platform[]): SQL {
    const linkedTo = (platforms: Platform[]) =>
      sql`exists (select 1 from ${clubLinks} where ${clubLinks.clubId} = ${outbox.clubId} and ${inArray(clubLinks.platform, platforms)})`;
    const running = [...ports.keys()].filter((p) => !paused.includes(p));
    return running.length ? sql`(${linkedTo(paused)} and not ${linkedTo(running)})` : linkedTo(paused);
  }

  /** The end of a pause that made a claim of the pass under way leave rows alone. */
  let skippedUntil: number | undefined;

  async function claim(): Promise<Row[]> {
    const now = clock.now();
    const { platforms: paused, firstEnd } = pauses();
    if (firstEnd !== undefined) skippedUntil = Math.min(skippedUntil ?? firstEnd, firstEnd);
    return options.db.transaction(async (tx) => {
      const due = await tx
        .select({ id: outbox.id })
        .from(outbox)
        .where(
          and(
            // Due on our clock (tests move it); a lease ran out on the database's, like every lease.
            sql`((${outbox.status} = 'pending' and ${outbox.nextAttemptAt} <= ${now}) or (${outbox.status} = 'sending' and ${outbox.leaseUntil} < clock_timestamp()))`,
            // Rows for a platform we are waiting out are left alone, not claimed and handed back one by one.
            paused.length ? not(held(paused)) : undefined,
          ),
        )
        .orderBy(outbox.id)
        .limit(batchSize)
        .for("update", { skipLocked: true });
      if (due.length === 0) return [];
      const claimed = await tx
        .update(outbox)
        .set({ status: "sending", leaseUntil: leaseEnd(leaseMs), attempts: sql`${outbox.attempts} + 1` })
        .where(inArray(outbox.id, due.map((d) => d.id)))
        .returning();
      // RETURNING keeps no order: messages go out in the order they were queued.
      return claimed.sort((a, b) => a.id - b.id);
    });
  }

  /**
   * The member's accounts on platforms we can deliver to, in this club, first-linked first, each
   * with the club's address there. Read with the club's link at every delivery, not cached: linking
   * and unlinking (from any process) change where a club is.
   */
  async function accountsOf(clubId: number, memberId: number): Promise<Array<{ platform: Platform; userId: string; address: { clubId: number; externalId: string } }>> {
    const accounts = await options.db
      .select({ platform: platformUsers.platform, userId: platformUsers.platformUserId, externalId: clubLinks.externalId })
      .from(platformUsers)
      .innerJoin(clubLinks, and(eq(clubLinks.clubId, platformUsers.clubId), eq(clubLinks.platform, platformUsers.platform)))
      .where(and(eq(platformUsers.clubId, clubId), eq(platformUsers.memberId, memberId)))
      .orderBy(platformUsers.id);
    return accounts.filter((a) => ports.has(a.platform)).map((a) => ({ platform: a.platform, userId: a.userId, address: { clubId, externalId: a.externalId } }));
  }

  /** The club's workspace or guild id on a platform. */
  async function clubAddress(clubId: number, platform: Platform) {
    const [link] = await options.db
      .select({ externalId: clubLinks.externalId })
      .from(clubLinks)
      .where(and(eq(clubLinks.clubId, clubId), eq(clubLinks.platform, platform)));
    return link ? { clubId, externalId: link.externalId } : undefined;
  }

  /**
   * Each paced platform's schedule, on this process's monotonic clock: when its next delivery is
   * planned, and when its last deliveries were answered.
   */
  const schedules = new Map<Platform, { next: number; answered: number[] }>();

  /**
   * Waits for the platform's next slot at its published rate, and plans the one after. Two rules:
   * - Deliveries are spread evenly, one interval apart. After a delay (a timer firing late, a slow
   *   lookup, a garbage collection, another process taking the CPU) they catch up on the plan, by
   *   up to a quarter of the window, so delays don't add up to a lower rate; a longer one moves it.
   * - The platform counts a delivery when it arrives, somewhere between our sending it and its
   *   answer, and a slow answer (a delay on either side) lets the next ones crowd in behind it.
   *   So the delivery `count` back must have been answered a whole window before this one starts:
   *   wherever the platform counted the two, they fall in different windows, and no window gets
   *   more than `count` (the platform's rate over its window).
   */
  async function pace(port: MessengerPort): Promise<void> {
    const rate = port.deliveriesPerSecond;
    if (!rate) return;
    const interval = 1000 / rate;
    const { count, windowMs } = rateWindow(rate);
    let schedule = schedules.get(port.platform);
    if (!schedule) schedules.set(port.platform, (schedule = { next: 0, answered: [] }));
    const previous = schedule.answered.length >= count ? schedule.answered[schedule.answered.length - count]! + windowMs : 0;
    const at = Math.max(schedule.next, previous);
    const now = performance.now();
    if (at > now) await new Promise((resolve) => setTimeout(resolve, at - now));
    const started = performance.now();
    schedule.next = Math.max(schedule.next, started - windowMs / 4) + interval;
  }

  /** Notes when a paced platform answered a delivery (see pace). */
  function answered(port: MessengerPort): void {
    const schedule = schedules.get(port.platform);
    if (!schedule || !port.deliveriesPerSecond) return;
    schedule.answered.push(performance.now());
    const { count } = rateWindow(port.deliveriesPerSecond);
    if (schedule.answered.length > count) schedule.answered.splice(0, schedule.answered.length - count);
  }

  /**
   * Where a row goes and how, looked up before its turn: the platform, and the port call to make
   * (with what to do after it). A message that can go nowhere is a permanent DeliveryError.
   */
  interface Route {
    platform: Platform;
    send(port: MessengerPort): Promise<void>;
  }

  async function route(row: Row): Promise<Route> {
    const message = row.payload as OutboundMessage;
    const gone = (what: string) => new DeliveryError(what, { permanent: true });
    if (message.kind === "direct") {
      const [account] = await accountsOf(row.clubId, message.to);
      if (!account) throw gone(`member ${message.to} has no account on a running platform`);
      return {
        platform: account.platform,
        async send(port) {
          const receipt = await port.sendDirect(account.address, account.userId, replyOf(message));
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
        },
      };
    }
    if (message.kind === "room") {
      // The room opens on a platform every member is on (the one named, if any; a member may have two).
      const accounts = await Promise.all(message.members.map((m) => accountsOf(row.clubId, m)));
      const platform = [...ports.keys()].find(
        (p) => (message.platform === undefined || p === message.platform) && accounts.every((mine) => mine.some((a) => a.platform === p)),
      );
      if (!platform) throw gone("the members of the room are not all on one running platform");
      const seats = accounts.map((mine) => mine.find((a) => a.platform === platform)!);
      return { platform, send: (port) => port.openRoom(seats[0]!.address, seats.map((a) => a.userId), message.reply) };
    }
    if (message.kind === "account") {
      if (!ports.has(message.platform)) throw gone(`${message.platform} is not a running platform`);
      const address = await clubAddress(row.clubId, message.platform);
      if (!address) throw gone(`club ${row.clubId} is not on ${message.platform}`);
      return { platform: message.platform, send: async (port) => void (await port.sendDirect(address, message.userId, message.reply)) };
    }
    // A channel id means something on one platform: a post that names its platform goes there only.
    const links = await options.db.select({ platform: clubLinks.platform }).from(clubLinks).where(eq(clubLinks.clubId, row.clubId));
    const platform = links.map((l) => l.platform).find((p) => ports.has(p) && (message.platform === undefined || p === message.platform));
    if (!platform) throw gone(`club ${row.clubId} is on no running platform${message.platform ? ` named ${message.platform}` : ""}`);
    const address = (await clubAddress(row.clubId, platform))!;
    return { platform, send: (port) => port.postToChannel(address, message.channelId, message.reply) };
  }

  /** Only the claim we hold may settle a row: a process whose lease ran out must not undo another's work. */
  const ours = (row: Row) => and(eq(outbox.id, row.id), eq(outbox.status, "sending"), eq(outbox.attempts, row.attempts));

  /** A platform's pause after it rate limited us. */
  type Pause = { platform: Platform; until: Date };

  /** Records the outcome of a delivery. Returns the platform's pause when the platform asked us to wait. */
  async function settle(row: Row, error: unknown, platform: Platform | undefined): Promise<Pause | undefined> {
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
      return platform ? { platform, until: new Date(pausedUntil.get(platform)!) } : undefined;
    }
    if (delivery.permanent || row.attempts >= maxAttempts) {
      options.logger.warn("outbox message failed for good", { id: row.id, club: row.clubId, attempts: row.attempts, reason });
      // The reason stays for operators; the content goes, like a delivered message's.
      await options.db.update(outbox).set({ status: "failed", lastError: reason, leaseUntil: null, payload: null }).where(ours(row));
      return;
    }
    const wait = backoffMs(row.attempts, random);
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
      .set({ leaseUntil: leaseEnd(leaseMs) })
      .where(ours(row))
      .returning({ id: outbox.id });
    return renewed.length === 1;
  }

  /**
   * Hands back, in one statement and without charging an attempt, the rows of a batch we will not
   * send now because a platform asked us to wait: those only that platform can take wait for it;
   * the others are due again at once, for the next claim of this pass.
   */
  async function release(rows: Row[], pause: Pause): Promise<void> {
    if (rows.length === 0) return;
    const claimed = sql.join(rows.map((r) => sql`(${r.id}::bigint, ${r.attempts}::int)`), sql`, `);
    await options.db
      .update(outbox)
      .set({
        status: "pending",
        leaseUntil: null,
        attempts: sql`${outbox.attempts} - 1`,
        nextAttemptAt: sql`case when ${held([...new Set([...pauses().platforms, pause.platform])])} then greatest(${outbox.nextAttemptAt}, ${pause.until}::timestamptz) else ${outbox.nextAttemptAt} end`,
      })
      .where(and(eq(outbox.status, "sending"), sql`(${outbox.id}, ${outbox.attempts}) in (${claimed})`));
  }

  /** A row ready for its turn: where it goes, or why it can't go; `lost` when another process took it. */
  type Prepared = { row: Row; route?: Route; failure?: unknown; lost?: boolean };

  async function prepare(row: Row, claimedAt: number): Promise<Prepared> {
    // Once a third of the batch's lease has gone, renew each row's before sending it, so none is
    // sent after another process may have taken it over.
    if (performance.now() - claimedAt > leaseMs / 3 && !(await renewLease(row))) return { row, lost: true };
    try {
      return { row, route: await route(row) };
    } catch (error) {
      return { row, failure: error ?? new Error("delivery failed") };
    }
  }

  /** Sends a prepared row in its turn (paced); resolves when the platform has answered. */
  async function send(prepared: Prepared): Promise<{ failure: unknown; platform: Platform | undefined }> {
    if (!prepared.route) return { failure: prepared.failure, platform: undefined };
    const { platform } = prepared.route;
    const paused = pausedUntil.get(platform) ?? 0;
    if (paused > clock.now().getTime()) return { failure: new Deferred(new Date(paused)), platform };
    const port = ports.get(platform)!;
    await pace(port);
    try {
      await prepared.route.send(port);
      return { failure: undefined, platform };
    } catch (error) {
      return { failure: error ?? new Error("delivery failed"), platform };
    } finally {
      answered(port);
    }
  }

  /**
   * One pass: claims and delivers everything due now. Returns how many rows it handled.
   *
   * Rows go one at a time, in their order, each in its platform's next slot; the database work
   * around a send happens while the next slot is awaited, not between slots: the next row's route
   * is looked up while this one is sent, this row's outcome is recorded (and the next batch
   * claimed) while the next slot comes round. A row's outcome is recorded before the next row is
   * sent, so a crash repeats at most the message in flight.
   */
  async function runOnce(): Promise<number> {
    let handled = 0;
    let batch = await claim();
    let claimedAt = performance.now();
    let settling: Promise<Pause | undefined> = Promise.resolve(undefined);
    while (batch.length > 0) {
      let following: Promise<Row[]> | undefined;
      let preparing = prepare(batch[0]!, claimedAt);
      let halted = false;
      for (let i = 0; i < batch.length; i++) {
        const prepared = await preparing;
        if (i + 1 < batch.length) preparing = prepare(batch[i + 1]!, claimedAt);
        const pause = await settling;
        settling = Promise.resolve(undefined);
        if (pause) {
          // Rate limited: the rest of the batch goes back in one statement, and the next claims of
          // this pass leave that platform's rows alone until the pause is over.
          if (i + 1 < batch.length) await preparing;
          await release(batch.slice(i), pause);
          halted = true;
          break;
        }
        if (prepared.lost) continue;
        const { failure, platform } = await send(prepared);
        handled++;
        settling = settle(prepared.row, failure, platform);
        // The next batch is claimed while this row's outcome is recorded and the next slot nears.
        if (i + 1 === batch.length) following = claim();
      }
      if (halted) {
        batch = await claim();
      } else {
        batch = following ? await following : await claim();
        // Claimed before the last row's outcome was known: a pause it brought sends this batch back too.
        const pause = await settling;
        settling = Promise.resolve(undefined);
        if (pause) {
          await release(batch, pause);
          batch = await claim();
        }
      }
      claimedAt = performance.now();
    }
    await settling;
    return handled;
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
        // A pass ends early while a platform is paused: come back exactly when the pause is over.
        // (Even when that end has just passed between the claim and now: then at once.)
        .finally(() => {
          const end = skippedUntil;
          skippedUntil = undefined;
          schedule(end === undefined ? pollMs : Math.min(pollMs, Math.max(end - clock.now().getTime(), 0)));
        });
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
      let last = await pass();
      let total = last;
      while (opts.waitForRetries) {
        const due = await nextDue();
        if (!due) break;
        let wait = due.getTime() - clock.now().getTime();
        // Due, yet the last pass took nothing: they wait for a paused platform.
        const { firstEnd } = pauses();
        if (wait <= 0 && last === 0 && firstEnd !== undefined) wait = firstEnd - clock.now().getTime();
        if (Date.now() + Math.max(wait, 0) > deadline) break;
        if (wait > 0) await new Promise((r) => setTimeout(r, wait));
        last = await pass();
        total += last;
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
