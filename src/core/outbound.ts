import type { Platform, Reply } from "./types.js";
import { matchesReply, type MatchesNote } from "./services/matching.js";

/**
 * Something the bot must send later, through the outbox. Recipients are member ids; the dispatcher
 * finds their accounts on whichever platform the club lives on. `account` is the exception: a
 * private message to a platform account that need not be a member (yet), such as the welcome for
 * someone who just joined the club's channel.
 */
export type OutboundMessage =
  | {
      kind: "direct";
      to: number;
      reply: Reply;
      /**
       * The weekly matches, kept as data and written into `reply` when delivered (see replyOf): a
       * fan-out to thousands stores ids and names, not each message's words and buttons.
       */
      matches?: MatchesNote;
      dedupeKey?: string;
      about?: number[];
      /** Who to tell when the platform had to deliver it some other way (closed DMs). */
      notifyOnFallback?: number;
    }
  | {
      kind: "room";
      members: number[];
      /** Where to open it, when the members share more than one platform; unset: the first they share. */
      platform?: Platform;
      reply: Reply;
      dedupeKey?: string;
      about?: number[];
    }
  | {
      kind: "channel";
      /** Which of the club's platforms to post on (a channel id means something on one only); unset: the first the club is on. */
      platform?: Platform;
      channelId: string | null;
      reply: Reply;
      dedupeKey?: string;
      about?: number[];
    }
  | { kind: "account"; platform: Platform; userId: string; reply: Reply; dedupeKey?: string; about?: number[] };

/** Every member whose data the message carries: recipients plus those it is about. */
export function membersOf(message: OutboundMessage): number[] {
  const recipients = message.kind === "direct" ? [message.to] : message.kind === "room" ? message.members : [];
  return [...new Set([...recipients, ...(message.about ?? [])])];
}

/** What a direct message says: its reply, and the lists it carries as data. */
export type DirectContent = Pick<Extract<OutboundMessage, { kind: "direct" }>, "reply" | "matches">;

/** The reply to deliver: the message's own, with any lists it carries written in. */
export function replyOf(message: OutboundMessage): Reply {
  return message.kind === "direct" && message.matches ? matchesReply(message.reply, message.matches) : message.reply;
}
