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

/**
 * users.info with a cache: every command needs the actor's display name, and Slack rate-limits
 * users.info (tier 4), so each user is looked up at most once per `ttlMs`. A failed lookup is not
 * cached and answers undefined: the caller falls back to what the payload says.
 */
export function createUserDirectory(client: webApi.WebClient, options: { logger: Logger; ttlMs?: number; maxEntries?: number; now?: () => number }) {
  const ttlMs = options.ttlMs ?? 60 * 60_000;
  const maxEntries = options.maxEntries ?? 5000;
  const now = options.now ?? Date.now;
  const cache = new Map<string, Entry>();

  async function fetchUser(userId: string): Promise<SlackUser | undefined> {
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
    lookup(userId: string): Promise<SlackUser | undefined> {
      const hit = cache.get(userId);
      if (hit && hit.expires > now()) return hit.user;
      const user = fetchUser(userId);
      cache.set(userId, { user, expires: now() + ttlMs });
      void user.then((found) => {
        if (!found && cache.get(userId)?.user === user) cache.delete(userId);
      });
      // Map keeps insertion order: the first key is the oldest entry.
      while (cache.size > maxEntries) cache.delete(cache.keys().next().value!);
      return user;
    },
  };
}

export type UserDirectory = ReturnType<typeof createUserDirectory>;
