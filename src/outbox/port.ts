import type { Platform, Reply } from "../core/types.js";

/** Where a delivery goes: the club as the platform names it, and platform user ids. */
export interface ClubAddress {
  clubId: number;
  /** Workspace / guild id. */
  externalId: string;
}

/**
 * What a delivery tells the dispatcher. `fallback` says the message could not go where asked and
 * went elsewhere instead (a Discord member with closed DMs gets a private thread), in words for people.
 */
export interface DeliveryReceipt {
  fallback?: string;
}

/**
 * What the core needs from a platform to reach people outside a command's reply. Each adapter
 * implements it; the dispatcher calls it with the outbox's messages.
 */
export interface MessengerPort {
  readonly platform: Platform;
  /**
   * The platform's published rate for one delivery (a Slack DM is `conversations.open`, Tier 3,
   * plus a post), in deliveries per second. The dispatcher spaces its sends to it, so rate limits
   * are rarely hit rather than hit and waited out. Unset: no pacing (the platform's client paces).
   */
  readonly deliveriesPerSecond?: number;
  /**
   * Whether the platform's limits (and its rate-limit pauses) count per workspace, as Slack's do
   * (each workspace has its own token), or for the whole app, as Discord's bot-wide limit does
   * (the default). Per workspace, the dispatcher paces each workspace on its own and sends to
   * several side by side.
   */
  readonly pacedPer?: "platform" | "workspace";
  /** A private message to one person (Slack DM, Discord DM, console print). */
  sendDirect(club: ClubAddress, userId: string, reply: Reply): Promise<DeliveryReceipt | void>;
  /** A conversation with several people (Slack group DM, Discord private thread). */
  openRoom(club: ClubAddress, userIds: string[], reply: Reply): Promise<void>;
  /** A post for the club; null means the club's default channel. */
  postToChannel(club: ClubAddress, channelId: string | null, reply: Reply): Promise<void>;
}

/**
 * A failed delivery, as the adapter judged it: retry after a pause (rate limit, 5xx, network) or
 * give up (channel gone, user left, bad request).
 */
export class DeliveryError extends Error {
  readonly permanent: boolean;
  readonly retryAfterMs: number | undefined;

  constructor(message: string, options: { permanent: boolean; retryAfterMs?: number; cause?: unknown }) {
    super(message, { cause: options.cause });
    this.name = "DeliveryError";
    this.permanent = options.permanent;
    this.retryAfterMs = options.retryAfterMs;
  }
}
