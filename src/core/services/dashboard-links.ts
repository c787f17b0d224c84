import { createHmac, randomBytes, timingSafeEqual } from "node:crypto";
import type { ClubStore } from "../../db/store/club-store.js";

/** A sign-in link works once, within this time. */
export const LINK_LIFETIME_MS = 15 * 60_000;

/** What a sign-in link says, under the club key's signature. */
export interface LinkClaims {
  clubId: number;
  memberId: number;
  /** Given to a workspace/server admin, who may open the dashboard without being on the organiser list. */
  viaAdmin: boolean;
  expiresAt: Date;
  /** Makes each link one of a kind; a used one is remembered until the link expires. */
  nonce: string;
}

/** `1.<club>.<member>.<a|m>.<expiry, unix seconds>.<nonce>.<signature>`: URL-safe as it is. */
const TOKEN = /^1\.(\d{1,10})\.(\d{1,10})\.([am])\.(\d{1,12})\.([A-Za-z0-9_-]{22})\.([A-Za-z0-9_-]{43})$/;

const mac = (key: Buffer, text: string) => createHmac("sha256", key).update(text).digest();

/**
 * The key that signs a club's links. From DASHBOARD_SECRET, one key per club is derived (a link of
 * one club never verifies for another); without it, the club's random key kept in the database,
 * made on first use when `create` (the `dashboard` command), never by a sign-in attempt.
 */
export async function clubLinkKey(store: ClubStore, secret: string | undefined, now: Date, create: boolean): Promise<Buffer | undefined> {
  if (secret) return mac(Buffer.from(secret, "utf8"), `warmpath dashboard links, club ${store.clubId}`);
  const stored = create ? await store.dashboard.storedKey(now) : await store.dashboard.existingKey();
  return stored ? Buffer.from(stored, "hex") : undefined;
}

/** A signed sign-in token for a member of a club, valid LINK_LIFETIME_MS from `now`. */
export function signLink(key: Buffer, claims: { clubId: number; memberId: number; viaAdmin: boolean }, now: Date): string {
  const expires = Math.floor((now.getTime() + LINK_LIFETIME_MS) / 1000);
  const payload = `1.${claims.clubId}.${claims.memberId}.${claims.viaAdmin ? "a" : "m"}.${expires}.${randomBytes(16).toString("base64url")}`;
  return `${payload}.${mac(key, payload).toString("base64url")}`;
}

/** A token's claims, read without checking the signature (which needs the club's key first); undefined when malformed. */
export function readLink(token: string): (LinkClaims & { payload: string; signature: string }) | undefined {
  const match = TOKEN.exec(token);
  if (!match) return undefined;
  const [, club, member, who, expires, nonce, signature] = match as unknown as [string, string, string, string, string, string, string];
  return {
    clubId: Number(club),
    memberId: Number(member),
    viaAdmin: who === "a",
    expiresAt: new Date(Number(expires) * 1000),
    nonce,
    payload: token.slice(0, token.length - signature.length - 1),
    signature,
  };
}

/** Whether the token's signature is the club key's, compared in constant time. */
export function signedBy(key: Buffer, link: { payload: string; signature: string }): boolean {
  const expected = mac(key, link.payload);
  const given = Buffer.from(link.signature, "base64url");
  return given.length === expected.length && timingSafeEqual(given, expected);
}
