import { performance } from "node:perf_hooks";
import { and, eq, inArray, not, sql, type SQL } from "drizzle-orm";
import type { Db } from "../db/client.js";
import { clubLinks, outbox, platformUsers } from "../db/schema/index.js";
import { replyOf, type OutboundMessage } from "../core/outbound.js";
import { systemClock, type Clock, type Platform } from "../core/types.js";
import type { Logger } from "../util/logger.js";
import { DeliveryError, type MessengerPort } from "./port.js";
import { outboxStore } from "../db/store/outbox.js";
import { expandFanouts } from "../db/store/fanouts.js";

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

/**
 * Where deliveries queue up and are paced: a platform, or for a platform whose limits are per
 * workspace (Slack: each workspace has its own token and its own limits) one workspace of it.
 */
interface LaneRef {
  platform: Platform;
  /** Set for a workspace's lane; unset, the lane is the whole platform's. */
  externalId?: string;
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
 * its delivery, so a crash can repeat at most the message in flight in each lane (see runOnce).
 */
export function createDispatcher(options: DispatcherOptions) {
  const clock = options.clock ?? systemClock;
  const batchSize = options.batchSize ?? 50;
  const leaseMs = options.leaseMs ?? 60_000;
  const maxAttempts = options.maxAttempts ?? 8;
  const pollMs = options.pollMs ?? 1000;
  const random = options.random ?? Math.random;
  const ports = new Map(options.ports.map((p) => [p.platform, p]));
  /** A club's rows waiting in lanes: a club with this many gets no more until some have gone. */
  const clubShare = Math.max(1, Math.ceil(batchSize / 2));
  /** Rows waiting in all lanes together: no more are claimed beyond this. */
  const queuedLimit = batchSize * 10;
  /** Lanes we were told to slow down for (by lane key): until when, on the dispatcher's clock. */
  const pausedUntil = new Map<string, { lane: LaneRef; until: number }>();
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<number> | undefined;
  let stopped = true;
  /** Set by stop(): the pass under way hands back what its lanes hold instead of sending it. */
  let halting = false;
  /** Wakes a pass waiting for its lanes to make room: new rows were queued, or it must stop. */
  let nudge: (() => void) | undefined;

  const laneKey = (lane: LaneRef) => (lane.externalId === undefined ? lane.platform : `${lane.platform}/${lane.externalId}`);
  const laneOf = (platform: Platform, externalId: string): LaneRef =>
    ports.get(platform)?.pacedPer === "workspace" ? { platform, externalId } : { platform };

  /** The lanes we are waiting out a rate limit for, and when the first of those pauses ends. */
  function pauses(): { lanes: LaneRef[]; firstEnd: number | undefined } {
    const now = clock.now().getTime();
    for (const [key, pause] of pausedUntil) if (pause.until <= now) pausedUntil.delete(key);
    const active = [...pausedUntil.values()];
    return { lanes: active.map((p) => p.lane), firstEnd: active.length ? Math.min(...active.map((p) => p.until)) : undefined };
  }

  /**
   * Rows that can only go to a paused lane: their club is on a paused lane, and on no running
   * platform outside one. (A row of a club on no running platform is not held: it fails.)
   */
  function held(paused: LaneRef[]): SQL {
    const inPaused = sql.join(
      paused.map((lane) =>
        lane.externalId === undefined
          ? sql`${clubLinks.platform} = ${lane.platform}`
          : sql`(${clubLinks.platform} = ${lane.platform} and ${clubLinks.externalId} = ${lane.externalId})`,
      ),
      sql` or `,
    );
    const ofRow = sql`${clubLinks.clubId} = ${outbox.clubId}`;
    return sql`(exists (select 1 from ${clubLinks} where ${ofRow} and (${inPaused}))
      and not exists (select 1 from ${clubLinks} where ${ofRow} and ${inArray(clubLinks.platform, [...ports.keys()])} and not (${inPaused})))`;
  }

  /**
   * The earliest end of a pause the pass under way met, in a claim that left rows alone or in a lane
   * told to wait: the pass comes back then, not at its next poll. Both places note it, since a lane
   * can be told to wait after the pass's last claim has begun.
   */
  let comeBackAt: number | undefined;
  const comeBackBy = (end: number) => (comeBackAt = Math.min(comeBackAt ?? end, end));

  /** Claims up to `limit` due rows, leaving alone those only a paused lane takes and those of `busyClubs`. */
  async function claim(limit: number, busyClubs: number[]): Promise<Row[]> {
    const now = clock.now();
    const { lanes: paused, firstEnd } = pauses();
    if (firstEnd !== undefined) comeBackBy(firstEnd);
    return options.db.transaction(async (tx) => {
      const due = await tx
        .select({ id: outbox.id })
        .from(outbox)
        .where(
          and(
            // Due on our clock (tests move it); a lease ran out on the database's, like every lease.
            sql`((${outbox.status} = 'pending' and ${outbox.nextAttemptAt} <= ${now}) or (${outbox.status} = 'sending' and ${outbox.leaseUntil} < clock_timestamp()))`,
            // Rows for a lane we are waiting out are left alone, not claimed and handed back one by one.
            paused.length ? not(held(paused)) : undefined,
            // A club with a lane full of its rows waits, so one club's fan-out doesn't crowd out the rest.
            busyClubs.length ? not(inArray(outbox.clubId, busyClubs)) : undefined,
          ),
        )
        .orderBy(outbox.id)
        .limit(limit)
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
   * Each paced lane's schedule, on this process's monotonic clock: when its next delivery is
   * planned, and when its last deliveries were answered.
   */
  const schedules = new Map<string, { next: number; answered: number[] }>();

  /**
   * Waits for the lane's next slot at its platform's published rate, and plans the one after. Two rules:
   * - Deliveries are spread evenly, one interval apart. After a delay (a timer firing late, a slow
   *   lookup, a garbage collection, another process taking the CPU) they catch up on the plan, by
   *   up to a quarter of the window, so delays don't add up to a lower rate; a longer one moves it.
   * - The platform counts a delivery when it arrives, somewhere between our sending it and its
   *   answer, and a slow answer (a delay on either side) lets the next ones crowd in behind it.
   *   So the delivery `count` back must have been answered a whole window before this one starts:
   *   wherever the platform counted the two, they fall in different windows, and no window gets
   *   more than `count` (the platform's rate over its window).
   */
  async function pace(lane: string, port: MessengerPort): Promise<void> {
    const rate = port.deliveriesPerSecond;
    if (!rate) return;
    const interval = 1000 / rate;
    const { count, windowMs } = rateWindow(rate);
    let schedule = schedules.get(lane);
    if (!schedule) schedules.set(lane, (schedule = { next: 0, answered: [] }));
    const previous = schedule.answered.length >= count ? schedule.answered[schedule.answered.length - count]! + windowMs : 0;
    const at = Math.max(schedule.next, previous);
    const now = performance.now();
    if (at > now) await new Promise((resolve) => setTimeout(resolve, at - now));
    const started = performance.now();
    schedule.next = Math.max(schedule.next, started - windowMs / 4) + interval;
  }

  /** Notes when a paced lane's delivery was answered (see pace). */
  function answered(lane: string, port: MessengerPort): void {
    const schedule = schedules.get(lane);
    if (!schedule || !port.deliveriesPerSecond) return;
    schedule.answered.push(performance.now());
    const { count } = rateWindow(port.deliveriesPerSecond);
    if (schedule.answered.length > count) schedule.answered.splice(0, schedule.answered.length - count);
  }

  /** Forgets the schedules of lanes quiet for longer than any window (a minute): they start afresh. */
  function forgetQuietLanes(): void {
    const now = performance.now();
    for (const [lane, schedule] of schedules) {
      const last = schedule.answered.at(-1) ?? 0;
      if (schedule.next < now && last + 2 * 60_000 < now) schedules.delete(lane);
    }
  }

  /**
   * Where a row goes and how, looked up before its turn: the lane (platform, and workspace where
   * limits are per workspace), and the port call to make (with what to do after it). A message
   * that can go nowhere is a permanent DeliveryError.
   */
  interface Route {
    lane: LaneRef;
    send(port: MessengerPort): Promise<void>;
  }

  async function routeOf(row: Row): Promise<Route> {
    const message = row.payload as OutboundMessage;
    const gone = (what: string) => new DeliveryError(what, { permanent: true });
    if (message.kind === "direct") {
      const [account] = await accountsOf(row.clubId, message.to);
      if (!account) throw gone(`member ${message.to} has no account on a running platform`);
      return {
        lane: laneOf(account.platform, account.address.externalId),
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
      return { lane: laneOf(platform, seats[0]!.address.externalId), send: (port) => port.openRoom(seats[0]!.address, seats.map((a) => a.userId), message.reply) };
    }
    if (message.kind === "account") {
      if (!ports.has(message.platform)) throw gone(`${message.platform} is not a running platform`);
      const address = await clubAddress(row.clubId, message.platform);
      if (!address) throw gone(`club ${row.clubId} is not on ${message.platform}`);
      return { lane: laneOf(message.platform, address.externalId), send: async (port) => void (await port.sendDirect(address, message.userId, message.reply)) };
    }
    // A channel id means something on one platform: a post that names its platform goes there only.
    const links = await options.db.select({ platform: clubLinks.platform }).from(clubLinks).where(eq(clubLinks.clubId, row.clubId));
    const platform = links.map((l) => l.platform).find((p) => ports.has(p) && (message.platform === undefined || p === message.platform));
    if (!platform) throw gone(`club ${row.clubId} is on no running platform${message.platform ? ` named ${message.platform}` : ""}`);
    const address = (await clubAddress(row.clubId, platform))!;
    return { lane: laneOf(platform, address.externalId), send: (port) => port.postToChannel(address, message.channelId, message.reply) };
  }

  /** Only the claim we hold may settle a row: a process whose lease ran out must not undo another's work. */
  const ours = (row: Row) => and(eq(outbox.id, row.id), eq(outbox.status, "sending"), eq(outbox.attempts, row.attempts));

  /** Rows we hold, matched by id and claim in one statement. */
  const oursAll = (rows: Row[]) =>
    and(eq(outbox.status, "sending"), sql`(${outbox.id}, ${outbox.attempts}) in (${sql.join(rows.map((r) => sql`(${r.id}::bigint, ${r.attempts}::int)`), sql`, `)})`);

  /** Records the outcome of a delivery; a rate limit pauses the lane (see pausedUntil). */
  async function settle(row: Row, error: unknown, lane: LaneRef | undefined): Promise<void> {
    const now = clock.now();
    if (error === undefined) {
      // Content is dropped once delivered: the outbox is no archive of people's messages.
      await options.db.update(outbox).set({ status: "sent", sentAt: now, payload: null, leaseUntil: null, lastError: null }).where(ours(row));
      return;
    }
    const delivery = error instanceof DeliveryError ? error : new DeliveryError(String((error as Error)?.message ?? error), { permanent: false, cause: error });
    const reason = delivery.message.slice(0, 500);
    // The platform said when to come back (a rate limit): pause the lane, and don't count the attempt.
    if (!delivery.permanent && delivery.retryAfterMs !== undefined) {
      let until = now.getTime() + Math.max(delivery.retryAfterMs, 1000);
      if (lane) {
        until = Math.max(pausedUntil.get(laneKey(lane))?.until ?? 0, until);
        pausedUntil.set(laneKey(lane), { lane, until });
        comeBackBy(until);
      }
      options.logger.info("outbox message rate limited", { id: row.id, lane: lane && laneKey(lane), inMs: until - now.getTime(), reason });
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
    const wait = backoffMs(row.attempts, random);
    options.logger.info("outbox message will be retried", { id: row.id, attempt: row.attempts, inMs: wait, reason });
    await options.db
      .update(outbox)
      .set({ status: "pending", lastError: reason, leaseUntil: null, nextAttemptAt: new Date(now.getTime() + wait) })
      .where(ours(row));
  }

  /**
   * Hands back, in one statement and without charging an attempt, rows we hold and will not send
   * now: due again at `at` (a paused lane's end), or as they were (a dispatcher stopping).
   */
  async function handBack(rows: Row[], at?: Date): Promise<void> {
    if (rows.length === 0) return;
    await options.db
      .update(outbox)
      .set({
        status: "pending",
        leaseUntil: null,
        attempts: sql`${outbox.attempts} - 1`,
        ...(at ? { nextAttemptAt: sql`greatest(${outbox.nextAttemptAt}, ${at}::timestamptz)` } : {}),
      })
      .where(oursAll(rows));
  }

  /** A claimed row with its route, waiting in its lane. */
  interface Queued {
    row: Row;
    route: Route;
    /** When our lease on it was last set, on this process's monotonic clock. */
    leasedAt: number;
  }

  /**
   * Renews our leases on a lane's rows in one statement once a third of the oldest has gone, so
   * none is sent after another process may have taken it over. Returns the ids no longer ours.
   */
  async function keepLeases(items: Queued[]): Promise<Set<number>> {
    const now = performance.now();
    const due = items.slice();
    if (!due.some((item) => now - item.leasedAt > leaseMs / 3)) return new Set();
    const renewed = await options.db
      .update(outbox)
      .set({ leaseUntil: leaseEnd(leaseMs) })
      .where(oursAll(due.map((item) => item.row)))
      .returning({ id: outbox.id });
    const kept = new Set(renewed.map((r) => r.id));
    for (const item of due) item.leasedAt = now;
    return new Set(due.filter((item) => !kept.has(item.row.id)).map((item) => item.row.id));
  }

  /** A lane of a pass: its rows in the order they were queued, and the worker sending them. */
  interface Lane {
    ref: LaneRef;
    queue: Queued[];
    worker?: Promise<void>;
  }

  /**
   * One pass: claims everything due, and delivers it lane by lane: each platform, or each
   * workspace of a platform with per-workspace limits, sends its rows one at a time, in their order,
   * each in its lane's next slot; lanes send side by side, so one workspace's fan-out or pause does
   * not hold up another's. Returns how many rows it handled.
   *
   * A row's outcome is recorded before its lane sends the next (recorded while the next slot is
   * awaited), so a crash repeats at most the message in flight in each lane. While lanes are busy,
   * the pass claims more as they make room; a club whose rows fill a lane's share waits, so the rows
   * of other clubs are claimed past it.
   */
  async function runOnce(): Promise<number> {
    let handled = 0;
    const lanes = new Map<string, Lane>();
    /** Rows waiting in lanes, per club. */
    const waiting = new Map<number, number>();
    let queued = 0;
    // Set when a lane makes room or ends, or new rows are queued (wake): the pass claims again. A
    // flag as well as a waiter, so a signal that comes while a claim is under way is not lost.
    let signalled = false;
    let waiter: (() => void) | undefined;
    const makeRoom = () => {
      signalled = true;
      waiter?.();
      waiter = undefined;
    };
    /** Whether a fan-out may be waiting: until one is looked for and none found, and again on wake. */
    let fanoutsWaiting = true;
    nudge = () => {
      fanoutsWaiting = true;
      makeRoom();
    };

    const dequeued = (item: Queued) => {
      queued--;
      const left = (waiting.get(item.row.clubId) ?? 1) - 1;
      if (left > 0) waiting.set(item.row.clubId, left);
      else waiting.delete(item.row.clubId);
      if (left === clubShare - 1 || queued === queuedLimit - 1) makeRoom();
    };

    /** The first error a lane met (the database gone, say): the pass stops claiming and reports it. */
    let broken: { error: unknown } | undefined;

    /**
     * Sends a lane's rows until it is empty. On an error (not a delivery's: those are settled) the
     * lane stops; the rows it held stay claimed until their lease runs out, then go again.
     */
    async function work(lane: Lane): Promise<void> {
      const key = laneKey(lane.ref);
      try {
        await sendLane(lane, key);
      } catch (error) {
        broken ??= { error };
        lane.queue.splice(0).forEach(dequeued);
      }
      if (lane.queue.length > 0 && !broken) {
        // Rows joined the lane as it finished (between its last look and now): it goes on.
        lane.worker = work(lane);
        return;
      }
      lanes.delete(key);
      makeRoom();
    }

    async function sendLane(lane: Lane, key: string): Promise<void> {
      const port = ports.get(lane.ref.platform)!;
      let settling: Promise<void> = Promise.resolve();
      for (;;) {
        if (lane.queue.length === 0) {
          await settling;
          settling = Promise.resolve();
          // Rows may have joined the lane while its last outcome was recorded.
          if (lane.queue.length === 0) break;
        }
        const holdBack = () => halting || (pausedUntil.get(key)?.until ?? 0) > clock.now().getTime();
        // The last outcome is recorded while the next slot is awaited.
        await (holdBack() ? settling : Promise.all([settling, pace(key, port)]));
        settling = Promise.resolve();
        if (holdBack()) {
          // Rate limited (or stopping): what the lane holds goes back in one statement, and the
          // pass's next claims leave this lane's rows alone until the pause is over. (Rows routed
          // here meanwhile come round again and go back the same way.)
          const rest = lane.queue.splice(0);
          rest.forEach(dequeued);
          await handBack(rest.map((item) => item.row), halting ? undefined : new Date(pausedUntil.get(key)?.until ?? 0));
          continue;
        }
        const lost = await keepLeases(lane.queue);
        if (lost.size > 0) {
          // Another process has taken them over (our lease ran out): they are its to send.
          const gone = lane.queue.filter((item) => lost.has(item.row.id));
          lane.queue = lane.queue.filter((item) => !lost.has(item.row.id));
          gone.forEach(dequeued);
        }
        const item = lane.queue.shift();
        if (!item) continue;
        dequeued(item);
        let failure: unknown;
        try {
          await item.route.send(port);
        } catch (error) {
          failure = error ?? new Error("delivery failed");
        } finally {
          answered(key, port);
        }
        handled++;
        settling = settle(item.row, failure, lane.ref);
      }
    }

    /** Claims due rows into their lanes as the lanes make room, until nothing is due and the lanes are empty. */
    async function claimIntoLanes(): Promise<void> {
      for (;;) {
        if (broken) return;
        signalled = false;
        const room = Math.min(batchSize, queuedLimit - queued);
        const busyClubs = [...waiting].filter(([, count]) => count >= clubShare).map(([club]) => club);
        const batch = room > 0 && !halting ? await claim(room, busyClubs) : [];
        const claimedAt = performance.now();
        for (const row of batch) {
          let route: Route;
          try {
            route = await routeOf(row);
          } catch (error) {
            handled++;
            await settle(row, error ?? new Error("delivery failed"), undefined);
            continue;
          }
          const key = laneKey(route.lane);
          let lane = lanes.get(key);
          if (!lane) lanes.set(key, (lane = { ref: route.lane, queue: [] }));
          lane.queue.push({ row, route, leasedAt: claimedAt });
          queued++;
          waiting.set(row.clubId, (waiting.get(row.clubId) ?? 0) + 1);
          lane.worker ??= work(lane);
        }
        if (batch.length > 0) continue;
        // Nothing due: a fan-out (the weekly matches) waiting to be written out gives more rows.
        if (room > 0 && fanoutsWaiting && !halting) {
          if ((await expandFanouts(options.db, clock.now())) > 0) continue;
          fanoutsWaiting = false;
        }
        // A lane that made room or ended while we looked (signalled) may have let rows of a club
        // that was full come due for us: look again before ending the pass or waiting.
        if (signalled) continue;
        if (lanes.size === 0) break;
        // Nothing more to claim now: wait until a lane makes room or ends, new rows are queued
        // (wake), or the poll interval passes (rows fall due).
        await new Promise<void>((resolve) => {
          const poll = setTimeout(resolve, pollMs);
          waiter = () => {
            clearTimeout(poll);
            resolve();
          };
        });
      }
    }

    try {
      await claimIntoLanes();
    } finally {
      // A pass ends with its lanes: none keeps sending behind a pass that has ended.
      while (lanes.size > 0) await Promise.all([...lanes.values()].map((lane) => lane.worker ?? Promise.resolve()));
      nudge = undefined;
    }
    if (broken) throw broken.error;
    forgetQuietLanes();
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
          const end = comeBackAt;
          comeBackAt = undefined;
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
        // Due, yet the last pass took nothing: they wait for a paused lane.
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

    /** Run a pass soon (or have the pass under way claim again): a command just queued something. */
    wake() {
      nudge?.();
      schedule(0);
    },

    /**
     * Stops: the pass under way finishes the deliveries in flight and hands back, uncharged, the
     * rows its lanes still hold, for this or another process to send.
     */
    async stop() {
      stopped = true;
      clearTimeout(timer);
      halting = true;
      nudge?.();
      try {
        await running?.catch(() => undefined);
      } finally {
        halting = false;
      }
    },
  };
}

export type Dispatcher = ReturnType<typeof createDispatcher>;
