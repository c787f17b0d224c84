import { webApi } from "@slack/bolt";
import type { Reply } from "../../core/types.js";
import { DeliveryError, type ClubAddress, type DeliveryReceipt, type MessengerPort } from "../../outbox/port.js";
import { escapeMrkdwn, renderMessage, type RenderOptions } from "./render.js";

/**
 * Slack errors worth trying again: Slack's own trouble. Every other error code (channel_not_found,
 * not_in_channel, user_not_found, account_inactive, is_archived, missing_scope, invalid_blocks...)
 * will fail the same way next time, so the delivery gives up with that code as its reason.
 */
const TRANSIENT_ERRORS = new Set(["ratelimited", "internal_error", "fatal_error", "service_unavailable", "request_timeout", "team_added_to_org"]);

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

export interface SlackPort extends MessengerPort {
  /** A DM (one user) or group DM (several) with the bot: Slack returns the same conversation every time. */
  openConversation(userIds: string[]): Promise<string>;
  /** Posts a reply into a conversation, with its attachment as a file. */
  post(channel: string, reply: Reply, options?: RenderOptions): Promise<void>;
  /** Uploads a document into a conversation, with a comment above it. */
  upload(channel: string, attachment: NonNullable<Reply["attachment"]>, comment?: string): Promise<void>;
}

/**
 * Delivery over the Web API. The client must be built with `rejectRateLimitedCalls` and no retries:
 * a 429 then surfaces here as a DeliveryError with Retry-After, and the dispatcher's Postgres-backed
 * schedule does the waiting, instead of a hidden in-memory queue that a restart would lose.
 */
export function createSlackPort(client: webApi.WebClient, options: { deliveriesPerMinute?: number } = {}): SlackPort {
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

  return {
    platform: "slack",
    ...(options.deliveriesPerMinute ? { deliveriesPerSecond: options.deliveriesPerMinute / 60 } : {}),
    openConversation,
    post,
    upload,

    async sendDirect(_club: ClubAddress, userId: string, reply: Reply): Promise<DeliveryReceipt | void> {
      await post(await openConversation([userId]), reply);
    },

    async openRoom(_club: ClubAddress, userIds: string[], reply: Reply): Promise<void> {
      const people = [...new Set(userIds)];
      const channel = await openConversation(people);
      // One message that names everyone, so each of them is notified in the new group DM.
      await post(channel, reply, { lead: people.map((id) => `<@${escapeMrkdwn(id)}>`).join(" ") });
    },

    async postToChannel(_club: ClubAddress, channelId: string | null, reply: Reply): Promise<void> {
      if (!channelId) {
        throw new DeliveryError("no Slack channel to post to: run the command in the club's channel", { permanent: true });
      }
      await post(channelId, reply);
    },
  };
}
