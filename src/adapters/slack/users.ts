import type { webApi } from "@slack/bolt";
import type { Logger } from "../../util/logger.js";

/** What Warmpath needs to know about a Slack user. */
export interface SlackUser {
  id: string;
  /** The name people see in Slack: display name, else real name, else the handle. */
  displayName: string;
  /** Workspace admins and owners may run organiser commands. */
  isAdmin: boolean;
  isBot: boolean;
}

interface Entry {
  user: Promise<SlackUser | undefined>;
  expires: number;
  /** From then on a lookup refreshes the entry in the background, answering from it meanwhile. */
  refreshAt: number;
  refreshing: boolean;
}

/** The workspace a user is looked up in: its team id and a client with its token. */
export interface UserScope {
  teamId: string;
  client: webApi.WebClient;
}

/**
 * users.info with a cache: every command needs the actor's display name, and Slack rate-limits
 * users.info (tier 4), so each user is looked up at most once per `ttlMs`. A failed lookup is not
 * cached and answers undefined: the caller falls back to what the payload says. Entries are per
 * workspace: one Enterprise Grid user (W…) may be an admin in one workspace and not in another.
 *
 * Someone who keeps using Warmpath never waits for Slack: in an entry's last fifth of `ttlMs` a
 * lookup answers from it and refreshes it in the background. Nothing older than `ttlMs` is ever
 * answered (admin rights are in it), so only the first use after a quiet hour waits for users.info.
 */
export function createUserDirectory(client: webApi.WebClient | undefined, options: { logger: Logger; ttlMs?: number; maxEntries?: number; now?: () => number }) {
  const ttlMs = options.ttlMs ?? 60 * 60_000;
  const refreshAfterMs = ttlMs * 0.8;
  /** After a failed refresh, the next try waits this long (the entry is still good until it expires). */
  const retryMs = Math.min(60_000, ttlMs / 10);
  const maxEntries = options.maxEntries ?? 5000;
  const now = options.now ?? Date.now;
  const cache = new Map<string, Entry>();

  async function fetchUser(userId: string, client: webApi.WebClient): Promise<SlackUser | undefined> {
    try {
      const result = await client.users.info({ user: userId });
      const user = result.user;
      if (!user?.id) return undefined;
      const name = user.profile?.display_name?.trim() || user.profile?.real_name?.trim() || user.real_name?.trim() || user.name?.trim() || user.id;
      return { id: user.id, displayName: name, isAdmin: Boolean(user.is_admin || user.is_owner || user.is_primary_owner), isBot: Boolean(user.is_bot) };
    } catch (error) {
      options.logger.warn("slack users.info failed", { user: userId, error: error instanceof Error ? error.message : String(error) });
      return undefined;
    }
  }

  function refresh(key: string, entry: Entry, userId: string, using: webApi.WebClient): void {
    entry.refreshing = true;
    void fetchUser(userId, using).then((fresh) => {
      entry.refreshing = false;
      if (cache.get(key) !== entry) return;
      if (!fresh) {
        entry.refreshAt = now() + retryMs;
        return;
      }
      // Moved to the end: the refreshed entry is the newest for eviction.
      cache.delete(key);
      cache.set(key, { user: Promise.resolve(fresh), expires: now() + ttlMs, refreshAt: now() + refreshAfterMs, refreshing: false });
    });
  }

  return {
    /** Looks a user up in `scope`'s workspace; without one, with the directory's own client. */
    lookup(userId: string, scope?: UserScope): Promise<SlackUser | undefined> {
      const key = scope ? `${scope.teamId}:${userId}` : userId;
      const using = scope?.client ?? client;
      if (!using) return Promise.resolve(undefined);
      const hit = cache.get(key);
      const at = now();
      if (hit && hit.expires > at) {
        if (at >= hit.refreshAt && !hit.refreshing) refresh(key, hit, userId, using);
        return hit.user;
      }
      const user = fetchUser(userId, using);
      cache.set(key, { user, expires: at + ttlMs, refreshAt: at + refreshAfterMs, refreshing: false });
      void user.then((found) => {
        if (!found && cache.get(key)?.user === user) cache.delete(key);
      });
      // Map keeps insertion order: the first key is the oldest entry.
      while (cache.size > maxEntries) cache.delete(cache.keys().next().value!);
      return user;
    },
  };
}

export type UserDirectory = ReturnType<typeof createUserDirectory>;
