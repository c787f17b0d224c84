import { createPublicKey, verify, type KeyObject } from "node:crypto";

/**
 * How far a request's X-Signature-Timestamp may be from our clock. Discord sends at once, so a
 * request older than this is a replay of a captured one (an interaction token stays valid for 15
 * minutes); the margin allows for clocks that disagree a little.
 */
export const MAX_SIGNATURE_AGE_SECONDS = 5 * 60;

export type SignatureCheck = { ok: true } | { ok: false; reason: "missing" | "malformed" | "stale" | "forged" };

/**
 * Checks Discord's Ed25519 signature over `timestamp + raw body` against the application's public
 * key (hex, as the Developer Portal shows it), with Node's own crypto. The key is parsed once.
 */
export function createSignatureVerifier(publicKeyHex: string, now: () => number = Date.now) {
  const key = ed25519PublicKey(publicKeyHex);

  return function check(signature: string | undefined, timestamp: string | undefined, body: Buffer): SignatureCheck {
    if (!signature || !timestamp) return { ok: false, reason: "missing" };
    if (!/^[0-9a-fA-F]{128}$/.test(signature) || !/^\d{1,12}$/.test(timestamp)) return { ok: false, reason: "malformed" };
    if (Math.abs(now() / 1000 - Number(timestamp)) > MAX_SIGNATURE_AGE_SECONDS) return { ok: false, reason: "stale" };
    const signed = Buffer.concat([Buffer.from(timestamp, "utf8"), body]);
    return verify(null, signed, key, Buffer.from(signature, "hex")) ? { ok: true } : { ok: false, reason: "forged" };
  };
}

/** A raw 32-byte Ed25519 public key in hex, as a KeyObject (through its JWK form). */
export function ed25519PublicKey(publicKeyHex: string): KeyObject {
  if (!/^[0-9a-fA-F]{64}$/.test(publicKeyHex)) throw new Error("an Ed25519 public key is 64 hexadecimal characters");
  return createPublicKey({ key: { kty: "OKP", crv: "Ed25519", x: Buffer.from(publicKeyHex, "hex").toString("base64url") }, format: "jwk" });
}
