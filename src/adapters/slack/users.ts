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
 */
export function createUserDirectory(client: webApi.WebClient | undefined, options: { logger: Logger; ttlMs?: number; maxEntries?: number; now?: () => number }) {
  const ttlMs = options.ttlMs ?? 60 * 60_000;
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

  return {
    /** Looks a user up in `scope`'s workspace; without one, with the directory's own client. */
    lookup(userId: string, scope?: UserScope): Promise<SlackUser | undefined> {
      const key = scope ? `${scope.teamId}:${userId}` : userId;
      const using = scope?.client ?? client;
      if (!using) return Promise.resolve(undefined);
      const hit = cache.get(key);
      if (hit && hit.expires > now()) return hit.user;
      const user = fetchUser(userId, using);
      cache.set(key, { user, expires: now() + ttlMs });
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
