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
export async function openClubChangeFeed(url: string, logger: Logger, options: { retryMs?: number; maxRetryMs?: number } = {}): Promise<ClubChangeFeed> {
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

  async function connect(): Promise<void> {
    const next = new pg.Client({ connectionString: url, keepAlive: true, connectionTimeoutMillis: 5_000 });
    next.on("notification", (message) => {
      if (message.channel === CLUB_CHANGES_CHANNEL) tell(changedClubs(message.payload));
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
      listening = false;
      const last = client;
      client = undefined;
      await last?.end().catch(() => undefined);
    },
  };
}
