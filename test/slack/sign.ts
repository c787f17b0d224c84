import { createHmac } from "node:crypto";

/** Slack's v0 request signature: HMAC-SHA256 of `v0:{timestamp}:{raw body}` with the signing secret. */
export function slackSignature(secret: string, timestamp: number, body: string): string {
  return `v0=${createHmac("sha256", secret).update(`v0:${timestamp}:${body}`).digest("hex")}`;
}

export interface SendOptions {
  secret: string;
  /** Seconds since the epoch; now by default. A stale one is signed correctly, so only its age is wrong. */
  timestamp?: number;
  /** Replaces the computed signature (a forged or broken one). */
  signature?: string;
  /** No signature headers at all. */
  unsigned?: boolean;
  /** More headers, as Slack adds them (X-Slack-Retry-Num and X-Slack-Retry-Reason on a redelivery). */
  headers?: Record<string, string>;
}

/** POSTs to the app exactly as Slack does: the raw body, its content type, and the signature headers. */
export async function sendSigned(url: string, body: string, contentType: string, options: SendOptions): Promise<{ status: number; body: string; receivedAt: number }> {
  const timestamp = options.timestamp ?? Math.floor(Date.now() / 1000);
  const headers: Record<string, string> = { ...options.headers, "content-type": contentType };
  if (!options.unsigned) {
    headers["x-slack-request-timestamp"] = String(timestamp);
    headers["x-slack-signature"] = options.signature ?? slackSignature(options.secret, timestamp, body);
  }
  const response = await fetch(url, { method: "POST", headers, body });
  return { status: response.status, body: await response.text(), receivedAt: Date.now() };
}

/** A slash command: application/x-www-form-urlencoded fields, as Slack posts them. */
export function slashCommandBody(fields: {
  command: string;
  text: string;
  userId: string;
  userName: string;
  teamId: string;
  teamDomain: string;
  channelId: string;
  responseUrl: string;
  /** An Enterprise Grid org; with `orgWide`, the app is installed org-wide. */
  enterpriseId?: string;
  orgWide?: boolean;
}): string {
  return new URLSearchParams({
    token: "verification-token-unused",
    team_id: fields.teamId,
    team_domain: fields.teamDomain,
    channel_id: fields.channelId,
    channel_name: "job-club",
    user_id: fields.userId,
    user_name: fields.userName,
    command: fields.command,
    text: fields.text,
    api_app_id: "A0WARMPATH",
    is_enterprise_install: String(fields.orgWide ?? false),
    ...(fields.enterpriseId ? { enterprise_id: fields.enterpriseId, enterprise_name: "Grid Org" } : {}),
    response_url: fields.responseUrl,
    trigger_id: "1337.42.abcdef",
  }).toString();
}

/** Interactivity: the JSON payload in a form field named `payload`. */
export function interactionBody(payload: unknown): string {
  return new URLSearchParams({ payload: JSON.stringify(payload) }).toString();
}
