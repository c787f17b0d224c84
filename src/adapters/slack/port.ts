import { webApi } from "@slack/bolt";
import type { Reply } from "../../core/types.js";
import { DeliveryError, type ClubAddress, type DeliveryReceipt, type MessengerPort } from "../../outbox/port.js";
import { escapeMrkdwn, renderMessage, type RenderOptions } from "./render.js";

/**
 * Slack errors worth trying again: Slack's own trouble, and an expired rotating token (another
 * instance refreshes it; the retry reads the new one). Every other error code (channel_not_found,
 * not_in_channel, user_not_found, account_inactive, is_archived, missing_scope, invalid_blocks...)
 * will fail the same way next time, so the delivery gives up with that code as its reason.
 */
const TRANSIENT_ERRORS = new Set(["token_expired", "ratelimited", "internal_error", "fatal_error", "service_unavailable", "request_timeout", "team_added_to_org"]);

/** How the dispatcher should treat a failed Slack call: retry (after Retry-After when Slack gave one) or give up. */
export function toDeliveryError(method: string, error: unknown): DeliveryError {
  if (error instanceof DeliveryError) return error;
  if (error instanceof webApi.WebAPIRateLimitedError) {
    return new DeliveryError(`Slack ${method} is rate limited (Retry-After ${error.retryAfter} s)`, {
      permanent: false,
      retryAfterMs: Math.max(0, error.retryAfter) * 1000,
      cause: error,
    });
  }
  if (error instanceof webApi.WebAPIPlatformError) {
    const code = String(error.data.error);
    return new DeliveryError(`Slack ${method} failed: ${code}`, { permanent: !TRANSIENT_ERRORS.has(code), cause: error });
  }
  if (error instanceof webApi.WebAPIHTTPError) {
    const retryAfter = Number.parseInt(error.headers["retry-after"] ?? "", 10);
    const transient = error.statusCode >= 500 || error.statusCode === 408;
    return new DeliveryError(`Slack ${method} answered HTTP ${error.statusCode}`, {
      permanent: !transient,
      ...(transient && Number.isFinite(retryAfter) ? { retryAfterMs: retryAfter * 1000 } : {}),
      cause: error,
    });
  }
  if (error instanceof webApi.WebAPIRequestError) {
    return new DeliveryError(`Slack ${method} could not be reached: ${error.original.message}`, { permanent: false, cause: error });
  }
  return new DeliveryError(`Slack ${method} failed: ${error instanceof Error ? error.message : String(error)}`, { permanent: false, cause: error });
}

async function call<T>(method: string, run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (error) {
    throw toDeliveryError(method, error);
  }
}

/**
 * Slack's answers that mean the token itself is no good any more (revoked by an uninstall another
 * instance saw first, expired): the cached installation must be read again.
 */
const TOKEN_ERRORS = new Set(["token_revoked", "token_expired", "invalid_auth", "not_authed", "account_inactive", "team_access_not_granted"]);

/** The Slack error code behind a failed delivery, if Slack gave one. */
function slackCode(error: DeliveryError): string | undefined {
  return error.cause instanceof webApi.WebAPIPlatformError ? String(error.cause.data.error) : undefined;
}

/** Conversations with people through one workspace's client. */
export interface SlackConversations {
  /** A DM (one user) or group DM (several) with the bot: Slack returns the same conversation every time. */
  openConversation(userIds: string[]): Promise<string>;
  /** Posts a reply into a conversation, with its attachment as a file. */
  post(channel: string, reply: Reply, options?: RenderOptions): Promise<void>;
  /** Uploads a document into a conversation, with a comment above it. */
  upload(channel: string, attachment: NonNullable<Reply["attachment"]>, comment?: string): Promise<void>;
}

/** DMs, posts and uploads with one workspace's client; failures are DeliveryErrors. */
export function slackConversations(client: webApi.WebClient): SlackConversations {
  async function openConversation(userIds: string[]): Promise<string> {
    const opened = await call("conversations.open", () => client.conversations.open({ users: userIds.join(","), return_im: false }));
    const id = opened.channel?.id;
    if (!id) throw new DeliveryError("Slack conversations.open returned no channel", { permanent: false });
    return id;
  }

  async function post(channel: string, reply: Reply, options: RenderOptions = {}): Promise<void> {
    const message = renderMessage(reply, { ...options, ...(reply.attachment ? { attachmentNote: "attached below" } : {}) });
    // parse: none and no link_names, so nothing in the text is turned into a mention after our escaping.
    await call("chat.postMessage", () => client.chat.postMessage({ channel, text: message.text, blocks: message.blocks, parse: "none", unfurl_links: false, unfurl_media: false }));
    if (reply.attachment) {
      try {
        await upload(channel, reply.attachment);
      } catch (error) {
        // The message is already posted: retrying the delivery would post it twice, so this is final.
        throw new DeliveryError((error as Error).message, { permanent: true, cause: error });
      }
    }
  }

  async function upload(channel: string, attachment: NonNullable<Reply["attachment"]>, comment?: string): Promise<void> {
    const { filename, content } = attachment;
    await call("files.uploadV2", () =>
      client.filesUploadV2({ channel_id: channel, filename, title: filename, content, ...(comment ? { initial_comment: comment } : {}) }),
    );
  }

  return { openConversation, post, upload };
}

/**
 * One workspace's client, or how to find the client of a club's workspace (one per installation).
 * `fresh` asks for the installation as stored now, past any cache: Slack has just refused the token.
 */
export type SlackClients = webApi.WebClient | ((club: ClubAddress, options: { fresh: boolean }) => Promise<webApi.WebClient>);

export type SlackPort = MessengerPort;

export interface SlackPortOptions {
  deliveriesPerMinute?: number;
}

/**
 * Delivery over the Web API, each club through its own workspace's client. The clients must be
 * built with `rejectRateLimitedCalls` and no retries: a 429 then surfaces here as a DeliveryError
 * with Retry-After, and the dispatcher's Postgres-backed schedule does the waiting, instead of a
 * hidden in-memory queue that a restart would lose. A club whose workspace has uninstalled Warmpath
 * fails at once and for good, without a call to Slack (`clients` throws a permanent DeliveryError).
 */
export function createSlackPort(clients: SlackClients, options: SlackPortOptions = {}): SlackPort {
  const clientOf = typeof clients === "function" ? clients : undefined;

  /**
   * Runs a delivery with the club's client. When Slack refuses the token (another instance saw the
   * uninstall, refreshed the token, or a reinstall replaced it), the installation is read again:
   * uninstalled fails for good, a new token gets one more try.
   */
  async function inWorkspace<T>(club: ClubAddress, run: (conversations: SlackConversations) => Promise<T>): Promise<T> {
    if (!clientOf) return run(slackConversations(clients as webApi.WebClient));
    const client = await clientOf(club, { fresh: false });
    try {
      return await run(slackConversations(client));
    } catch (error) {
      const code = error instanceof DeliveryError ? slackCode(error) : undefined;
      if (!code || !TOKEN_ERRORS.has(code)) throw error;
      const fresh = await clientOf(club, { fresh: true });
      if (fresh === client) throw error;
      return run(slackConversations(fresh));
    }
  }

  return {
    platform: "slack",
    // Slack's rate limits are per app per workspace.
    pacedPer: "workspace",
    ...(options.deliveriesPerMinute ? { deliveriesPerSecond: options.deliveriesPerMinute / 60 } : {}),

    async sendDirect(club: ClubAddress, userId: string, reply: Reply): Promise<DeliveryReceipt | void> {
      await inWorkspace(club, async (c) => c.post(await c.openConversation([userId]), reply));
    },

    async openRoom(club: ClubAddress, userIds: string[], reply: Reply): Promise<void> {
      const people = [...new Set(userIds)];
      await inWorkspace(club, async (c) => {
        const channel = await c.openConversation(people);
        // One message that names everyone, so each of them is notified in the new group DM.
        await c.post(channel, reply, { lead: people.map((id) => `<@${escapeMrkdwn(id)}>`).join(" ") });
      });
    },

    async postToChannel(club: ClubAddress, channelId: string | null, reply: Reply): Promise<void> {
      if (!channelId) {
        throw new DeliveryError("no Slack channel to post to: run the command in the club's channel", { permanent: true });
      }
      await inWorkspace(club, (c) => c.post(channelId, reply));
    },
  };
}
