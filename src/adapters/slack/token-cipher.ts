import { createCipheriv, createDecipheriv, createHash, randomBytes } from "node:crypto";

/** AES-256-GCM's key, nonce and tag sizes, in bytes. */
const KEY_BYTES = 32;
const IV_BYTES = 12;
const TAG_BYTES = 16;
const PREFIX = "v1";

/**
 * Why a stored token could not be read: the wrong key, or a value that is not ours (edited, or moved
 * from another installation's row). Never carries the value itself.
 */
export class TokenDecryptionError extends Error {
  readonly code = "SLACK.TOKEN_DECRYPTION";
  constructor(message: string) {
    super(message);
    this.name = "TokenDecryptionError";
  }
}

/** Encrypts tokens for the database and reads them back. */
export interface TokenCipher {
  /**
   * `context` is bound into the ciphertext (GCM's additional data): a value copied into another
   * installation's row does not decrypt there.
   */
  encrypt(plaintext: string, context: string): string;
  decrypt(stored: string, context: string): string;
}

/** A short, non-secret name for a key, stored beside each value so a wrong key says so plainly. */
function keyId(key: Buffer): string {
  return createHash("sha256").update(key).digest("base64url").slice(0, 8);
}

/**
 * AES-256-GCM with a random 96-bit nonce per value, stored as `v1.<key id>.<base64url(iv | tag | ciphertext)>`.
 * `previousKeys` only decrypt: after a key change, tokens written under the old key still work, and
 * each is re-encrypted under the new one the next time it is stored (a refresh or a reinstall).
 */
export function createTokenCipher(key: Buffer, previousKeys: Buffer[] = []): TokenCipher {
  for (const k of [key, ...previousKeys]) {
    if (k.length !== KEY_BYTES) throw new Error(`a token encryption key must be ${KEY_BYTES} bytes, not ${k.length}`);
  }
  const currentId = keyId(key);
  const keys = new Map([...previousKeys.map((k) => [keyId(k), k] as const), [currentId, key] as const]);

  return {
    encrypt(plaintext, context) {
      const iv = randomBytes(IV_BYTES);
      const cipher = createCipheriv("aes-256-gcm", key, iv);
      cipher.setAAD(Buffer.from(context, "utf8"));
      const body = Buffer.concat([cipher.update(plaintext, "utf8"), cipher.final()]);
      return `${PREFIX}.${currentId}.${Buffer.concat([iv, cipher.getAuthTag(), body]).toString("base64url")}`;
    },

    decrypt(stored, context) {
      const [version, id, data] = stored.split(".");
      if (version !== PREFIX || !id || !data) throw new TokenDecryptionError("a stored Slack token is not in Warmpath's encrypted format");
      const k = keys.get(id);
      if (!k) {
        throw new TokenDecryptionError(
          `a stored Slack token was encrypted under another key (${id}): set SLACK_TOKEN_ENCRYPTION_KEY to that key, or list it in SLACK_TOKEN_ENCRYPTION_PREVIOUS_KEYS`,
        );
      }
      const raw = Buffer.from(data, "base64url");
      if (raw.length < IV_BYTES + TAG_BYTES) throw new TokenDecryptionError("a stored Slack token is truncated");
      try {
        const decipher = createDecipheriv("aes-256-gcm", k, raw.subarray(0, IV_BYTES));
        decipher.setAAD(Buffer.from(context, "utf8"));
        decipher.setAuthTag(raw.subarray(IV_BYTES, IV_BYTES + TAG_BYTES));
        return Buffer.concat([decipher.update(raw.subarray(IV_BYTES + TAG_BYTES)), decipher.final()]).toString("utf8");
      } catch {
        throw new TokenDecryptionError("a stored Slack token failed its integrity check (altered, or not this installation's)");
      }
    },
  };
}
