import type { Platform, Reply } from "./types.js";

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
