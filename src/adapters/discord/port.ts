import { createHash } from "node:crypto";
import { ChannelType, REST, Routes, ThreadAutoArchiveDuration } from "discord.js";
import type { Reply } from "../../core/types.js";
import { DeliveryError, type ClubAddress, type DeliveryReceipt, type MessengerPort } from "../../outbox/port.js";
import type { Logger } from "../../util/logger.js";
import type { ClubChannels } from "./club-channels.js";
import { DiscordCode, hasDiscordCode, toDeliveryError } from "./discord-errors.js";
import { renderReply, truncate, type DiscordMessage } from "./render.js";
import { wireFiles, wireMessage } from "./wire.js";

/** Discord's limit on a thread's name. */
const THREAD_NAME_MAX = 100;
const MAX_REMEMBERED_THREADS = 1000;

/**
 * A REST client for outbox deliveries that gives every decision about waiting and retrying to the
 * outbox: a 429 (or a bucket or the global limit already known to be spent) rejects at once with
 * Discord's retry_after, and nothing is retried inside (`retries: 0`).
 *
 * Why not let @discordjs/rest wait, as it does for interaction replies? Its wait happens inside a
 * delivery the dispatcher has leased for 60 s; a long retry_after (global limits can run to minutes)
 * would outlive the lease, another process would claim the row and the message would go twice. And
 * its internal retry of a 5xx or a reset connection repeats a POST that Discord may already have
 * carried out. Surfacing both as a DeliveryError lets the Postgres outbox reschedule the row for
 * after the pause, and mark it sent only once Discord has said yes: exactly once per success.
 */
export function createDeliveryRest(token: string, api: string | undefined): REST {
  return new REST({ ...(api ? { api } : {}), rejectOnRateLimit: () => true, retries: 0 }).setToken(token);
}

export interface DiscordPortOptions {
  rest: REST;
  channels: ClubChannels;
  logger: Logger;
}

/**
 * Delivers the outbox on Discord: DMs (with a private thread when a member's DMs are closed), intro
 * rooms as private threads in the club channel, and channel posts. Every message restricts pings to
 * the members it is meant for.
 */
export function createDiscordPort(options: DiscordPortOptions): MessengerPort {
  const { rest, channels, logger } = options;
  /**
   * Threads opened for a delivery whose later step failed (a rate-limited post): the outbox's retry
   * continues in the same thread instead of opening a second one. Lost on restart, which at worst
   * leaves one empty thread.
   */
  const openedThreads = new Map<string, string>();

  async function post(channelId: string, message: DiscordMessage): Promise<void> {
    await rest.post(Routes.channelMessages(channelId), { body: wireMessage(message), files: wireFiles(message) });
  }

  async function clubChannel(club: ClubAddress): Promise<{ id: string; name: string }> {
    const found = await channels.resolve(club.externalId);
    if (!found.ok) throw new DeliveryError(`no club channel: ${found.detail}`, { permanent: found.problem !== "guild-unavailable" });
    return found;
  }

  const refusedThere = (error: unknown) => [DiscordCode.MissingAccess, DiscordCode.MissingPermissions, DiscordCode.UnknownChannel].some((code) => hasDiscordCode(error, code));

  /**
   * Discord refused because what we knew of the server is out of date (a permission or channel
   * changed): the next attempt, ours or another instance's, reads the server afresh.
   */
  function refusedIn(club: ClubAddress, error: unknown): unknown {
    if (refusedThere(error)) channels.forget(club.externalId);
    return error;
  }

  /**
   * Does `act` in the club channel. When Discord refuses it there and the channel chosen from a fresh
   * read of the server is another one (a REST read kept for minutes may predate a permission change),
   * does it there instead; the gateway's cache is always fresh, so there it simply fails.
   */
  async function inClubChannel<T>(club: ClubAddress, act: (channel: { id: string; name: string }) => Promise<T>): Promise<{ channel: { id: string; name: string }; result: T }> {
    const channel = await clubChannel(club);
    try {
      return { channel, result: await act(channel) };
    } catch (error) {
      if (!refusedThere(error)) throw error;
      channels.forget(club.externalId);
      const fresh = await clubChannel(club);
      if (fresh.id === channel.id) throw error;
      logger.info("discord: the club channel changed; using the new one", { guild: club.externalId, from: channel.id, to: fresh.id });
      return { channel: fresh, result: await act(fresh) };
    }
  }

  /** A private thread in the club channel with exactly these members, mentioned at the top. */
  async function privateThread(club: ClubAddress, userIds: readonly string[], reply: Reply): Promise<{ channelName: string }> {
    const key = `${club.externalId}:${[...userIds].sort().join(",")}:${digest(reply)}`;
    let threadId = openedThreads.get(key);
    let channelName: string | undefined;
    if (!threadId) {
      const opened = await inClubChannel(club, async (channel) => {
        const thread = (await rest.post(Routes.threads(channel.id), {
          body: {
            name: truncate(reply.title ?? "Warmpath", THREAD_NAME_MAX),
            type: ChannelType.PrivateThread,
            // Only the bot (and moderators) may add people: the conversation is for the two of them.
            invitable: false,
            auto_archive_duration: ThreadAutoArchiveDuration.OneWeek,
          },
        })) as { id: string };
        return thread.id;
      });
      threadId = opened.result;
      channelName = opened.channel.name;
      openedThreads.set(key, threadId);
      // Only deliveries that failed half-way stay here; keep the memory of them bounded.
      if (openedThreads.size > MAX_REMEMBERED_THREADS) openedThreads.delete(openedThreads.keys().next().value!);
    }
    // Adding a member is idempotent on Discord, so a retry may safely repeat it.
    for (const userId of userIds) await rest.put(Routes.threadMembers(threadId, userId));
    await post(threadId, renderReply(reply, { mention: userIds, notify: true }));
    openedThreads.delete(key);
    return { channelName: channelName ?? (await clubChannel(club)).name };
  }

  return {
    platform: "discord",

    async sendDirect(club, userId, reply): Promise<DeliveryReceipt | void> {
      try {
        const dm = (await rest.post(Routes.userChannels(), { body: { recipient_id: userId } })) as { id: string };
        await post(dm.id, renderReply(reply, { dmGuildId: club.externalId, notify: true }));
        return;
      } catch (error) {
        if (!hasDiscordCode(error, DiscordCode.CannotMessageUser)) throw toDeliveryError(error, `a DM to member ${userId}`);
      }
      // DMs closed (server privacy setting or a block): the bot can't reach them privately any other way.
      logger.info("discord DMs are closed; delivering in a private thread", { guild: club.externalId, user: userId });
      try {
        const { channelName } = await privateThread(club, [userId], reply);
        return { fallback: `a private thread in #${channelName}` };
      } catch (error) {
        throw toDeliveryError(refusedIn(club, error), `a private thread for member ${userId} (their DMs are closed)`);
      }
    },

    async openRoom(club, userIds, reply): Promise<void> {
      try {
        await privateThread(club, userIds, reply);
      } catch (error) {
        throw toDeliveryError(refusedIn(club, error), "opening an intro thread");
      }
    },

    async postToChannel(club, channelId, reply): Promise<void> {
      const message = renderReply(reply, { notify: true });
      try {
        if (channelId) await post(channelId, message);
        else await inClubChannel(club, (channel) => post(channel.id, message));
      } catch (error) {
        throw toDeliveryError(refusedIn(club, error), channelId ? `a post in channel ${channelId}` : "a post in the club channel");
      }
    },
  };
}

function digest(reply: Reply): string {
  return createHash("sha256").update(`${reply.title ?? ""}\n${reply.text}`).digest("hex").slice(0, 16);
}
