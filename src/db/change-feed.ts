import type { Logger } from "../util/logger.js";

/** The channel migration 0012's triggers notify: the ids of the clubs a statement changed, or '*'. */
export const CLUB_CHANGES_CHANNEL = "warmpath_club_changes";

/**
 * Which clubs changed, from any process writing to the database, told at commit. While the feed is
 * not listening (connecting, or its connection lost), changes may be missed: a cache must not be
 * trusted then (`listening` is false), and is told to forget everything when listening resumes.
 */
export interface ClubChangeFeed {
  readonly listening: boolean;
  /** Called with the changed clubs' ids, or "all" (many clubs at once, or listening resumed). */
  onChange(handler: (clubs: number[] | "all") => void): void;
  close(): Promise<void>;
}

/** A notice the feed sends itself, to prove it hears the channel; not a change. */
const PROBE_PREFIX = "probe:";

/** Parses a notification's payload: "12,40" or "*". */
export function changedClubs(payload: string | undefined): number[] | "all" {
  if (!payload || payload === "*") return "all";
  const ids = payload.split(",").map(Number);
  return ids.every((id) => Number.isSafeInteger(id)) ? ids : "all";
}

/**
 * LISTENs on Postgres with a connection of its own (a pooled one would be handed to queries), and
 * reconnects with a growing delay when it is lost.
 */
export async function openClubChangeFeed(
  url: string,
  logger: Logger,
  options: { retryMs?: number; maxRetryMs?: number; probeEveryMs?: number; probeTimeoutMs?: number } = {},
): Promise<ClubChangeFeed> {
  const { default: pg } = await import("pg");
  const handlers: Array<(clubs: number[] | "all") => void> = [];
  const tell = (clubs: number[] | "all") => {
    for (const handler of handlers) handler(clubs);
  };
  let listening = false;
  let closed = false;
  let client: InstanceType<typeof pg.Client> | undefined;
  let retry: NodeJS.Timeout | undefined;
  let delay = options.retryMs ?? 500;
  let probes = 0;
  const awaitingProbe = new Map<string, () => void>();
  let probeTimer: NodeJS.Timeout | undefined;

  /**
   * Sends itself a notice and waits for it. A LISTEN that can't hear (behind PgBouncer in
   * transaction mode the NOTIFY may go out on another server connection; a half-open TCP
   * connection) fails this, and the feed counts as lost: caches stay off rather than go stale.
   */
  async function probe(on: InstanceType<typeof pg.Client>): Promise<boolean> {
    const id = `${PROBE_PREFIX}${process.pid}:${++probes}`;
    const heard = new Promise<boolean>((resolve) => {
      const timer = setTimeout(() => {
        awaitingProbe.delete(id);
        resolve(false);
      }, options.probeTimeoutMs ?? 5_000);
      awaitingProbe.set(id, () => {
        clearTimeout(timer);
        resolve(true);
      });
    });
    await on.query("SELECT pg_notify($1, $2)", [CLUB_CHANGES_CHANNEL, id]);
    return heard;
  }

  async function connect(): Promise<void> {
    // Named, so an operator sees it in pg_stat_activity for what it is.
    const next = new pg.Client({ connectionString: url, keepAlive: true, connectionTimeoutMillis: 5_000, application_name: "warmpath-change-feed" });
    next.on("notification", (message) => {
      if (message.channel !== CLUB_CHANGES_CHANNEL) return;
      if (message.payload?.startsWith(PROBE_PREFIX)) {
        awaitingProbe.get(message.payload)?.();
        awaitingProbe.delete(message.payload);
        return;
      }
      tell(changedClubs(message.payload));
    });
    const lost = (error?: Error) => {
      if (client !== next) return;
      client = undefined;
      listening = false;
      // What changed while nobody listened is unknown: caches forget everything now, and stay off.
      tell("all");
      if (closed) return;
      logger.warn("club change feed lost; caches are off until it is back", { error });
      schedule();
    };
    next.on("error", lost);
    next.on("end", () => lost());
    client = next;
    try {
      await next.connect();
      await next.query(`LISTEN ${CLUB_CHANGES_CHANNEL}`);
      if (!(await probe(next))) throw new Error("LISTEN does not hear its own NOTIFY (PgBouncer in transaction mode?)");
    } catch (error) {
      lost(error as Error);
      await next.end().catch(() => undefined);
      return;
    }
    if (client !== next) return;
    delay = options.retryMs ?? 500;
    // Changes made before the LISTEN took effect were not heard: start from nothing.
    tell("all");
    listening = true;
    clearInterval(probeTimer);
    probeTimer = setInterval(() => {
      if (client !== next) return clearInterval(probeTimer);
      void probe(next)
        .catch(() => false)
        .then((ok) => {
          if (!ok && client === next) {
            logger.warn("club change feed stopped hearing its own notices; reconnecting");
            void next.end().catch(() => undefined);
          }
        });
    }, options.probeEveryMs ?? 60_000);
    probeTimer.unref?.();
  }

  function schedule() {
    clearTimeout(retry);
    retry = setTimeout(() => void connect(), delay);
    retry.unref?.();
    delay = Math.min(delay * 2, options.maxRetryMs ?? 30_000);
  }

  await connect();
  return {
    get listening() {
      return listening;
    },
    onChange(handler) {
      handlers.push(handler);
    },
    async close() {
      closed = true;
      clearTimeout(retry);
      clearInterval(probeTimer);
      listening = false;
      const last = client;
      client = undefined;
      await last?.end().catch(() => undefined);
    },
  };
}
