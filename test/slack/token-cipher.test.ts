import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { createTokenCipher, TokenDecryptionError } from "../../src/adapters/slack/token-cipher.js";

const TOKEN = "xoxb-1234-5678-AbCdEfGhIjKlMnOp";

describe("the token cipher (AES-256-GCM)", () => {
  const key = randomBytes(32);
  const cipher = createTokenCipher(key);

  it("round-trips a token, with a fresh nonce each time and no trace of the plaintext", () => {
    const a = cipher.encrypt(TOKEN, "T1:bot");
    const b = cipher.encrypt(TOKEN, "T1:bot");
    expect(a).not.toBe(b);
    expect(a).toMatch(/^v1\.[\w-]{8}\.[\w-]+$/);
    expect(a).not.toContain("AbCdEf");
    expect(cipher.decrypt(a, "T1:bot")).toBe(TOKEN);
  });

  it("refuses a value moved to another installation or role, or altered", () => {
    const sealed = cipher.encrypt(TOKEN, "T1:bot");
    expect(() => cipher.decrypt(sealed, "T2:bot")).toThrow(TokenDecryptionError);
    expect(() => cipher.decrypt(sealed, "T1:bot-refresh")).toThrow(/integrity check/);
    const body = sealed.split(".")[2]!;
    const flipped = `${body.slice(0, -2)}${body.endsWith("A") ? "B" : "A"}${body.slice(-1)}`;
    expect(() => cipher.decrypt(sealed.replace(body, flipped), "T1:bot")).toThrow(TokenDecryptionError);
    expect(() => cipher.decrypt(TOKEN, "T1:bot")).toThrow(/not in Warmpath's encrypted format/);
  });

  it("after a key change reads old values with the previous key and writes under the new one", () => {
    const sealed = cipher.encrypt(TOKEN, "T1:bot");
    const next = createTokenCipher(randomBytes(32), [key]);
    expect(next.decrypt(sealed, "T1:bot")).toBe(TOKEN);
    const resealed = next.encrypt(TOKEN, "T1:bot");
    expect(resealed.split(".")[1]).not.toBe(sealed.split(".")[1]);
    expect(() => cipher.decrypt(resealed, "T1:bot")).toThrow(/encrypted under another key .*SLACK_TOKEN_ENCRYPTION_PREVIOUS_KEYS/);
  });

  it("takes only 32-byte keys", () => {
    expect(() => createTokenCipher(randomBytes(16))).toThrow(/32 bytes, not 16/);
  });
});
