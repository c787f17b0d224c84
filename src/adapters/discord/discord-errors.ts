import { DiscordAPIError, HTTPError, RateLimitError } from "discord.js";
import { DeliveryError } from "../../outbox/port.js";

/** The JSON error codes Warmpath reacts to (developer docs, "Opcodes and Status Codes"). */
export const DiscordCode = {
  UnknownChannel: 10003,
  UnknownGuild: 10004,
  UnknownMember: 10007,
  UnknownUser: 10013,
  UnknownInteraction: 10062,
  InteractionAlreadyAcknowledged: 40060,
  MissingAccess: 50001,
  CannotMessageUser: 50007,
  MissingPermissions: 50013,
} as const;

export function hasDiscordCode(error: unknown, code: number): boolean {
  return error instanceof DiscordAPIError && Number(error.code) === code;
}

const HINTS: Partial<Record<number, string>> = {
  [DiscordCode.MissingAccess]: "the bot can't see that channel: give it View Channel there",
  [DiscordCode.MissingPermissions]: "the bot lacks a permission there (Send Messages, Embed Links, Create Private Threads or Send Messages in Threads)",
  [DiscordCode.UnknownChannel]: "the channel no longer exists",
  [DiscordCode.UnknownUser]: "the member's account no longer exists",
  [DiscordCode.UnknownGuild]: "the bot is no longer in that server",
};

/**
 * How a failed Discord call should be retried by the outbox, in words a person can act on. Rate
 * limits and server or network failures are retried after `retry_after` or a backoff; anything else
 * Discord refused (a missing permission, a channel that is gone) won't change by retrying.
 */
export function toDeliveryError(error: unknown, doing: string): DeliveryError {
  if (error instanceof DeliveryError) return error;
  if (error instanceof RateLimitError) {
    // retryAfter is Discord's retry_after (plus @discordjs/rest's offset); timeToReset covers a bucket
    // or the global limit that was already known to be exhausted before sending.
    const wait = Math.ceil(Math.max(error.retryAfter, error.timeToReset, 0)) || 1000;
    return new DeliveryError(`${doing}: rate limited by Discord${error.global ? " (global limit)" : ""} on ${error.route}; retrying in ${wait} ms`, {
      permanent: false,
      retryAfterMs: wait,
      cause: error,
    });
  }
  if (error instanceof DiscordAPIError) {
    const code = Number(error.code);
    const what = `${doing}: Discord said “${error.message}” (HTTP ${error.status}, code ${String(error.code)})`;
    if (error.status === 429) {
      const seconds = Number((error.rawError as { retry_after?: unknown }).retry_after);
      return new DeliveryError(what, { permanent: false, retryAfterMs: Number.isFinite(seconds) ? Math.ceil(seconds * 1000) : undefined, cause: error });
    }
    if (error.status >= 500 || error.status === 408) return new DeliveryError(what, { permanent: false, cause: error });
    if (error.status === 401) return new DeliveryError(`${doing}: Discord rejected the bot token (HTTP 401); check DISCORD_TOKEN`, { permanent: true, cause: error });
    const hint = HINTS[code];
    return new DeliveryError(hint ? `${what}: ${hint}` : what, { permanent: true, cause: error });
  }
  if (error instanceof HTTPError) {
    return new DeliveryError(`${doing}: Discord answered HTTP ${error.status}`, { permanent: error.status < 500 && error.status !== 408, cause: error });
  }
  // Network failures and timeouts: the request may not have arrived; the outbox tries again later.
  const message = error instanceof Error ? error.message : String(error);
  return new DeliveryError(`${doing}: ${message}`, { permanent: false, cause: error });
}

/**
 * An error as it may be logged. Request URLs are left out: interaction routes carry the interaction
 * token, which can answer in the bot's name for 15 minutes. The bot token never appears in Discord
 * errors, and the project logger scrubs it anyway.
 */
export function describeError(error: unknown): Record<string, unknown> {
  if (error instanceof DiscordAPIError) return { name: "DiscordAPIError", code: error.code, status: error.status, method: error.method, message: withoutTokens(error.message) };
  if (error instanceof RateLimitError) return { name: "RateLimitError", route: error.route, retryAfterMs: error.retryAfter, global: error.global };
  if (error instanceof HTTPError) return { name: "HTTPError", status: error.status, method: error.method, message: error.message };
  if (error instanceof DeliveryError) return { name: error.name, message: error.message, permanent: error.permanent };
  if (error instanceof Error) return { name: error.name, message: withoutTokens(error.message), stack: error.stack && withoutTokens(error.stack) };
  return { message: withoutTokens(String(error)) };
}

/** Interaction and webhook tokens, should a message ever quote a route. */
function withoutTokens(text: string): string {
  return text.replace(/\b(interactions\/\d+|webhooks\/\d+)\/[\w-]{20,}/g, "$1/[token]");
}
