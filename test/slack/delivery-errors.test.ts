import { describe, expect, it } from "vitest";
import { webApi } from "@slack/bolt";
import { toDeliveryError } from "../../src/adapters/slack/port.js";
import { DeliveryError } from "../../src/outbox/port.js";

const platform = (error: string) => new webApi.WebAPIPlatformError({ ok: false, error });

/** The Web API client's real error classes, as it throws them, and what the dispatcher is told. */
describe("how a failed Slack call is judged for the outbox", () => {
  it.each([
    ["rate limited, with Retry-After", new webApi.WebAPIRateLimitedError(7), { permanent: false, retryAfterMs: 7000 }],
    ["channel_not_found", platform("channel_not_found"), { permanent: true, retryAfterMs: undefined }],
    ["not_in_channel", platform("not_in_channel"), { permanent: true, retryAfterMs: undefined }],
    ["user_not_found", platform("user_not_found"), { permanent: true, retryAfterMs: undefined }],
    ["user_disabled", platform("user_disabled"), { permanent: true, retryAfterMs: undefined }],
    ["account_inactive", platform("account_inactive"), { permanent: true, retryAfterMs: undefined }],
    ["is_archived", platform("is_archived"), { permanent: true, retryAfterMs: undefined }],
    ["invalid_blocks", platform("invalid_blocks"), { permanent: true, retryAfterMs: undefined }],
    ["internal_error", platform("internal_error"), { permanent: false, retryAfterMs: undefined }],
    ["service_unavailable", platform("service_unavailable"), { permanent: false, retryAfterMs: undefined }],
    ["HTTP 503", new webApi.WebAPIHTTPError(503, "Service Unavailable", {}, ""), { permanent: false, retryAfterMs: undefined }],
    ["HTTP 502 with Retry-After", new webApi.WebAPIHTTPError(502, "Bad Gateway", { "retry-after": "3" }, ""), { permanent: false, retryAfterMs: 3000 }],
    ["HTTP 400", new webApi.WebAPIHTTPError(400, "Bad Request", {}, ""), { permanent: true, retryAfterMs: undefined }],
    ["network down", new webApi.WebAPIRequestError(new Error("connect ECONNREFUSED 127.0.0.1:443")), { permanent: false, retryAfterMs: undefined }],
    ["anything else", new Error("socket hang up"), { permanent: false, retryAfterMs: undefined }],
  ])("%s", (_name, error, expected) => {
    const judged = toDeliveryError("chat.postMessage", error);
    expect(judged).toBeInstanceOf(DeliveryError);
    expect({ permanent: judged.permanent, retryAfterMs: judged.retryAfterMs }).toEqual(expected);
    expect(judged.message).toMatch(/^Slack chat\.postMessage /);
  });

  it("names Slack's error code in the reason people see", () => {
    expect(toDeliveryError("conversations.open", platform("user_not_found")).message).toBe("Slack conversations.open failed: user_not_found");
  });
});
