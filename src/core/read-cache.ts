import type { ClubChangeFeed } from "../db/change-feed.js";

/**
 * What read-only commands read first (the club, the member, their goals of the week), kept in
 * memory between commands, so `goal list` or `who` asked again answers without a round trip.
 *
 * Correct across processes through the database's change feed: every statement that changes those
 * tables notifies, at commit, the clubs it changed, and their entries go. Two rules keep a stale
 * answer out:
 * - nothing is cached, or served, while the feed is not listening (and everything is forgotten
 *   when it starts again: what changed meanwhile is unknown);
 * - a read that began before any change was heard is not kept (it may predate that change).
 * This process's own writes drop their club's entries at once, before the notice arrives, so a
 * member always sees their own change. Another process's change is seen once its notice arrives,
 * typically within a millisecond of its commit. Entries also expire after `ttlMs`.
 */
export interface ReadCache {
  /** The cached value for `key`, or `load()`'s (kept unless a change was heard meanwhile). */
  read<T extends { club: { id: number } }>(key: string, load: () => Promise<T | undefined>): Promise<T | undefined>;
  /** This process changed the club: its entries go now. */
  forgetClub(clubId: number): void;
  stats(): { hits: number; misses: number; entries: number };
}

/** Values handed to many commands at once: a command that tried to change one fails loudly. */
function deepFreeze<T>(value: T): T {
  if (value && typeof value === "object" && !(value instanceof Date) && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const inner of Object.values(value)) deepFreeze(inner);
  }
  return value;
}

export function createReadCache(feed: ClubChangeFeed, options: { maxEntries?: number; ttlMs?: number; now?: () => number } = {}): ReadCache {
  const maxEntries = options.maxEntries ?? 20_000;
  const ttlMs = options.ttlMs ?? 5 * 60_000;
  const now = options.now ?? Date.now;
  const entries = new Map<string, { value: { club: { id: number } }; clubId: number; expires: number }>();
  const byClub = new Map<number, Set<string>>();
  /** Counts the changes heard: a read is kept only if none was heard while it ran. */
  let changes = 0;
  let hits = 0;
  let misses = 0;

  function forget(clubId: number) {
    const keys = byClub.get(clubId);
    if (!keys) return;
    for (const key of keys) entries.delete(key);
    byClub.delete(clubId);
  }

  function drop(key: string) {
    const entry = entries.get(key);
    if (!entry) return;
    entries.delete(key);
    byClub.get(entry.clubId)?.delete(key);
  }

  feed.onChange((clubs) => {
    changes++;
    if (clubs === "all") {
      entries.clear();
      byClub.clear();
    } else {
      for (const club of clubs) forget(club);
    }
  });

  return {
    async read(key, load) {
      if (!feed.listening) {
        misses++;
        return load();
      }
      const entry = entries.get(key);
      if (entry && entry.expires > now()) {
        hits++;
        return entry.value as Awaited<ReturnType<typeof load>>;
      }
      if (entry) drop(key);
      misses++;
      const before = changes;
      const value = await load();
      if (value && changes === before && feed.listening) {
        // Oldest first out: a Map keeps insertion order.
        if (entries.size >= maxEntries) drop(entries.keys().next().value!);
        entries.set(key, { value: deepFreeze(value), clubId: value.club.id, expires: now() + ttlMs });
        let keys = byClub.get(value.club.id);
        if (!keys) byClub.set(value.club.id, (keys = new Set()));
        keys.add(key);
      }
      return value;
    },

    forgetClub(clubId) {
      changes++;
      forget(clubId);
    },

    stats: () => ({ hits, misses, entries: entries.size }),
  };
}
